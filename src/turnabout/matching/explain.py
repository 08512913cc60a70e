"""Explanations as codes with parameters, their English text, and quality figures.

The engine never writes sentences into its results: a pair's reasons and an unmatched
person's reason are ``Reason(code, params)``. ``reason_text`` renders one in English (the
CLI's output files); the app renders the same codes with gettext (``pairing/explain.py``).

Codes: a criterion's name (``skills``, ``availability``, ...; parameters from its
``Criterion.explain``), and for people left unmatched:

=========================  ==========================================================
``unmatched.nobody``       nobody on the other side (``other``)
``unmatched.no_eligible``  every candidate ruled out; ``ruled_out``: constraint -> count
``unmatched.at_capacity``  (mentee) every eligible mentor (``eligible``) is full
``unmatched.outscored``    (mentor) every eligible mentee (``eligible``) got a better pair
``unmatched.below_floor``  the ``open`` eligible people with room score below the
                           fairness floor ``threshold``
``unmatched.not_candidate``  (sparse) the ``open`` eligible people with room were not
                           among the top candidates
``unmatched.lower_total``  matching would lower the total score
=========================  ==========================================================

Every unmatched code carries ``role``, ``other`` and, for a mentee with some but not all
of its mentors, ``got`` and ``wanted``. ``no_eligible`` also carries ``min_level_gap`` and
``max_tz_hours`` so that the constraint labels can name them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import scipy.sparse as sp

from . import _codes
from ._types import BoolArray, Float64Array, IntArray
from .criteria import BY_NAME, CRITERIA, Reason
from .model import Pair, Unmatched
from .scoring import CONSTRAINTS, Detail, Problem, View

MAX_REASONS = 5


def blocking_pairs(
    cand_rows: IntArray,
    cand_cols: IntArray,
    cand_scores: Float64Array,
    rows: IntArray,
    cols: IntArray,
    scores: Float64Array,
    per_mentee: int,
    capacity: IntArray,
    n_rows: int,
) -> int:
    """Unused feasible pairs whose mentee and mentor both strictly prefer each other.

    A mentee prefers a mentor to its weakest pair (or to a free place, if it has fewer than
    ``per_mentee`` mentors); a mentor likewise, with ``capacity`` places.
    """
    n_cols = len(capacity)
    mentee_floor, mentor_floor = _floors(rows, cols, scores, per_mentee, capacity, n_rows)
    unused = ~_codes.isin(cand_rows * n_cols + cand_cols, rows * n_cols + cols)
    blocking = (
        unused & (cand_scores > mentee_floor[cand_rows]) & (cand_scores > mentor_floor[cand_cols])
    )
    return int(blocking.sum())


def blocking_pairs_dense(
    all_scores: Float64Array,
    feasible: BoolArray,
    rows: IntArray,
    cols: IntArray,
    scores: Float64Array,
    per_mentee: int,
    capacity: IntArray,
) -> int:
    """``blocking_pairs`` when every feasible pair is a candidate: one pass over the matrix."""
    n_rows = all_scores.shape[0]
    mentee_floor, mentor_floor = _floors(rows, cols, scores, per_mentee, capacity, n_rows)
    blocking = all_scores > mentee_floor[:, None]
    blocking &= all_scores > mentor_floor[None, :]
    blocking &= feasible
    blocking[rows, cols] = False
    return int(np.count_nonzero(blocking))


def _floors(
    rows: IntArray,
    cols: IntArray,
    scores: Float64Array,
    per_mentee: int,
    capacity: IntArray,
    n_rows: int,
) -> tuple[Float64Array, Float64Array]:
    """The score a new partner must beat: each side's weakest pair, or -inf with room left."""
    n_cols = len(capacity)
    mentee_floor = np.full(n_rows, np.inf)
    mentor_floor = np.full(n_cols, np.inf)
    np.minimum.at(mentee_floor, rows, scores)
    np.minimum.at(mentor_floor, cols, scores)
    mentee_floor[np.bincount(rows, minlength=n_rows) < per_mentee] = -np.inf
    mentor_floor[np.bincount(cols, minlength=n_cols) < capacity] = -np.inf
    return mentee_floor, mentor_floor


class _Rows:
    """A feature's sparse rows as Python lists, sliced per person much faster than numpy.

    With ``rank`` (each item's place in name order) every person's items are stored in
    that order, or by weight first (highest first) with ``by_weight``, so that the items
    two people share come out already sorted: no sort per pair.
    """

    def __init__(self, matrix: Any, rank: IntArray | None = None, by_weight: bool = False):
        indices, data = matrix.indices, matrix.data
        if rank is not None and len(indices):
            owner = np.repeat(np.arange(len(matrix.indptr) - 1), np.diff(matrix.indptr))
            keys = (rank[indices], -data, owner) if by_weight else (rank[indices], owner)
            order = np.lexsort(keys)
            indices, data = indices[order], data[order]
        self.indptr: list[int] = matrix.indptr.tolist()
        self.indices: list[int] = indices.tolist()
        self.data: list[float] = data.tolist()

    def items(self, person: int) -> list[int]:
        return self.indices[self.indptr[person] : self.indptr[person + 1]]

    def weights(self, person: int) -> list[float]:
        return self.data[self.indptr[person] : self.indptr[person + 1]]


class ExplainContext:
    """What the criteria's ``explain`` functions read about the chosen pairs.

    Parameters
    ----------
    problem : Problem
        The prepared run.
    rows, cols : IntArray, shape (pairs,)
        The chosen pairs (only those are ever explained).
    """

    def __init__(self, problem: Problem, rows: IntArray, cols: IntArray) -> None:
        self.problem = problem
        self.sides: dict[str, tuple[_Rows, _Rows, list[str], list[str]]] = {}
        self.tz_hours: list[float] = []
        if len(rows) and "timezone" in problem.weights:
            view = View(np.asarray(rows), np.asarray(cols), paired=True)
            self.tz_hours = problem.tz_distance(view).tolist()

    def _side(self, name: str) -> tuple[_Rows, _Rows, list[str], list[str]]:
        """Mentee rows, mentor rows, display names and their sort keys (built once)."""
        found = self.sides.get(name)
        if found is None:
            feature = self.problem.languages if name == "language" else self.problem.features[name]
            display = feature.vocab.display
            keys = [item.casefold() for item in display]
            rank = np.zeros(len(keys), dtype=np.int64)
            rank[sorted(range(len(keys)), key=keys.__getitem__)] = np.arange(len(keys))
            found = self.sides[name] = (
                _Rows(feature.mentee_sparse, rank, by_weight=name == "skills"),
                _Rows(feature.mentor_sparse),
                display,
                keys,
            )
        return found

    def shared(self, name: str, row: int, col: int) -> list[str]:
        """The items of a set criterion the two people share, sorted by name."""
        mentees, mentors, display, _ = self._side(name)
        theirs = set(mentors.items(col))
        return [display[i] for i in mentees.items(row) if i in theirs]  # in name order

    def skills(self, row: int, col: int) -> tuple[int, list[str]]:
        """How many topics the mentee wants, and those the mentor offers (by priority,
        then name: the order the mentee's items are stored in)."""
        mentees, mentors, display, _ = self._side("skills")
        wanted = mentees.items(row)
        offered = set(mentors.items(col))
        return len(wanted), [display[i] for i in wanted if i in offered]

    def goal_terms(self, row: int, col: int) -> list[str]:
        """Goal words both wrote, most weighty first."""
        mentees, mentors, display, _ = self._side("goals")
        weight = dict(zip(mentors.items(col), mentors.weights(col), strict=True))
        common = [
            (-w * weight[t], display[t])
            for t, w in zip(mentees.items(row), mentees.weights(row), strict=True)
            if t in weight
        ]
        return [term for _, term in sorted(common)]

    def time_apart(self, pair: int, row: int, col: int) -> tuple[float, bool] | None:
        """Hours apart and whether both named the same zone (None when one is unknown)."""
        mentee, mentor = self.problem.mentees[row], self.problem.mentors[col]
        if not mentee.timezone or not mentor.timezone:
            return None
        return float(self.tz_hours[pair]), mentee.timezone == mentor.timezone


def describe_pairs(
    problem: Problem,
    rows: IntArray,
    cols: IntArray,
    scores: Float64Array,
    detail: Detail,
    locked: BoolArray,
) -> list[Pair]:
    pairs: list[Pair] = []
    count = len(rows)
    names = [n for n in CRITERIA if n in detail.criteria]
    raw = [np.asarray(detail.criteria[n], dtype=np.float64) for n in names]
    shape = (count, len(names))
    values = np.round(np.stack(raw, axis=1), 4) if names else np.zeros(shape)
    shares = np.zeros(shape)
    for k, name in enumerate(names):
        shares[:, k] = np.round(raw[k] * problem.weights[name] / problem.weight_sum, 4)
    # criteria worth mentioning, best contribution first, ties in CRITERIA order
    useful = values > 0
    ranked = np.argsort(np.where(useful, -shares, np.inf), axis=1, kind="stable").tolist()
    n_useful = useful.sum(axis=1).tolist()
    value_rows, share_rows = values.tolist(), shares.tolist()
    context = ExplainContext(problem, rows, cols)
    mentor_ids = [p.id for p in problem.mentors]
    mentee_ids = [p.id for p in problem.mentees]
    is_locked = locked.tolist()
    final = scores.tolist()
    for i, (row, col) in enumerate(zip(rows.tolist(), cols.tolist(), strict=True)):
        breakdown = dict(zip(names, value_rows[i], strict=True))
        contributions = dict(zip(names, share_rows[i], strict=True))
        reasons: list[Reason] = []
        broken: tuple[str, ...] = ()
        if is_locked[i]:
            broken = tuple(
                c for c in CONSTRAINTS if c in detail.violations and bool(detail.violations[c][i])
            )
        for k in ranked[i][: n_useful[i]]:
            name = names[k]
            reason = BY_NAME[name].explain(context, i, row, col, breakdown[name])
            if reason is not None:
                reasons.append(reason)
            if len(reasons) >= MAX_REASONS:
                break
        pairs.append(
            Pair(
                mentor_id=mentor_ids[col],
                mentee_id=mentee_ids[row],
                score=final[i],
                breakdown=breakdown,
                contributions=contributions,
                reasons=reasons,
                locked=is_locked[i],
                violations=broken,
            )
        )
    pairs.sort(key=lambda p: (p.mentor_id, p.mentee_id))
    return pairs


def constraint_text(name: str, params: Mapping[str, Any]) -> str:
    """A ruled-out candidate's constraint in English, from an ``unmatched`` reason."""
    gap = params.get("min_level_gap", 1)
    levels = "level" if abs(gap) == 1 else "levels"
    hours = params.get("max_tz_hours")
    side = "junior" if params.get("role") == "mentee" else "senior"
    return {
        "same_person": "the same person",
        "level": f"not at least {gap} {levels} {side}",
        "reporting_line": "in the same reporting line",
        "same_manager": "with the same manager",
        "excluded": "excluded",
        "timezone": f"more than {hours:g} h apart" if hours is not None else "too far apart",
        "language": "without a shared language",
    }.get(name, name)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def _unmatched_text(code: str, params: Mapping[str, Any]) -> str:
    other = params.get("other", "partner")
    if code == "unmatched.nobody":
        return f"no {other}s to match with"
    if code == "unmatched.no_eligible":
        ruled_out = params.get("ruled_out", {})
        parts = [f"{n} {constraint_text(k, params)}" for k, n in ruled_out.items() if n]
        return f"no eligible {other}: " + ", ".join(parts)
    if code == "unmatched.at_capacity":
        if params["eligible"] == 1:
            return "its only eligible mentor is at capacity with better-scoring pairs"
        return (
            f"all {params['eligible']} eligible mentors are at capacity with better-scoring pairs"
        )
    if code == "unmatched.outscored":
        if params["eligible"] == 1:
            return "its only eligible mentee got a better-scoring mentor"
        return f"all {params['eligible']} eligible mentees got better-scoring mentors"
    if code == "unmatched.below_floor":
        who = _plural(int(params["open"]), "eligible " + other)
        return f"its {who} with room would score below the fairness floor {params['threshold']:.3f}"
    if code == "unmatched.not_candidate":
        who = _plural(int(params["open"]), "eligible " + other)
        return f"its {who} with room were not among the top candidates (raise top_k)"
    if code == "unmatched.lower_total":
        return "matching it would lower the total score"
    return code


def reason_text(reason: Reason) -> str:
    """A reason in English (the CLI's files; the app translates in ``pairing/explain.py``)."""
    criterion = BY_NAME.get(reason.code)
    if criterion is not None:
        return criterion.text(reason.params)
    text = _unmatched_text(reason.code, reason.params)
    got = reason.params.get("got")
    if got:
        text = f"matched with {got} of {reason.params['wanted']} mentors; " + text
    return text


def _attribute(
    violations: dict[str, BoolArray], axis: int
) -> tuple[dict[str, IntArray], BoolArray]:
    """Count ruled-out candidates per constraint (first failing one wins) and eligibility."""
    eligible: BoolArray | None = None
    counts: dict[str, IntArray] = {}
    for name in CONSTRAINTS:
        if name not in violations:
            continue
        hit = np.asarray(violations[name])
        if eligible is None:
            eligible = np.ones(hit.shape, dtype=bool)
        counts[name] = (hit & eligible).sum(axis=axis)
        eligible &= ~hit
    assert eligible is not None
    return counts, eligible


def _why_not(
    problem: Problem,
    role: str,
    counts: dict[str, int],
    eligible: int,
    eligible_open: int,
    threshold: float | None,
    sparse: bool,
) -> Reason:
    other = "mentor" if role == "mentee" else "mentee"
    base: dict[str, Any] = {"role": role, "other": other}
    if eligible == 0:
        ruled_out = {name: count for name, count in counts.items() if count}
        if not ruled_out:
            return Reason("unmatched.nobody", base)
        rules = problem.config.constraints
        return Reason(
            "unmatched.no_eligible",
            {
                **base,
                "ruled_out": ruled_out,
                "min_level_gap": rules.min_level_gap,
                "max_tz_hours": rules.max_tz_hours,
            },
        )
    if eligible_open == 0:
        code = "unmatched.at_capacity" if role == "mentee" else "unmatched.outscored"
        return Reason(code, {**base, "eligible": eligible})
    if threshold is not None:
        return Reason(
            "unmatched.below_floor",
            {**base, "open": eligible_open, "threshold": round(threshold, 6)},
        )
    if sparse:
        return Reason("unmatched.not_candidate", {**base, "open": eligible_open})
    return Reason("unmatched.lower_total", base)


def describe_unmatched(
    problem: Problem,
    assigned_rows: IntArray,
    assigned_cols: IntArray,
    rows: IntArray,
    cols: IntArray,
    capacity: IntArray,
    *,
    threshold: float | None,
    sparse: bool,
) -> list[Unmatched]:
    per_mentee = problem.config.constraints.mentors_per_mentee
    n_rows, n_cols = problem.n_mentees, problem.n_mentors
    out: list[Unmatched] = []
    mentor_full = assigned_cols >= capacity
    mentee_full = assigned_rows >= per_mentee
    paired = sp.csr_matrix(
        (np.ones(len(rows), dtype=bool), (rows, cols)), shape=(n_rows, n_cols), dtype=bool
    )

    short = np.flatnonzero(assigned_rows < per_mentee)
    block = max(1, 2_000_000 // max(n_cols, 1))
    for start in range(0, len(short), block):
        chunk = short[start : start + block]
        counts, eligible = _attribute(problem.cross_violations(chunk), axis=1)
        eligible &= ~paired[chunk].toarray()  # a mentor it already has does not count
        eligible_count = eligible.sum(axis=1)
        eligible_open = (eligible & ~mentor_full[None, :]).sum(axis=1)
        for i, row in enumerate(chunk.tolist()):
            reason = _why_not(
                problem,
                "mentee",
                {k: int(v[i]) for k, v in counts.items()},
                int(eligible_count[i]),
                int(eligible_open[i]),
                threshold,
                sparse,
            )
            got = int(assigned_rows[row])
            if got:
                reason = Reason(reason.code, {**reason.params, "got": got, "wanted": per_mentee})
            out.append(Unmatched(problem.mentees[row].id, "mentee", reason))

    idle = np.flatnonzero(assigned_cols == 0)
    if len(idle):
        totals, eligible_count, eligible_open = _idle_mentor_counts(problem, idle, mentee_full)
        for i, col in enumerate(idle.tolist()):
            reason = _why_not(
                problem,
                "mentor",
                {k: int(v[i]) for k, v in totals.items()},
                int(eligible_count[i]),
                int(eligible_open[i]),
                threshold,
                sparse,
            )
            out.append(Unmatched(problem.mentors[col].id, "mentor", reason))
    return out


DENSE_CONSTRAINTS = ("level", "timezone", "language")
"""Constraints that depend only on a few attributes of each side (level, UTC offsets,
language set); the others (same person, reporting line, same manager, exclusions) rule
out a few pairs each and are listed pair by pair."""


def _first_failing(violations: dict[str, BoolArray], shape: tuple[int, ...]) -> IntArray:
    """Index into ``CONSTRAINTS`` of each pair's first failing constraint, or
    ``len(CONSTRAINTS)`` for an eligible pair."""
    code = np.full(shape, len(CONSTRAINTS), dtype=np.int64)
    for index in range(len(CONSTRAINTS) - 1, -1, -1):
        hit = violations.get(CONSTRAINTS[index])
        if hit is not None:
            code[np.asarray(hit, dtype=bool)] = index
    return code


def _group(problem: Problem, mentee: bool, people: IntArray) -> tuple[IntArray, IntArray]:
    """People with the same level, UTC offsets and language set: one representative each,
    and each person's group."""
    level = problem.mentee_level if mentee else problem.mentor_level
    tz = problem.mentee_tz if mentee else problem.mentor_tz
    sets = problem.language_sets.mentee if mentee else problem.language_sets.mentor
    keys = np.stack(
        [level[people].astype(np.float64), *tz[people].T, sets[people].astype(np.float64)],
        axis=1,
    )
    keys = np.where(np.isnan(keys), 1e9, keys)
    _, first, group = np.unique(keys, axis=0, return_index=True, return_inverse=True)
    return people[first], group.reshape(-1).astype(np.int64)


def _idle_mentor_counts(
    problem: Problem, idle: IntArray, mentee_full: BoolArray
) -> tuple[dict[str, IntArray], IntArray, IntArray]:
    """For mentors without a mentee: how many mentees each constraint rules out (first
    failing one wins), how many are eligible, and how many of those have room.

    Exact, without a (mentees x idle mentors) pass: the level, time-zone and language
    constraints are evaluated once per pair of *groups* (people alike in those
    attributes) and counted with the groups' sizes; the pairs that a pair-wise
    constraint rules out (same person, reporting line, same manager, exclusions) are
    then moved from their group's answer to their own.
    """
    n_rows, n_idle = problem.n_mentees, len(idle)
    size = len(CONSTRAINTS) + 1  # the constraints, then "eligible"
    everyone = np.arange(n_rows, dtype=np.int64)
    rep_rows, row_group = _group(problem, True, everyone)
    rep_cols, col_group = _group(problem, False, idle)
    dense = {
        k: v
        for k, v in problem.cross_violations(rep_rows, rep_cols).items()
        if k in DENSE_CONSTRAINTS
    }
    group_code = _first_failing(dense, (len(rep_rows), len(rep_cols)))
    open_rows = ~mentee_full
    per_group = np.bincount(row_group, minlength=len(rep_rows))
    open_group = np.bincount(row_group[open_rows], minlength=len(rep_rows))
    # (codes, column groups) counts, then per idle mentor
    counts = np.zeros((size, len(rep_cols)), dtype=np.int64)
    opens = np.zeros(len(rep_cols), dtype=np.int64)
    for code in range(size):
        where = group_code == code
        counts[code] = per_group @ where
        if code == size - 1:
            opens = open_group @ where
    table = counts[:, col_group]  # (codes, idle)
    eligible_open = opens[col_group].copy()

    # pairs that a pair-wise constraint rules out
    rules = problem.config.constraints
    pair_rows: list[IntArray] = []
    pair_cols: list[IntArray] = []  # positions in idle
    matrices = [problem.same_person, problem.excluded]
    if rules.reporting_line:
        matrices.append(problem.chains.conflicts)
    for matrix in matrices:
        if matrix.nnz == 0:
            continue
        coo = matrix[:, idle].tocoo()
        pair_rows.append(coo.row.astype(np.int64))
        pair_cols.append(coo.col.astype(np.int64))
    if rules.same_manager:
        managers = problem.mentee_manager
        order = np.argsort(managers, kind="stable")
        ordered = managers[order]
        mine = problem.mentor_manager[idle]
        low = np.searchsorted(ordered, mine, side="left")
        high = np.searchsorted(ordered, mine, side="right")
        many = np.where(mine >= 0, high - low, 0)
        at = np.repeat(low - (np.cumsum(many) - many), many) + np.arange(int(many.sum()))
        pair_rows.append(order[at])
        pair_cols.append(np.repeat(np.arange(n_idle, dtype=np.int64), many))
    if pair_rows:
        codes = _codes.unique(np.concatenate(pair_rows) * n_idle + np.concatenate(pair_cols))
        rows, cols = codes // n_idle, codes % n_idle
        truth = _first_failing(problem.violations(View(rows, idle[cols], paired=True)), rows.shape)
        guess = group_code[row_group[rows], col_group[cols]]
        np.add.at(table, (guess, cols), -1)
        np.add.at(table, (truth, cols), 1)
        eligible = size - 1
        moved = (truth == eligible).astype(np.int64) - (guess == eligible)
        np.add.at(eligible_open, cols, open_rows[rows] * moved)
    totals = {name: table[index] for index, name in enumerate(CONSTRAINTS)}
    return totals, table[size - 1], eligible_open
