"""Assignment solvers: dense (Hungarian), sparse (OR-Tools min-cost flow; scipy's auction +
LAPJVsp and HiGHS as the fallback and the tests' oracle).

scipy's optimisation and graph modules and OR-Tools are imported inside the functions
that use them, so that ``turnabout match`` starts without paying for what it does not run.

All solvers take *benefits* (higher is better) on allowed edges only and return the chosen
(row, column) edges. Every answer is validated afterwards: no edge outside the allowed
set, no row or column over its capacity (solvers can silently return forbidden pairs).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import cast

import numpy as np
import scipy.sparse as sp

from . import _codes
from ._types import BoolArray, Float64Array, IntArray


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


def solve_dense(benefit: Float64Array, capacity: IntArray) -> tuple[IntArray, IntArray]:
    """Maximum-benefit assignment on a dense matrix; 0 marks a forbidden pair.

    Parameters
    ----------
    benefit : Float64Array, shape (rows, cols)
        Benefit of each pair, > 0 where allowed, 0 where forbidden.
    capacity : IntArray, shape (cols,)
        Places per column.

    Returns
    -------
    rows, cols : IntArray, shape (pairs,)
        The chosen pairs.

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
    row_ind, slot_ind = _linear_sum_assignment()(expanded, maximize=True)
    keep = expanded[row_ind, slot_ind] > 0
    return row_ind[keep].astype(np.int64), owner[slot_ind[keep]]


def _linear_sum_assignment() -> Callable[..., tuple[IntArray, IntArray]]:
    """scipy's ``linear_sum_assignment``, without importing all of ``scipy.optimize``.

    The function lives in one compiled module (``scipy/optimize/_lsap``) that needs only
    numpy; importing it the usual way first runs ``scipy.optimize``'s package start-up,
    which loads linprog, linalg and fft (about 0.25 CPU s, a third of a small
    ``turnabout match`` run). So the module is loaded from its file on its own, under
    its own name; on any surprise (another scipy layout) the ordinary import is used.
    """
    loaded = sys.modules.get("scipy.optimize._lsap")
    if loaded is None and "scipy.optimize" not in sys.modules:
        try:
            import importlib.machinery
            import importlib.util

            import scipy

            folder = Path(scipy.__file__).parent / "optimize"
            for suffix in importlib.machinery.EXTENSION_SUFFIXES:
                path = folder / f"_lsap{suffix}"
                if path.exists():
                    spec = importlib.util.spec_from_file_location("scipy.optimize._lsap", path)
                    if spec is not None and spec.loader is not None:
                        module = importlib.util.module_from_spec(spec)
                        spec.loader.exec_module(module)
                        sys.modules["scipy.optimize._lsap"] = module
                        loaded = module
                    break
        except (ImportError, OSError):
            loaded = None
    function = getattr(loaded, "linear_sum_assignment", None)
    if callable(function):
        return cast(Callable[..., tuple[IntArray, IntArray]], function)
    from scipy.optimize import linear_sum_assignment

    return cast(Callable[..., tuple[IntArray, IntArray]], linear_sum_assignment)


EPSILONS = (1e-1, 2e-2, 4e-3, 8e-4, 1.6e-4, 3.2e-5)
"""Bidding increments of the auction's phases, relative to the spread of the benefits."""
ROUND_LIMIT = 1000
"""Most bidding rounds per auction phase; the prices only warm-start the exact solver."""
TAIL_SHARE = 1 / 2000
"""An auction phase stops once at most this share of the rows is still bidding."""


def _slot_edges(
    rows: IntArray, cols: IntArray, benefit: Float64Array, capacity: IntArray
) -> tuple[IntArray, IntArray, Float64Array, IntArray]:
    """Candidate edges repeated once per capacity slot, and the mentor owning each slot."""
    owner, start = _slots(capacity)
    repeat = capacity[cols]
    keep = repeat > 0
    rows, cols, benefit, repeat = rows[keep], cols[keep], benefit[keep], repeat[keep]
    edge = np.repeat(np.arange(len(rows)), repeat)
    within = np.arange(len(edge)) - np.repeat(np.cumsum(repeat) - repeat, repeat)
    return rows[edge], start[cols[edge]] + within, benefit[edge], owner


def auction_prices(
    rows: IntArray, slots: IntArray, benefit: Float64Array, n_rows: int, n_slots: int
) -> Float64Array:
    """Approximate slot prices (dual values) from a vectorised epsilon-scaling auction.

    Every still-unassigned row bids at once for its best slot, raising that slot's price
    by its margin over its second-best option plus epsilon; each slot goes to its highest
    bidder (Bertsekas' Jacobi auction, one numpy pass per round). Rows may also stay out,
    at a cost of one spread below the weakest edge, which keeps the prices of the order of
    the benefits. The phases stop early (a bounded number of rounds, or once a few rows
    are left bidding): the prices only have to be close, because ``solve_sparse`` hands
    them to an exact solver as potentials, which changes its speed and never its answer.
    """
    prices = np.zeros(n_slots, dtype=np.float64)
    if len(rows) == 0:
        return prices
    order = np.argsort(rows, kind="stable")
    slots, benefit = slots[order], benefit[order]
    degree = np.bincount(rows, minlength=n_rows)
    first = np.concatenate([[0], np.cumsum(degree)[:-1]])
    spread = float(benefit.max() - benefit.min()) + 1e-3
    outside = float(benefit.min()) - spread
    owner = np.full(n_slots, -1, dtype=np.int64)
    tail = int(n_rows * TAIL_SHARE)
    for relative in EPSILONS:
        epsilon = relative * spread
        owner.fill(-1)
        bidders = np.flatnonzero(degree)
        for _ in range(ROUND_LIMIT):
            if len(bidders) <= tail:
                break
            counts = degree[bidders]
            starts = np.cumsum(counts) - counts
            edges = np.repeat(first[bidders] - starts, counts) + np.arange(int(counts.sum()))
            value = benefit[edges] - prices[slots[edges]]
            best = np.maximum.reduceat(value, starts)
            at_best = value == np.repeat(best, counts)
            chosen = np.minimum.reduceat(
                np.where(at_best, np.arange(len(value)), len(value)), starts
            )
            value[chosen] = -np.inf
            second = np.maximum(np.maximum.reduceat(value, starts), outside)
            stays = best >= outside
            bidders, chosen = bidders[stays], edges[chosen[stays]]
            slot = slots[chosen]
            bid = prices[slot] + (best[stays] - second[stays]) + epsilon
            ranked = np.lexsort((-bid, slot))
            wins = np.ones(len(ranked), dtype=bool)
            wins[1:] = slot[ranked[1:]] != slot[ranked[:-1]]
            won, lost = ranked[wins], ranked[~wins]
            displaced = owner[slot[won]]
            owner[slot[won]] = bidders[won]
            prices[slot[won]] = bid[won]
            bidders = np.sort(np.concatenate([displaced[displaced >= 0], bidders[lost]]))
    return prices


def solve_sparse(
    rows: IntArray,
    cols: IntArray,
    benefit: Float64Array,
    n_rows: int,
    capacity: IntArray,
    *,
    unmatched_benefit: float,
) -> tuple[IntArray, IntArray]:
    """Exact maximum-benefit assignment on candidate edges (each row at most once).

    Posed as a min-cost perfect matching for scipy's LAPJVsp. Rows: the mentees and one
    stand-in per slot; columns: the slots and one "unmatched" column per mentee. A mentee
    takes a slot (cost ``top - benefit``) or its own unmatched column
    (``top - unmatched_benefit``); a slot's stand-in takes the slot when nobody does, or
    else the unmatched column of any mentee the slot has an edge to (that mentee is then
    matched). Stand-in edges all cost the same, so they add one constant to every answer.

    Every row and every column with an edge is used exactly once, so shifting each
    column's costs by a price and each row's by a constant adds the same amount to every
    answer: the optimum is unchanged, but with the prices of a quick auction
    (``auction_prices``) nearly every mentee's cheapest edge is already right and the
    shortest-path searches stay short. Without prices, each row needs a long search, each
    O(columns): the time grew as n^2 (996 s at 100,000 people per side).

    One extra column without edges keeps the matrix non-square, so that scipy skips
    LAPJVsp's "augmenting row reduction": that step can loop forever on floating-point
    near-ties (a price step too small to change a price), and it did on small test cases.
    The searches that remain are exact. Costs stay >= 1 (scipy drops zero weights).
    """
    if len(rows) == 0 or n_rows == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    edge_rows, edge_slots, edge_benefit, owner = _slot_edges(rows, cols, benefit, capacity)
    n_slots = len(owner)
    prices = auction_prices(edge_rows, edge_slots, edge_benefit, n_rows, n_slots)
    top = max(float(edge_benefit.max(initial=0.0)), unmatched_benefit) + 1.0
    mentees, stand_ins = np.arange(n_rows), n_rows + np.arange(n_slots)
    slot_ids, unmatched = np.arange(n_slots), n_slots + np.arange(n_rows)
    all_rows = np.concatenate([edge_rows, mentees, stand_ins, n_rows + edge_slots])
    all_cols = np.concatenate([edge_slots, unmatched, slot_ids, n_slots + edge_rows])
    costs = np.concatenate(
        [
            top - edge_benefit + prices[edge_slots],
            np.full(n_rows, top - unmatched_benefit),
            1.0 + prices,
            np.ones(len(edge_rows)),
        ]
    )
    lowest = np.full(n_rows + n_slots, np.inf)
    np.minimum.at(lowest, all_rows, costs)
    size = n_rows + n_slots
    graph = sp.csr_matrix(  # one column more than rows: see the docstring
        (costs - lowest[all_rows] + 1.0, (all_rows, all_cols)), shape=(size, size + 1)
    )
    from scipy.sparse.csgraph import min_weight_full_bipartite_matching

    row_ind, col_ind = min_weight_full_bipartite_matching(graph)
    real = (row_ind < n_rows) & (col_ind < n_slots)
    return row_ind[real].astype(np.int64), owner[col_ind[real]]


def solve_lp(
    rows: IntArray,
    cols: IntArray,
    benefit: Float64Array,
    need: IntArray,
    capacity: IntArray,
) -> tuple[IntArray, IntArray]:
    """Degree-constrained assignment (row i takes up to ``need[i]`` distinct columns).

    The constraint matrix is totally unimodular, so HiGHS solves it at the root node.
    """
    from scipy.optimize import Bounds, LinearConstraint, milp

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


SCALE = 10**9
"""Integer units per score point in the min-cost flow (scores have 6 decimals; the rest
keeps the tie-break). Costs stay below about 1.1e9, which OR-Tools accepts at 100k per side."""


def integer_benefit(benefit: Float64Array) -> IntArray:
    """Benefits in integer units (``SCALE`` per point), for OR-Tools and the certificate."""
    result: IntArray = np.rint(benefit * SCALE).astype(np.int64)
    return result


def ortools_available() -> bool:
    try:
        from ortools.graph.python import min_cost_flow  # noqa: F401
    except ImportError:
        return False
    return True


def solve_flow(
    rows: IntArray,
    cols: IntArray,
    benefit: IntArray,
    need: IntArray,
    capacity: IntArray,
    *,
    most_matched: bool,
) -> tuple[IntArray, IntArray]:
    """Exact "most pairs, then best total" by OR-Tools' min-cost flow.

    Parameters
    ----------
    rows, cols : IntArray, shape (edges,)
        Candidate edges (mentee, mentor), each at most once.
    benefit : IntArray, shape (edges,)
        Integer benefits (``integer_benefit``), >= 0.
    need : IntArray, shape (mentees,)
        Mentors each mentee may still take.
    capacity : IntArray, shape (mentors,)
        Mentees each mentor may still take.
    most_matched : bool
        True: the most pairs, then the best total. False: the best total only (a mentee
        may stay unmatched when that raises the total).

    Returns
    -------
    rows, cols : IntArray, shape (pairs,)
        The chosen edges, sorted by (row, col).

    Notes
    -----
    The network is source -> mentee (capacity ``need``) -> mentor (one arc per candidate,
    capacity 1, cost ``top - benefit``) -> sink (capacity ``capacity``), solved by
    ``solve_max_flow_with_min_cost``: the largest flow is the most pairs, and among those
    the cheapest is the best total. For ``most_matched=False`` a bypass arc mentee ->
    sink of cost ``top`` (a benefit of 0) lets every mentee through, so the flow is always
    full and only the total counts. Never infeasible.
    """
    from ortools.graph.python import min_cost_flow

    n_rows, n_cols = len(need), len(capacity)
    if len(rows) == 0 or n_rows == 0 or n_cols == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    source, sink = n_rows + n_cols, n_rows + n_cols + 1
    top = int(benefit.max()) + 1
    mentees = np.arange(n_rows, dtype=np.int64)
    tails = [np.full(n_rows, source, dtype=np.int64), rows, n_rows + np.arange(n_cols)]
    heads = [mentees, n_rows + cols, np.full(n_cols, sink, dtype=np.int64)]
    caps = [need, np.ones(len(rows), dtype=np.int64), capacity]
    costs = [np.zeros(n_rows, dtype=np.int64), top - benefit, np.zeros(n_cols, dtype=np.int64)]
    if not most_matched:
        tails.append(mentees)
        heads.append(np.full(n_rows, sink, dtype=np.int64))
        caps.append(need)
        costs.append(np.full(n_rows, top, dtype=np.int64))
    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(
        np.concatenate(tails),
        np.concatenate(heads),
        np.concatenate(caps).astype(np.int64),
        np.concatenate(costs).astype(np.int64),
    )
    total = int(need.sum())
    flow.set_nodes_supplies(np.array([source, sink]), np.array([total, -total]))
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        raise SolverError(f"OR-Tools min-cost flow stopped with status {status}")
    used = flow.flows(arcs[n_rows : n_rows + len(rows)]) > 0
    return rows[used].astype(np.int64), cols[used].astype(np.int64)


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
    from scipy.sparse.csgraph import maximum_flow

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
    if len(_codes.unique(codes)) != len(codes):
        raise SolverError("solver chose the same pair twice")
    if np.any(np.bincount(chosen_cols, minlength=len(capacity)) > capacity):
        raise SolverError("solver put a mentor over capacity")
    if np.any(np.bincount(chosen_rows, minlength=len(need)) > need):
        raise SolverError("solver gave a mentee more mentors than asked for")
