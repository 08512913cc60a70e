"""A certificate of optimality for a sparse solve, from the solve's dual prices.

The sparse path solves each person's best candidates, not every pair. Linear-programming
duality tells whether a pair left out could have helped: the assignment LP

    maximise   sum x_ij (b_ij + U)
    subject to sum_j x_ij <= need_i,  sum_i x_ij <= capacity_j,  0 <= x_ij <= 1

(``U`` is the bonus per pair that puts "most pairs" before "best total"; 0 for the
``max_score`` objective) has the dual

    minimise   sum_i need_i u_i + sum_j capacity_j v_j + sum_ij w_ij
    subject to u_i + v_j + w_ij >= b_ij + U,  u, v, w >= 0.

Any feasible dual bounds every matching from above. OR-Tools returns no dual prices, so
they are computed here: shortest-path distances ``d`` from a virtual root over the
*residual graph* of the solution (vectorised Bellman-Ford in exact integers), then
``u_i = d(i) - d(t)`` and ``v_j = d(t) - d(j)``. On the candidates they prove the solution
optimal (the dual objective equals its total). Over the whole problem the dual needs
``w_ij = max(0, b_ij + U - u_i - v_j)`` for every pair outside the candidates, so

    optimum - total  <=  sum over non-candidate pairs of max(0, b_ij + U - u_i - v_j).

When that sum is 0 the solution is optimal for every pair: **certified**. Otherwise the
sum is a certified bound on the gap, and the pairs that make it up can join the
candidates for another solve.

Scanning every pair would cost a second scoring pass, so most rows are cleared without
scoring them: a pair outside the candidates scores at most the k-th best of its row and
of its column (the candidate generator's bounds), so a row whose bound cannot beat
``u_i + v_j - U`` for any mentor is clean. Only the other rows are scored, block-wise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ._types import BoolArray, Float32Array, Float64Array, IntArray
from .solver import SCALE, integer_benefit

ROUND_LIMIT_FACTOR = 1
"""Bellman-Ford stops after this many times (nodes + 8) rounds: a negative cycle (a
solution that is not optimal on its own candidates, e.g. scipy's float rounding) leaves
the result uncertified rather than looping."""
MARGIN = 2e-6
"""Score slack in the row-clearing test, so that rounding never clears a row wrongly."""


@dataclass(frozen=True)
class Duals:
    """Dual prices: ``u`` (mentees,) and ``v`` (mentors,), in integer units."""

    u: IntArray
    v: IntArray
    slack: float
    """The candidates' own duality gap in integer units (0 when the solve is optimal;
    a float, since its terms can exceed int64 when it is not)."""


@dataclass(frozen=True)
class Scan:
    """Non-candidate pairs whose reduced benefit is positive or nearly so, and the sum of
    the positive ones."""

    rows: IntArray
    cols: IntArray
    scores: Float64Array
    excess: float
    """Sum of the positive reduced benefits, in integer units."""
    rows_scored: int
    improving: int = 0
    """How many of the pairs have a positive reduced benefit (the rest are near misses)."""


def _relax(
    distance: IntArray, tails: IntArray, heads: IntArray, costs: IntArray, limit: int
) -> IntArray | None:
    """Shortest distances from a virtual root (0 to every node), or None on a negative
    cycle. Each round relaxes only the arcs leaving nodes that changed in the last one."""
    order = np.argsort(tails, kind="stable")
    tails, heads, costs = tails[order], heads[order], costs[order]
    n = len(distance)
    starts = np.searchsorted(tails, np.arange(n + 1))
    active = np.arange(n)
    for _ in range(limit):
        counts = starts[active + 1] - starts[active]
        total = int(counts.sum())
        if total == 0:
            return distance
        offsets = np.repeat(starts[active] - (np.cumsum(counts) - counts), counts)
        arcs = offsets + np.arange(total)
        candidate = distance[tails[arcs]] + costs[arcs]
        target = heads[arcs]
        better = candidate < distance[target]
        if not better.any():
            return distance
        target, candidate = target[better], candidate[better]
        np.minimum.at(distance, target, candidate)
        changed = np.zeros(n, dtype=bool)
        changed[target] = True
        active = np.flatnonzero(changed)
    return None


def dual_prices(
    edge_rows: IntArray,
    edge_cols: IntArray,
    edge_benefit: IntArray,
    chosen: BoolArray,
    need: IntArray,
    capacity: IntArray,
    bonus: int,
) -> Duals | None:
    """Dual prices of an optimal solution on the candidate edges (None if not optimal).

    Parameters
    ----------
    edge_rows, edge_cols : IntArray, shape (edges,)
        Candidate edges.
    edge_benefit : IntArray, shape (edges,)
        Their integer benefits (without ``bonus``).
    chosen : BoolArray, shape (edges,)
        The solution.
    need, capacity : IntArray, shapes (mentees,), (mentors,)
    bonus : int
        ``U`` in integer units.
    """
    n_rows, n_cols = len(need), len(capacity)
    sink = n_rows + n_cols
    matched = np.bincount(edge_rows[chosen], minlength=n_rows)
    load = np.bincount(edge_cols[chosen], minlength=n_cols)
    value = edge_benefit + bonus
    live_rows = np.flatnonzero(need > 0)
    live_cols = np.flatnonzero(capacity > 0)
    open_rows = live_rows[matched[live_rows] < need[live_rows]]
    open_cols = live_cols[load[live_cols] < capacity[live_cols]]
    busy_cols = np.flatnonzero(load > 0)
    unused = ~chosen
    tails = np.concatenate(
        [
            edge_rows[unused],  # take an unused edge
            n_rows + edge_cols[chosen],  # give a used edge back
            live_rows,  # leave a place unfilled (always possible: the "unmatched" arc)
            np.full(len(open_rows), sink),  # fill an open place of a mentee
            n_rows + open_cols,  # a mentor's free place
            np.full(len(busy_cols), sink),  # free a mentor's place
        ]
    )
    heads = np.concatenate(
        [
            n_rows + edge_cols[unused],
            edge_rows[chosen],
            np.full(len(live_rows), sink),
            open_rows,
            np.full(len(open_cols), sink),
            n_rows + busy_cols,
        ]
    )
    costs = np.concatenate(
        [
            -value[unused],
            value[chosen],
            np.zeros(len(live_rows) + len(open_rows) + len(open_cols) + len(busy_cols), np.int64),
        ]
    ).astype(np.int64)
    size = n_rows + n_cols + 1
    distance = _relax(
        np.zeros(size, dtype=np.int64), tails, heads, costs, ROUND_LIMIT_FACTOR * (size + 8)
    )
    if distance is None:
        return None
    u = np.maximum(distance[:n_rows] - distance[sink], 0)
    v = np.maximum(distance[sink] - distance[n_rows : n_rows + n_cols], 0)
    u[need <= 0] = 0
    v[capacity <= 0] = 0
    # the candidates' duality gap: every term is 0 for an optimal solution
    reduced = value - u[edge_rows] - v[edge_cols]
    as_float = np.float64
    slack = float(np.maximum(reduced[unused], 0).sum(dtype=as_float))  # prices undercut
    slack += float(np.maximum(-reduced[chosen], 0).sum(dtype=as_float))  # priced above value
    slack += float(((need - matched) * u.astype(as_float))[need > 0].sum())
    slack += float(((capacity - load) * v.astype(as_float))[capacity > 0].sum())
    return Duals(u=u, v=v, slack=slack)


def suspicious_rows(
    duals: Duals,
    bonus: int,
    tie: Float64Array,
    row_bound: Float64Array,
    col_bound: Float64Array,
    need: IntArray,
    capacity: IntArray,
) -> IntArray:
    """Rows where a pair outside the candidates might have a positive reduced benefit.

    A non-candidate pair (i, j) scores at most ``min(row_bound[i], col_bound[j])``; it
    matters only if ``score + tie_i > (u_i + v_j - U) / SCALE``. Columns sorted by ``v``
    and a running maximum of ``col_bound - v`` answer that for every row at once.
    """
    live_cols = np.flatnonzero((capacity > 0) & np.isfinite(col_bound))
    if len(live_cols) == 0:
        return np.zeros(0, dtype=np.int64)
    v = duals.v[live_cols].astype(np.float64) / SCALE
    order = np.argsort(v, kind="stable")
    v_sorted = v[order]
    room = np.maximum.accumulate(col_bound[live_cols][order] - v_sorted)
    floor = (duals.u.astype(np.float64) - bonus) / SCALE - tie - MARGIN  # a_i
    reach = row_bound - floor  # the largest v_j a violating column could have
    count = np.searchsorted(v_sorted, reach, side="left")
    possible = (count > 0) & (need > 0) & np.isfinite(row_bound)
    best = np.full(len(floor), -np.inf)
    best[possible] = room[count[possible] - 1]
    return np.flatnonzero(possible & (best > floor))


def scan(
    rows_to_score: IntArray,
    score_block: Callable[[IntArray], tuple[Float64Array, BoolArray]],
    block_rows: int,
    duals: Duals,
    bonus: int,
    tie: Float64Array,
    is_candidate: Callable[[IntArray, IntArray], BoolArray],
    allowed_cols: BoolArray,
    near: int = 0,
) -> Scan:
    """Score the given rows against every mentor and keep the improving non-candidates.

    ``score_block(rows)`` returns the quantised (rows, mentors) scores and whether each
    pair may be used (feasible, not locked, above a fairness floor). Pairs whose reduced
    benefit is above ``-near`` (integer units) are kept too: the next solve's prices move,
    and a near miss of this round is often an improving pair of the next, so adding them
    at once saves a round. Only the positive ones count in ``excess`` and ``improving``.
    """
    found_rows: list[IntArray] = []
    found_cols: list[IntArray] = []
    found_scores: list[Float64Array] = []
    excess = 0.0
    improving = 0
    for start in range(0, len(rows_to_score), block_rows):
        rows = rows_to_score[start : start + block_rows]
        scores, usable = score_block(rows)
        usable &= allowed_cols[None, :]
        benefit = integer_benefit(scores + tie[rows, None])
        reduced = benefit + bonus - duals.u[rows, None] - duals.v[None, :]
        flat = np.flatnonzero(usable & (reduced > -near))
        local, cols = flat // reduced.shape[1], flat % reduced.shape[1]
        if len(local) == 0:
            continue
        keep = ~is_candidate(rows[local], cols)
        local, cols = local[keep], cols[keep]
        gain = reduced[local, cols]
        positive = gain > 0
        excess += float(gain[positive].sum(dtype=np.float64))
        improving += int(np.count_nonzero(positive))
        found_rows.append(rows[local])
        found_cols.append(cols)
        found_scores.append(scores[local, cols])
    if not found_rows:
        empty = np.zeros(0, dtype=np.int64)
        return Scan(empty, empty, np.zeros(0), 0.0, len(rows_to_score))
    return Scan(
        np.concatenate(found_rows),
        np.concatenate(found_cols),
        np.concatenate(found_scores),
        excess,
        len(rows_to_score),
        improving,
    )


def float_bound(values: Float32Array) -> Float64Array:
    """Bounds as float64 with -inf kept (the candidate generator marks "none" below -1)."""
    out = values.astype(np.float64)
    out[out < -1.0] = -np.inf
    return out
