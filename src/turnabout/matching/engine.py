"""The matching pipeline: prepare, score, pick candidates, solve, validate, explain."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray

from . import _codes, certificate, explain, solver
from ._types import BoolArray, Float32Array, Float64Array, IntArray
from .config import MatchConfig
from .fast import FEASIBLE_MIN, FastScorer
from .features import manager_map
from .model import (
    LockedPair,
    MatchInputError,
    MatchResult,
    Mentee,
    Mentor,
    OrgChart,
    Quality,
)
from .scoring import Problem

T = TypeVar("T")
ScalarT = TypeVar("ScalarT", bound=np.generic)
Progress = Callable[[str, float], None]
"""Called with a stage name and the fraction done (0-1) of that stage."""

SCORE_DECIMALS = 6
TIE_BREAK = 1e-7
"""Largest tie-break bonus per pair; it only decides between near-equal options."""
CELLS_PER_BLOCK = 4_000_000
NEAR_MISS = 0.01
"""Score points: a certificate round adds the pairs it finds improving and those within
this much of improving (they are often the next round's improving pairs)."""
TOP_SAMPLE = 4096
"""Columns sampled per row to bound its k-th best score before the exact selection."""


@dataclass(frozen=True)
class ScoreBlock:
    """Feasible pairs of a block of mentees, with their total scores."""

    mentor_ids: list[str]
    mentee_ids: list[str]
    scores: Float64Array


def _workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def _block_rows(n_cols: int) -> int:
    return int(max(16, min(2048, CELLS_PER_BLOCK // max(n_cols, 1))))


def _quantise(values: NDArray[np.floating[Any]]) -> Float64Array:
    rounded: Float64Array = np.array(values, dtype=np.float64)
    return np.round(rounded, SCORE_DECIMALS, out=rounded)


def prepare(
    mentors: Sequence[Mentor],
    mentees: Sequence[Mentee],
    config: MatchConfig,
    org: OrgChart | None = None,
) -> Problem:
    """Validate and sort the people by id, then turn them into arrays."""
    for role, people in (("mentor", mentors), ("mentee", mentees)):
        seen: set[str] = set()
        for person in people:
            if not isinstance(person.id, str) or not person.id.strip():
                raise MatchInputError(f"a {role} has an empty id")
            if person.id in seen:
                raise MatchInputError(f"{role} id {person.id!r} appears twice")
            seen.add(person.id)
            if isinstance(person.level, bool) or not isinstance(person.level, int):
                raise MatchInputError(f"{role} {person.id}: level must be a whole number")
    for mentor in mentors:
        if isinstance(mentor.capacity, bool) or not isinstance(mentor.capacity, int):
            raise MatchInputError(f"mentor {mentor.id}: capacity must be a whole number")
        if mentor.capacity < 1:
            raise MatchInputError(f"mentor {mentor.id}: capacity must be at least 1")
    sorted_mentors = sorted(mentors, key=lambda p: p.id)
    sorted_mentees = sorted(mentees, key=lambda p: p.id)
    return Problem(sorted_mentees, sorted_mentors, config, manager_map(mentees, mentors, org))


def _map_blocks(
    problem: Problem,
    function: Callable[[IntArray], T],
    progress: Progress | None,
    stage: str,
) -> Iterator[T]:
    """Apply ``function`` to blocks of mentee rows (in threads), yielding in order."""
    n = problem.n_mentees
    size = _block_rows(problem.n_mentors)
    blocks = [np.arange(s, min(s + size, n), dtype=np.int64) for s in range(0, n, size)]
    if len(blocks) == 1:  # no threads for a single block
        yield function(blocks[0])
        if progress is not None:
            progress(stage, 1.0)
        return
    workers = _workers()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        pending: list[Future[T]] = []
        ahead = workers + 1
        for index, block in enumerate(blocks):
            pending.append(pool.submit(function, block))
            if len(pending) > ahead:
                yield pending.pop(0).result()
                if progress is not None:
                    progress(stage, (index + 1 - ahead) / len(blocks))
        for future in pending:
            yield future.result()
    if progress is not None:
        progress(stage, 1.0)


def dense_scores(
    problem: Problem, progress: Progress | None = None
) -> tuple[Float64Array, BoolArray]:
    """The full score matrix and feasibility mask.

    Returns
    -------
    scores : Float64Array, shape (mentees, mentors)
        Scores quantised to 6 decimals (below -1 where infeasible).
    feasible : BoolArray, shape (mentees, mentors)
        False where a hard constraint rules the pair out.
    """
    shape = (problem.n_mentees, problem.n_mentors)
    scores: Float64Array | None = None
    feasible: BoolArray | None = None
    scorer = FastScorer(problem)

    def run(rows: IntArray) -> tuple[IntArray, Float64Array, BoolArray]:
        total = scorer.cross(rows)
        return rows, _quantise(total), total > FEASIBLE_MIN

    for rows, total, ok in _map_blocks(problem, run, progress, "scoring"):
        if len(rows) == shape[0]:  # a single block is the whole matrix
            scores, feasible = total, ok
            continue
        if scores is None or feasible is None:
            scores = np.zeros(shape, dtype=np.float64)
            feasible = np.zeros(shape, dtype=bool)
        scores[rows] = total
        feasible[rows] = ok
    if scores is None or feasible is None:
        return np.zeros(shape, dtype=np.float64), np.zeros(shape, dtype=bool)
    return scores, feasible


class _ColumnTop:
    """Running top-k mentees per mentor over the blocks seen so far.

    New entries are buffered and compacted (sorted, cut to k per mentor) only when the
    buffer grows past a few times k x mentors; ``floor`` (each mentor's k-th best so far)
    lets the blocks skip everything that cannot enter, and is safe to read stale.
    """

    def __init__(self, k: int, n_cols: int) -> None:
        self.k = k
        self.n_cols = n_cols
        self.floor = np.full(n_cols, FEASIBLE_MIN, dtype=np.float32)
        self.parts: list[tuple[IntArray, IntArray, Float32Array]] = []
        self.buffered = 0
        self.limit = max(4 * k * n_cols, 1 << 16)

    def offer(self, rows: IntArray, cols: IntArray, vals: Float32Array) -> None:
        if len(rows) == 0 or self.k == 0:
            return
        self.parts.append((rows, cols, vals))
        self.buffered += len(rows)
        if self.buffered > self.limit:
            self.compact()

    def compact(self) -> tuple[IntArray, IntArray, Float32Array]:
        if not self.parts:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, np.zeros(0, dtype=np.float32)
        rows = np.concatenate([p[0] for p in self.parts])
        cols = np.concatenate([p[1] for p in self.parts])
        vals = np.concatenate([p[2] for p in self.parts])
        quantum = np.minimum(np.maximum(vals, 0) * (1 << 24), (1 << 26) - 1).astype(np.int64)
        key = cols * (1 << 26) + ((1 << 26) - 1 - quantum)
        order = np.argsort(key, kind="stable")
        rows, cols, vals = rows[order], cols[order], vals[order]
        counts = np.bincount(cols, minlength=self.n_cols)
        starts = np.cumsum(counts) - counts
        rank = np.arange(len(cols)) - starts[cols]
        keep = rank < self.k
        last = rank[keep] == self.k - 1
        rows, cols, vals = rows[keep], cols[keep], vals[keep]
        self.parts = [(rows, cols, vals)]
        self.buffered = len(rows)
        floor = np.full(self.n_cols, FEASIBLE_MIN, dtype=np.float32)
        floor[cols[last]] = vals[last]
        self.floor = floor
        return rows, cols, vals


def _nonzero(mask: BoolArray) -> tuple[IntArray, IntArray]:
    """``np.nonzero`` of a 2-D mask, several times faster through the flat indices."""
    flat = np.flatnonzero(mask)
    return flat // mask.shape[1], flat % mask.shape[1]


def _row_top(score: Float32Array, k: int) -> tuple[IntArray, IntArray, Float32Array, Float32Array]:
    """Each row's k best feasible entries (ties: lower column first), as (row, col, value),
    and each row's k-th best value (``FEASIBLE_MIN`` when it has fewer feasible entries:
    then every one is kept).

    A full ``argpartition`` of every row costs more than scoring it. Instead the k-th best
    value of an evenly spaced sample of the columns is a lower bound on each row's k-th
    best, so one comparison keeps a few hundred entries per row, and only those are sorted.
    """
    n_rows, n_cols = score.shape
    kth = np.full(n_rows, FEASIBLE_MIN, dtype=np.float32)
    if k == 0 or n_rows == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0, dtype=np.float32), kth
    stride = max(1, n_cols // TOP_SAMPLE)
    sample = score[:, ::stride]
    if sample.shape[1] > k:
        floor = np.partition(sample, sample.shape[1] - k, axis=1)[:, sample.shape[1] - k]
    else:
        floor = np.full(n_rows, FEASIBLE_MIN, dtype=np.float32)
    floor = np.maximum(floor, np.nextafter(FEASIBLE_MIN, np.float32(0)))
    rows, cols = _nonzero(score >= floor[:, None])
    values = score[rows, cols]
    order = np.lexsort((cols, -values, rows))
    rows, cols, values = rows[order], cols[order], values[order]
    counts = np.bincount(rows, minlength=n_rows)
    rank = np.arange(len(rows)) - np.repeat(np.cumsum(counts) - counts, counts)
    keep = rank < k
    last = rank == k - 1
    kth[rows[last]] = values[last]
    return rows[keep], cols[keep], values[keep], kth


@dataclass(frozen=True)
class Candidates:
    """The sparse path's candidate edges and what bounds every pair left out.

    ``rows``, ``cols`` (IntArray, shape (edges,)) sorted by (row, col) without duplicates;
    ``scores`` (Float64Array, shape (edges,)) quantised. ``row_bound`` (mentees,) and
    ``col_bound`` (mentors,): no pair outside the candidates scores above its row's or its
    column's bound (-inf: every feasible pair of that row or column is a candidate).
    """

    rows: IntArray
    cols: IntArray
    scores: Float64Array
    row_bound: Float64Array
    col_bound: Float64Array


def sparse_candidates(
    problem: Problem,
    top_k: int,
    progress: Progress | None = None,
    scorer: FastScorer | None = None,
) -> Candidates:
    """Feasible candidate edges: each mentee's top-k mentors and each mentor's top-k mentees.

    Returns
    -------
    Candidates
        The edges, their quantised scores, and the row and column bounds that the
        certificate uses to clear rows without scoring them.

    Notes
    -----
    Scores are computed block by block and never held as a full matrix; a mentor's
    candidates are merged through a running threshold, so only entries that beat its
    current k-th best are looked at.
    """
    n_rows, n_cols = problem.n_mentees, problem.n_mentors
    k_row = min(top_k, n_cols)
    k_col = min(top_k, n_rows)
    column_top = _ColumnTop(k_col, n_cols)
    scorer = scorer or FastScorer(problem)
    edge_rows: list[IntArray] = []
    edge_cols: list[IntArray] = []
    edge_vals: list[Float32Array] = []
    row_kth = np.full(n_rows, FEASIBLE_MIN, dtype=np.float32)

    def run(
        rows: IntArray,
    ) -> tuple[IntArray, IntArray, Float32Array, IntArray, IntArray, Float32Array]:
        score = scorer.cross(rows)
        r_local, r_cols, r_vals, kth = _row_top(score, k_row)
        row_kth[rows] = kth
        above = score > column_top.floor[None, :]
        if len(rows) > k_col and np.count_nonzero(above) > 2 * k_col * n_cols:
            # early blocks: keep only this block's top-k per mentor (ties included, so the
            # result does not depend on which path a block takes)
            kth = np.partition(score, len(rows) - k_col, axis=0)[len(rows) - k_col]
            above &= score >= kth[None, :]
        local, c_new = _nonzero(above)
        return rows[r_local], r_cols, r_vals, rows[local], c_new, score[local, c_new]

    for r_edges, c_edges, v_edges, c_rows, c_cols, c_vals in _map_blocks(
        problem, run, progress, "scoring"
    ):
        edge_rows.append(r_edges)
        edge_cols.append(c_edges)
        edge_vals.append(v_edges)
        column_top.offer(c_rows, c_cols, c_vals)
    top_rows, top_cols, top_vals = column_top.compact()
    edge_rows.append(top_rows)
    edge_cols.append(top_cols)
    edge_vals.append(top_vals)
    rows = np.concatenate(edge_rows).astype(np.int64)
    cols = np.concatenate(edge_cols).astype(np.int64)
    vals = np.concatenate(edge_vals)
    codes, first = np.unique(rows * max(n_cols, 1) + cols, return_index=True)
    return Candidates(
        rows=codes // max(n_cols, 1),
        cols=codes % max(n_cols, 1),
        scores=_quantise(vals[first]),
        row_bound=certificate.float_bound(row_kth),
        col_bound=certificate.float_bound(column_top.floor),
    )


def feasible_pairs(
    mentors: Sequence[Mentor],
    mentees: Sequence[Mentee],
    config: MatchConfig | None = None,
    org: OrgChart | None = None,
    *,
    progress: Progress | None = None,
) -> Iterator[ScoreBlock]:
    """Every feasible pair with its score, block by block (mentee id, then mentor id order).

    Yields
    ------
    ScoreBlock
        ``mentor_ids``, ``mentee_ids`` (lists of length p) and ``scores`` (Float64Array,
        shape (p,)) for one block of mentees.
    """
    problem = prepare(mentors, mentees, config or MatchConfig(), org)
    mentor_ids = [p.id for p in problem.mentors]
    mentee_ids = [p.id for p in problem.mentees]
    for rows, cols, scores in feasible_index_blocks(problem, progress):
        yield ScoreBlock([mentor_ids[i] for i in cols], [mentee_ids[i] for i in rows], scores)


def feasible_index_blocks(
    problem: Problem, progress: Progress | None = None
) -> Iterator[tuple[IntArray, IntArray, Float64Array]]:
    """Every feasible pair as indices into ``problem.mentees`` and ``problem.mentors``.

    Yields
    ------
    rows, cols : IntArray, shape (p,)
        Mentee and mentor indices of one block's feasible pairs (row-major order).
    scores : Float64Array, shape (p,)
        Their quantised scores.
    """
    scorer = FastScorer(problem)

    def run(rows: IntArray) -> tuple[IntArray, IntArray, Float64Array]:
        total = scorer.cross(rows)
        local, cols = _nonzero(total > FEASIBLE_MIN)
        return rows[local], cols, _quantise(total[local, cols])

    yield from _map_blocks(problem, run, progress, "scores")


def _tie_break(problem: Problem) -> Float64Array:
    """Per-mentee bonus: longer waiting first, then by id (people are sorted by id)."""
    n = problem.n_mentees
    waiting = np.asarray([p.waiting_days for p in problem.mentees], dtype=np.float64)
    order = np.lexsort((np.arange(n), -waiting))  # most waiting, then smallest id
    rank = np.empty(n, dtype=np.float64)
    rank[order] = np.arange(n, dtype=np.float64)
    return TIE_BREAK * (n - rank) / max(n, 1)


def _locked_indices(problem: Problem, locked: Iterable[LockedPair]) -> tuple[IntArray, IntArray]:
    mentor_index = {p.id: n for n, p in enumerate(problem.mentors)}
    mentee_index = {p.id: n for n, p in enumerate(problem.mentees)}
    rows: list[int] = []
    cols: list[int] = []
    seen: set[tuple[int, int]] = set()
    for pair in locked:
        if pair.mentor_id not in mentor_index:
            raise MatchInputError(f"locked pair: unknown mentor {pair.mentor_id!r}")
        if pair.mentee_id not in mentee_index:
            raise MatchInputError(f"locked pair: unknown mentee {pair.mentee_id!r}")
        key = (mentee_index[pair.mentee_id], mentor_index[pair.mentor_id])
        if key in seen:
            raise MatchInputError(
                f"locked pair {pair.mentor_id} - {pair.mentee_id} is listed twice"
            )
        seen.add(key)
        rows.append(key[0])
        cols.append(key[1])
    return np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)


def _fair_threshold(
    rows: IntArray, cols: IntArray, scores: Float64Array, need: IntArray, capacity: IntArray
) -> float:
    """Highest score t such that pairs scoring >= t still match as many as all pairs do."""
    target = solver.max_matched(rows, cols, need, capacity)
    if target == 0:
        return 0.0
    levels = _codes.unique(scores)
    low, high = 0, len(levels) - 1  # levels[low] always achieves the target
    while low < high:
        middle = (low + high + 1) // 2
        keep = scores >= levels[middle]
        if solver.max_matched(rows[keep], cols[keep], need, capacity) == target:
            low = middle
        else:
            high = middle - 1
    return float(levels[low])


def solver_name(config: MatchConfig) -> str:
    """The sparse path's exact solver: OR-Tools unless asked for scipy or not installed."""
    if config.solver == "auto":
        return "ortools" if solver.ortools_available() else "scipy"
    return config.solver


def _solve_edges(
    problem: Problem,
    rows: IntArray,
    cols: IntArray,
    scores: Float64Array,
    need: IntArray,
    capacity: IntArray,
    tie: Float64Array,
    *,
    method: str = "scipy",
) -> tuple[IntArray, IntArray]:
    """Exact "most pairs, then best total" (or best total) on candidate edges."""
    config = problem.config
    if method == "ortools":
        benefit = solver.integer_benefit(scores + tie[rows])
        most = config.objective == "max_matched"
        return solver.solve_flow(rows, cols, benefit, need, capacity, most_matched=most)
    offset = solver.lexicographic_offset(int(need.sum()), int(capacity.sum()))
    benefit_float = scores + tie[rows]
    if need.max(initial=0) > 1:
        if config.objective == "max_matched":
            benefit_float = benefit_float + offset
        return solver.solve_lp(rows, cols, benefit_float, need, capacity)
    unmatched = -offset if config.objective == "max_matched" else 0.0
    return solver.solve_sparse(
        rows, cols, benefit_float, problem.n_mentees, capacity, unmatched_benefit=unmatched
    )


def _submatrix(matrix: NDArray[ScalarT], rows: IntArray, cols: IntArray) -> NDArray[ScalarT]:
    """A copy of ``matrix[np.ix_(rows, cols)]``, without gathering all-inclusive axes."""
    if len(rows) < matrix.shape[0]:
        matrix = matrix[rows]
        if len(cols) < matrix.shape[1]:
            return matrix[:, cols]
        return matrix
    if len(cols) < matrix.shape[1]:
        return matrix[:, cols]
    return matrix.copy()


def _solve_dense(
    problem: Problem,
    scores: Float64Array,
    allowed: BoolArray,
    need: IntArray,
    capacity: IntArray,
    tie: Float64Array,
) -> tuple[IntArray, IntArray]:
    if need.max(initial=0) > 1:
        rows, cols = np.nonzero(allowed)
        return _solve_edges(problem, rows, cols, scores[rows, cols], need, capacity, tie)
    active_rows = np.flatnonzero(allowed.any(axis=1))
    active_cols = np.flatnonzero(allowed.any(axis=0))
    if len(active_rows) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    sub_allowed = _submatrix(allowed, active_rows, active_cols)
    base = 0.0
    if problem.config.objective == "max_matched":
        base = solver.lexicographic_offset(len(active_rows), int(capacity[active_cols].sum()))
    benefit = _submatrix(scores, active_rows, active_cols)  # a copy: changed in place below
    benefit += tie[active_rows, None]
    benefit += base
    benefit[~sub_allowed] = 0.0
    r, c = solver.solve_dense(benefit, capacity[active_cols])
    return active_rows[r], active_cols[c]


@dataclass
class _Demand:
    """What is left to match once the locked pairs are taken out.

    ``need``: (mentees,) places each mentee still wants; ``capacity``: (mentors,) places
    each mentor still has (at most what the mentees could ever take); ``tie``: (mentees,)
    tie-break bonus; ``locked_rows``/``locked_cols``: the locked pairs.
    """

    need: IntArray
    capacity: IntArray
    capacity_full: IntArray
    tie: Float64Array
    locked_rows: IntArray
    locked_cols: IntArray


@dataclass
class _Solved:
    """A path's answer: the chosen pairs, their scores and the figures only it knows."""

    rows: IntArray
    cols: IntArray
    scores: Float64Array
    candidates: int
    blocking: Callable[[IntArray, IntArray, Float64Array], int]
    threshold: float | None = None
    dense_total: float | None = None
    gap_to_dense: float | None = None
    certified: bool | None = None
    gap_bound: float | None = None
    certify_rounds: int = 0
    solver: str = "scipy"


def _demand(problem: Problem, locked: Iterable[LockedPair]) -> _Demand:
    n_rows, n_cols = problem.n_mentees, problem.n_mentors
    per_mentee = problem.config.constraints.mentors_per_mentee
    locked_rows, locked_cols = _locked_indices(problem, locked)
    capacity_full = np.asarray([p.capacity for p in problem.mentors], dtype=np.int64)
    need = per_mentee - np.bincount(locked_rows, minlength=n_rows).astype(np.int64)
    capacity = capacity_full - np.bincount(locked_cols, minlength=n_cols).astype(np.int64)
    for row in np.flatnonzero(need < 0):
        raise MatchInputError(
            f"mentee {problem.mentees[row].id} has more locked mentors than "
            f"mentors_per_mentee ({per_mentee})"
        )
    for col in np.flatnonzero(capacity < 0):
        raise MatchInputError(
            f"mentor {problem.mentors[col].id} has more locked mentees than capacity "
            f"({capacity_full[col]})"
        )
    # a mentor can never take more mentees than there are places to fill
    capacity = np.minimum(capacity, int(need.sum()))
    return _Demand(need, capacity, capacity_full, _tie_break(problem), locked_rows, locked_cols)


def _is_dense(problem: Problem, demand: _Demand) -> bool:
    """Dense when asked, or in auto mode while mentees x places fits ``dense_cells``."""
    config = problem.config
    if config.mode != "auto":
        return config.mode == "dense"
    return problem.n_mentees * int(demand.capacity.sum()) <= config.dense_cells


def _match_dense(problem: Problem, demand: _Demand, progress: Progress | None) -> _Solved:
    """The exact optimum over the full score matrix."""
    config = problem.config
    need, capacity = demand.need, demand.capacity
    scores, feasible = dense_scores(problem, progress)
    allowed = feasible & (need[:, None] > 0) & (capacity[None, :] > 0)
    if len(demand.locked_rows):
        allowed[demand.locked_rows, demand.locked_cols] = False
    threshold: float | None = None
    if config.fairness:
        allowed_rows, allowed_cols = np.nonzero(allowed)
        threshold = _fair_threshold(
            allowed_rows, allowed_cols, scores[allowed_rows, allowed_cols], need, capacity
        )
        allowed &= scores >= threshold
    if progress is not None:
        progress("solving", 0.0)
    rows, cols = _solve_dense(problem, scores, allowed, need, capacity, demand.tie)
    solver.validate(rows, cols, allowed[rows, cols], need, capacity)
    per_mentee = config.constraints.mentors_per_mentee

    def blocking(all_rows: IntArray, all_cols: IntArray, final: Float64Array) -> int:
        return explain.blocking_pairs_dense(
            scores, feasible, all_rows, all_cols, final, per_mentee, demand.capacity_full
        )

    return _Solved(
        rows=rows,
        cols=cols,
        scores=scores[rows, cols],
        candidates=int(np.count_nonzero(feasible)),
        blocking=blocking,
        threshold=threshold,
    )


def _match_sparse(problem: Problem, demand: _Demand, progress: Progress | None) -> _Solved:
    """The optimum over each person's best candidates, then its certificate.

    The certificate (``certificate.py``) checks the answer against every pair with the
    solve's dual prices; pairs that could improve it join the candidates and the problem
    is solved again, ``config.certify_rounds`` times at most.
    """
    config = problem.config
    n_cols = problem.n_mentors
    need, capacity = demand.need, demand.capacity
    scorer = FastScorer(problem)
    found = sparse_candidates(problem, config.top_k, progress, scorer)
    cand_rows, cand_cols, cand_scores = found.rows, found.cols, found.scores
    locked_codes = demand.locked_rows * n_cols + demand.locked_cols
    usable = (need[cand_rows] > 0) & (capacity[cand_cols] > 0)
    if len(locked_codes):
        usable &= ~_codes.isin(cand_rows * n_cols + cand_cols, locked_codes)
    edge_rows, edge_cols = cand_rows[usable], cand_cols[usable]
    edge_scores = cand_scores[usable]
    threshold: float | None = None
    if config.fairness:
        threshold = _fair_threshold(edge_rows, edge_cols, edge_scores, need, capacity)
        keep = edge_scores >= threshold
        edge_rows, edge_cols, edge_scores = edge_rows[keep], edge_cols[keep], edge_scores[keep]
    method = solver_name(config)
    certified: bool | None = None
    gap_bound: float | None = None
    rounds = 0
    while True:
        if progress is not None:
            progress("solving", 0.0)
        rows, cols = _solve_edges(
            problem, edge_rows, edge_cols, edge_scores, need, capacity, demand.tie, method=method
        )
        edge_codes = edge_rows * n_cols + edge_cols
        solver.validate(rows, cols, _codes.isin(rows * n_cols + cols, edge_codes), need, capacity)
        if progress is not None:
            progress("certifying", 0.0)
        verdict = _certify(
            problem,
            scorer,
            demand,
            found,
            (edge_rows, edge_cols, edge_scores),
            (rows, cols),
            threshold,
        )
        certified, gap_bound, extra = verdict
        if config.fairness:
            # the floor itself was found among the candidates: the check covers the pairs
            # above it, which is not a proof for the whole problem
            certified, gap_bound = False, None
        if certified or extra is None or rounds >= config.certify_rounds:
            break
        rounds += 1  # add the improving pairs to the candidates and solve again
        edge_rows = np.concatenate([edge_rows, extra[0]])
        edge_cols = np.concatenate([edge_cols, extra[1]])
        edge_scores = np.concatenate([edge_scores, extra[2]])
        cand_rows = np.concatenate([cand_rows, extra[0]])
        cand_cols = np.concatenate([cand_cols, extra[1]])
        cand_scores = np.concatenate([cand_scores, extra[2]])
    if progress is not None:
        progress("certifying", 1.0)
    solved_scores = _lookup(edge_rows, edge_cols, edge_scores, rows, cols, n_cols)
    dense_total: float | None = None
    gap: float | None = None
    simple = not config.fairness and config.constraints.mentors_per_mentee == 1
    if config.compare_dense and simple and not len(demand.locked_rows):
        full, feasible = dense_scores(problem)
        allowed = feasible & (capacity[None, :] > 0)
        d_rows, d_cols = _solve_dense(problem, full, allowed, need, capacity, demand.tie)
        dense_total = float(full[d_rows, d_cols].sum())
        sparse_total = float(solved_scores.sum())
        gap = (dense_total - sparse_total) / dense_total if dense_total > 0 else 0.0
    per_mentee = config.constraints.mentors_per_mentee
    all_rows, all_cols, all_scores = cand_rows, cand_cols, cand_scores

    def blocking(pair_rows: IntArray, pair_cols: IntArray, final: Float64Array) -> int:
        return explain.blocking_pairs(
            all_rows,
            all_cols,
            all_scores,
            pair_rows,
            pair_cols,
            final,
            per_mentee,
            demand.capacity_full,
            problem.n_mentees,
        )

    return _Solved(
        rows=rows,
        cols=cols,
        scores=solved_scores,
        candidates=len(cand_rows),
        blocking=blocking,
        threshold=threshold,
        dense_total=dense_total,
        gap_to_dense=gap,
        certified=certified,
        gap_bound=gap_bound,
        certify_rounds=rounds,
        solver=method,
    )


Extra = tuple[IntArray, IntArray, Float64Array]


def _certify(
    problem: Problem,
    scorer: FastScorer,
    demand: _Demand,
    found: Candidates,
    edges: Extra,
    solution: tuple[IntArray, IntArray],
    threshold: float | None,
) -> tuple[bool | None, float | None, Extra | None]:
    """Whether the solution is optimal for every pair; else the gap bound and the pairs
    outside the candidates that could improve it (``certificate.py``)."""
    config = problem.config
    n_cols = problem.n_mentors
    need, capacity, tie = demand.need, demand.capacity, demand.tie
    edge_rows, edge_cols, edge_scores = edges
    rows, cols = solution
    bonus = 0
    if config.objective == "max_matched":
        offset = solver.lexicographic_offset(int(need.sum()), int(capacity.sum()))
        bonus = int(offset) * solver.SCALE
    edge_codes = edge_rows * n_cols + edge_cols
    order = np.argsort(edge_codes, kind="stable")
    sorted_codes = edge_codes[order]
    chosen = np.zeros(len(edge_codes), dtype=bool)
    chosen[order[np.searchsorted(sorted_codes, rows * n_cols + cols)]] = True
    benefit = solver.integer_benefit(edge_scores + tie[edge_rows])
    duals = certificate.dual_prices(edge_rows, edge_cols, benefit, chosen, need, capacity, bonus)
    if duals is None:
        return False, None, None
    candidate_codes = _codes.unique(np.concatenate([found.rows * n_cols + found.cols, edge_codes]))
    suspicious = certificate.suspicious_rows(
        duals, bonus, tie, found.row_bound, found.col_bound, need, capacity
    )
    locked_codes = demand.locked_rows * n_cols + demand.locked_cols

    def score_block(block: IntArray) -> tuple[Float64Array, BoolArray]:
        total = scorer.cross(block)
        usable = total > FEASIBLE_MIN
        usable &= (need[block] > 0)[:, None]
        scores = _quantise(total)
        if threshold is not None:
            usable &= scores >= threshold
        if len(locked_codes):
            mine = _codes.isin(demand.locked_rows, block)
            for row, col in zip(demand.locked_rows[mine], demand.locked_cols[mine], strict=True):
                usable[np.searchsorted(block, row), col] = False
        return scores, usable

    def is_candidate(pair_rows: IntArray, pair_cols: IntArray) -> BoolArray:
        return _codes.member(candidate_codes, pair_rows * n_cols + pair_cols)

    scan = certificate.scan(
        np.sort(suspicious),
        score_block,
        _block_rows(n_cols),
        duals,
        bonus,
        tie,
        is_candidate,
        capacity > 0,
        near=int(NEAR_MISS * solver.SCALE),
    )
    gap_bound = (duals.slack + scan.excess) / solver.SCALE
    if duals.slack == 0 and scan.improving == 0:
        return True, 0.0, None
    if scan.improving == 0:
        return False, gap_bound, None
    return False, gap_bound, (scan.rows, scan.cols, scan.scores)


def match(
    mentors: Sequence[Mentor],
    mentees: Sequence[Mentee],
    config: MatchConfig | None = None,
    org: OrgChart | None = None,
    locked: Iterable[LockedPair] = (),
    *,
    progress: Progress | None = None,
) -> MatchResult:
    """Propose pairs: most people matched, then the best total score.

    Parameters
    ----------
    mentors, mentees : sequences of Mentor, Mentee
        The people (any order; ids unique per side).
    config : MatchConfig, optional
        Weights, constraints, objective and mode (``MatchConfig()`` by default).
    org : OrgChart, optional
        The whole organisation's reporting lines, for the reporting-line constraint.
    locked : iterable of LockedPair
        Pairs kept as they are; the rest is matched around them.
    progress : callable, optional
        Called with a stage name and the fraction done of that stage.

    Returns
    -------
    MatchResult
        The pairs (sorted by mentor id, then mentee id) with scores, breakdowns and
        reasons as codes; the unmatched people with a reason code; quality figures.

    Raises
    ------
    MatchInputError
        Invalid people (duplicate ids, unknown time zones, bad levels or capacities) or
        locked pairs (unknown people, over a capacity).

    Notes
    -----
    Deterministic: the same people (in any order) and config give the same result. The
    dense path solves the full (mentees, places) problem; the sparse path solves each
    person's best candidates (docs/matching.md).
    """
    started = time.perf_counter()
    config = config or MatchConfig()
    problem = prepare(mentors, mentees, config, org)
    demand = _demand(problem, locked)
    dense = _is_dense(problem, demand)
    solved = (_match_dense if dense else _match_sparse)(problem, demand, progress)
    if progress is not None:
        progress("solving", 1.0)
    return _result(problem, demand, solved, dense=dense, started=started)


def _result(
    problem: Problem, demand: _Demand, solved: _Solved, *, dense: bool, started: float
) -> MatchResult:
    """Locked and solved pairs together, explained, with the run's quality figures."""
    n_rows, n_cols = problem.n_mentees, problem.n_mentors
    locked_rows, locked_cols = demand.locked_rows, demand.locked_cols
    all_rows = np.concatenate([locked_rows, solved.rows])
    all_cols = np.concatenate([locked_cols, solved.cols])
    is_locked = np.zeros(len(all_rows), dtype=bool)
    is_locked[: len(locked_rows)] = True
    pair_scores, _, detail = problem.paired(all_rows, all_cols, detail=True)
    final_scores = np.concatenate([_quantise(pair_scores[: len(locked_rows)]), solved.scores])
    assigned_rows = np.bincount(all_rows, minlength=n_rows)
    assigned_cols = np.bincount(all_cols, minlength=n_cols)
    blocking = solved.blocking(all_rows, all_cols, final_scores)
    pairs = explain.describe_pairs(problem, all_rows, all_cols, final_scores, detail, is_locked)
    unmatched = explain.describe_unmatched(
        problem,
        assigned_rows,
        assigned_cols,
        all_rows,
        all_cols,
        demand.capacity_full,
        threshold=solved.threshold,
        sparse=not dense,
    )
    count = len(all_rows)
    quality = Quality(
        matched=count,
        mentees=n_rows,
        mentors=n_cols,
        total_score=round(float(final_scores.sum()), 6),
        mean_score=round(float(final_scores.mean()), 6) if count else 0.0,
        min_score=round(float(final_scores.min()), 6) if count else 0.0,
        blocking_pairs=blocking,
        mode="dense" if dense else "sparse",
        candidate_pairs=solved.candidates,
        fairness_threshold=solved.threshold,
        dense_total=None if solved.dense_total is None else round(solved.dense_total, 6),
        gap_to_dense=solved.gap_to_dense,
        seconds=time.perf_counter() - started,
        certified=solved.certified,
        gap_bound=solved.gap_bound,
        certify_rounds=solved.certify_rounds,
        solver="scipy" if dense else solved.solver,
    )
    return MatchResult(pairs=pairs, unmatched=unmatched, quality=quality)


def _lookup(
    rows: IntArray,
    cols: IntArray,
    values: Float64Array,
    want_rows: IntArray,
    want_cols: IntArray,
    n_cols: int,
) -> Float64Array:
    """Values of the (want_rows, want_cols) edges from a list of edges (sorted codes)."""
    codes = rows * n_cols + cols
    order = np.argsort(codes, kind="stable")
    wanted = want_rows * n_cols + want_cols
    position = np.searchsorted(codes[order], wanted)
    return values[order[position]]
