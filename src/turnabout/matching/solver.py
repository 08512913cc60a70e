"""Assignment solvers: dense (Hungarian), sparse (LAPJVsp) and LP (several mentors each).

All solvers take *benefits* (higher is better) on allowed edges only and return the chosen
(row, column) edges. Every answer is validated afterwards: no edge outside the allowed
set, no row or column over its capacity (solvers can silently return forbidden pairs).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.optimize import Bounds, LinearConstraint, linear_sum_assignment, milp
from scipy.sparse.csgraph import maximum_flow, min_weight_full_bipartite_matching

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


class SolverError(RuntimeError):
    """A solver returned an answer that breaks a constraint (a bug; never silently kept)."""


def lexicographic_offset(rows: int, cols: int) -> float:
    """A bonus per matched pair larger than any possible difference in total score."""
    return float(min(rows, cols) + 2)


def _slots(capacity: IntArray) -> tuple[IntArray, IntArray]:
    """Column owner of each capacity slot, and each column's first slot."""
    owner = np.repeat(np.arange(len(capacity), dtype=np.int64), capacity)
    start = np.zeros(len(capacity), dtype=np.int64)
    start[1:] = np.cumsum(capacity)[:-1]
    return owner, start


def solve_dense(benefit: FloatArray, capacity: IntArray) -> tuple[IntArray, IntArray]:
    """Maximum-benefit assignment on a dense matrix; 0 marks a forbidden pair.

    Each row takes at most one column; column j is repeated ``capacity[j]`` times.
    Benefits of allowed pairs must be > 0, so a forbidden pair never adds to the optimum
    and is simply dropped when the solver has to fill a row with one.
    """
    n_rows, n_cols = benefit.shape
    if n_rows == 0 or n_cols == 0 or capacity.sum() == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    if np.any(capacity != 1):
        owner, _ = _slots(capacity)
        expanded = benefit[:, owner]
    else:
        owner = np.arange(n_cols, dtype=np.int64)
        expanded = benefit
    row_ind, slot_ind = linear_sum_assignment(expanded, maximize=True)
    keep = expanded[row_ind, slot_ind] > 0
    return row_ind[keep].astype(np.int64), owner[slot_ind[keep]]


def solve_sparse(
    rows: IntArray,
    cols: IntArray,
    benefit: FloatArray,
    n_rows: int,
    capacity: IntArray,
    *,
    unmatched_benefit: float,
) -> tuple[IntArray, IntArray]:
    """Maximum-benefit assignment on candidate edges (each row at most once).

    Every row gets its own "unmatched" column worth ``unmatched_benefit``, so a full
    matching always exists. Costs are ``top - benefit`` with ``top`` above every benefit,
    hence never zero (scipy's sparse matrices drop zero weights).
    """
    if len(rows) == 0 or n_rows == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    owner, start = _slots(capacity)
    repeat = capacity[cols]
    keep = repeat > 0
    rows, cols, benefit, repeat = rows[keep], cols[keep], benefit[keep], repeat[keep]
    edge = np.repeat(np.arange(len(rows)), repeat)
    within = np.arange(len(edge)) - np.repeat(np.cumsum(repeat) - repeat, repeat)
    slot = start[cols[edge]] + within
    top = max(float(benefit.max(initial=0.0)), unmatched_benefit) + 1.0
    n_slots = len(owner)
    all_rows = np.concatenate([rows[edge], np.arange(n_rows)])
    all_cols = np.concatenate([slot, n_slots + np.arange(n_rows)])
    costs = np.concatenate(
        [top - benefit[edge], np.full(n_rows, top - unmatched_benefit, dtype=np.float64)]
    )
    graph = sp.csr_matrix((costs, (all_rows, all_cols)), shape=(n_rows, n_slots + n_rows))
    row_ind, col_ind = min_weight_full_bipartite_matching(graph)
    real = col_ind < n_slots
    return row_ind[real].astype(np.int64), owner[col_ind[real]]


def solve_lp(
    rows: IntArray,
    cols: IntArray,
    benefit: FloatArray,
    need: IntArray,
    capacity: IntArray,
) -> tuple[IntArray, IntArray]:
    """Degree-constrained assignment (row i takes up to ``need[i]`` distinct columns).

    The constraint matrix is totally unimodular, so HiGHS solves it at the root node.
    """
    if len(rows) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    n_edges = len(rows)
    edge_ids = np.arange(n_edges)
    row_matrix = sp.csr_matrix((np.ones(n_edges), (rows, edge_ids)), shape=(len(need), n_edges))
    col_matrix = sp.csr_matrix((np.ones(n_edges), (cols, edge_ids)), shape=(len(capacity), n_edges))
    result = milp(
        -benefit,
        integrality=np.ones(n_edges),
        bounds=Bounds(0, 1),
        constraints=[
            LinearConstraint(row_matrix, -np.inf, need.astype(np.float64)),
            LinearConstraint(col_matrix, -np.inf, capacity.astype(np.float64)),
        ],
    )
    if result.x is None:
        raise SolverError(f"HiGHS found no solution: {result.message}")
    chosen = np.round(result.x) > 0.5
    return rows[chosen], cols[chosen]


def max_matched(rows: IntArray, cols: IntArray, need: IntArray, capacity: IntArray) -> int:
    """Most pairs possible on these edges (max flow source -> rows -> cols -> sink)."""
    n_rows, n_cols = len(need), len(capacity)
    if len(rows) == 0:
        return 0
    source, sink = n_rows + n_cols, n_rows + n_cols + 1
    size = n_rows + n_cols + 2
    tail = np.concatenate([np.full(n_rows, source), rows, n_rows + np.arange(n_cols)])
    head = np.concatenate([np.arange(n_rows), n_rows + cols, np.full(n_cols, sink)])
    cap = np.concatenate([need, np.ones(len(rows), dtype=np.int64), capacity])
    graph = sp.csr_matrix((cap.astype(np.int32), (tail, head)), shape=(size, size), dtype=np.int32)
    graph.sum_duplicates()
    return int(maximum_flow(graph, source, sink).flow_value)


def validate(
    chosen_rows: IntArray,
    chosen_cols: IntArray,
    allowed: BoolArray,
    need: IntArray,
    capacity: IntArray,
) -> None:
    """Raise ``SolverError`` on a forbidden, repeated or over-capacity pair.

    ``allowed`` is a flag per chosen pair saying whether it was an allowed edge.
    """
    if not np.all(allowed):
        raise SolverError(f"solver chose {int((~allowed).sum())} forbidden pair(s)")
    codes = chosen_rows * max(len(capacity), 1) + chosen_cols
    if len(np.unique(codes)) != len(codes):
        raise SolverError("solver chose the same pair twice")
    if np.any(np.bincount(chosen_cols, minlength=len(capacity)) > capacity):
        raise SolverError("solver put a mentor over capacity")
    if np.any(np.bincount(chosen_rows, minlength=len(need)) > need):
        raise SolverError("solver gave a mentee more mentors than asked for")
