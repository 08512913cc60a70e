"""Explanations in words, unmatched reasons and quality figures."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from .model import CRITERIA, Pair, Unmatched
from .scoring import CONSTRAINTS, Detail, Problem, View

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

MAX_REASONS = 5
MAX_LISTED = 3


def blocking_pairs(
    cand_rows: IntArray,
    cand_cols: IntArray,
    cand_scores: FloatArray,
    rows: IntArray,
    cols: IntArray,
    scores: FloatArray,
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
    unused = ~np.isin(cand_rows * n_cols + cand_cols, rows * n_cols + cols)
    blocking = (
        unused & (cand_scores > mentee_floor[cand_rows]) & (cand_scores > mentor_floor[cand_cols])
    )
    return int(blocking.sum())


def blocking_pairs_dense(
    all_scores: FloatArray,
    feasible: BoolArray,
    rows: IntArray,
    cols: IntArray,
    scores: FloatArray,
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
    scores: FloatArray,
    per_mentee: int,
    capacity: IntArray,
    n_rows: int,
) -> tuple[FloatArray, FloatArray]:
    """The score a new partner must beat: each side's weakest pair, or -inf with room left."""
    n_cols = len(capacity)
    mentee_floor = np.full(n_rows, np.inf)
    mentor_floor = np.full(n_cols, np.inf)
    np.minimum.at(mentee_floor, rows, scores)
    np.minimum.at(mentor_floor, cols, scores)
    mentee_floor[np.bincount(rows, minlength=n_rows) < per_mentee] = -np.inf
    mentor_floor[np.bincount(cols, minlength=n_cols) < capacity] = -np.inf
    return mentee_floor, mentor_floor


def _listing(names: list[str]) -> str:
    shown = ", ".join(names[:MAX_LISTED])
    return shown + (", …" if len(names) > MAX_LISTED else "")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


_SET_FEATURES = {
    "interests": "interests",
    "availability": "slots",
    "format": "formats",
    "affinity": "ergs",
    "language": "languages",
}
_LABELS = {
    "interests": ("shared interest", "shared interests"),
    "availability": ("shared time slot", "shared time slots"),
    "format": ("shared format", "shared formats"),
    "affinity": ("shared ERG", "shared ERGs"),
    "language": ("shared language", "shared languages"),
}


class _Rows:
    """A feature's sparse rows as Python lists, sliced per person much faster than numpy."""

    def __init__(self, matrix: Any) -> None:
        self.indptr: list[int] = matrix.indptr.tolist()
        self.indices: list[int] = matrix.indices.tolist()
        self.data: list[float] = matrix.data.tolist()

    def items(self, person: int) -> list[int]:
        return self.indices[self.indptr[person] : self.indptr[person + 1]]

    def weights(self, person: int) -> list[float]:
        return self.data[self.indptr[person] : self.indptr[person + 1]]


class _Reasons:
    """Phrases for the criteria of the chosen pairs (only those are ever explained)."""

    def __init__(self, problem: Problem, rows: IntArray, cols: IntArray) -> None:
        self.problem = problem
        self.sides: dict[str, tuple[_Rows, _Rows, list[str], list[str]]] = {}
        self.tz_hours: list[float] = []
        if len(rows) and "timezone" in problem.weights:
            view = View(np.asarray(rows), np.asarray(cols), paired=True)
            self.tz_hours = problem.tz_distance(view).tolist()
        # criterion -> phrase(criterion, pair number, row, col, score), None if nothing to say
        self.phrases: dict[str, Callable[[str, int, int, int, float], str | None]] = {
            "skills": self._skills,
            "goals": self._goals,
            "timezone": self._timezone,
            "seniority": self._seniority,
            "diversity": self._diversity,
            **dict.fromkeys(_SET_FEATURES, self._shared),
        }

    def _side(self, feature_name: str) -> tuple[_Rows, _Rows, list[str], list[str]]:
        """Mentee rows, mentor rows, display names and their sort keys (built once)."""
        found = self.sides.get(feature_name)
        if found is None:
            feature = getattr(self.problem, feature_name)
            display = feature.vocab.display
            found = self.sides[feature_name] = (
                _Rows(feature.mentee_sparse),
                _Rows(feature.mentor_sparse),
                display,
                [name.casefold() for name in display],
            )
        return found

    def _skills(self, name: str, pair: int, row: int, col: int, score: float) -> str | None:
        mentees, mentors, display, keys = self._side("skills")
        wanted = mentees.items(row)
        weight = dict(zip(wanted, mentees.weights(row), strict=True))
        offered = set(mentors.items(col))
        found = sorted((i for i in wanted if i in offered), key=lambda i: (-weight[i], keys[i]))
        if not found:
            return None
        topics = [display[i] for i in found]
        noun = "topic" if len(wanted) == 1 else "topics"
        return f"offers {len(topics)} of {len(wanted)} wanted {noun}: {_listing(topics)}"

    def _shared(self, name: str, pair: int, row: int, col: int, score: float) -> str | None:
        mentees, mentors, display, keys = self._side(_SET_FEATURES[name])
        theirs = set(mentors.items(col))
        found = sorted((i for i in mentees.items(row) if i in theirs), key=keys.__getitem__)
        if not found:
            return None
        shared = [display[i] for i in found]
        label = _LABELS[name]
        if name in ("interests", "availability"):
            word = label[0] if len(shared) == 1 else label[1]
            return f"{len(shared)} {word}: {_listing(shared)}"
        return f"{label[0] if len(shared) == 1 else label[1]}: {_listing(shared)}"

    def _goals(self, name: str, pair: int, row: int, col: int, score: float) -> str | None:
        mentees, mentors, display, _ = self._side("goals")
        weight = dict(zip(mentors.items(col), mentors.weights(col), strict=True))
        common = [
            (-w * weight[t], display[t])
            for t, w in zip(mentees.items(row), mentees.weights(row), strict=True)
            if t in weight
        ]
        if not common:
            return None
        terms = [term for _, term in sorted(common)]
        return f"similar goals ({score:.0%}): {_listing(terms)}"

    def _timezone(self, name: str, pair: int, row: int, col: int, score: float) -> str | None:
        mentee, mentor = self.problem.mentees[row], self.problem.mentors[col]
        if not mentee.timezone or not mentor.timezone:
            return None
        distance = self.tz_hours[pair]
        if distance == 0:
            return "same time zone" if mentee.timezone == mentor.timezone else "no time difference"
        return f"{distance:g} h apart"

    def _seniority(self, name: str, pair: int, row: int, col: int, score: float) -> str | None:
        gap = self.problem.mentees[row].level - self.problem.mentors[col].level
        return f"level gap {gap} (target {self.problem.config.target_level_gap})"

    def _diversity(self, name: str, pair: int, row: int, col: int, score: float) -> str | None:
        mentee, mentor = self.problem.mentees[row], self.problem.mentors[col]
        parts = []
        for attribute, rule in self.problem.diversity_rules.items():
            a, b = getattr(mentee, attribute).strip(), getattr(mentor, attribute).strip()
            if not a or not b:
                continue
            same = a.casefold() == b.casefold()
            if same and rule == "prefer_same":
                parts.append(f"same {attribute}")
            elif not same and rule == "prefer_different":
                parts.append(f"different {attribute}")
        return "; ".join(parts) if parts else None


def describe_pairs(
    problem: Problem,
    rows: IntArray,
    cols: IntArray,
    scores: FloatArray,
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
    phrases = _Reasons(problem, rows, cols).phrases
    mentor_ids = [p.id for p in problem.mentors]
    mentee_ids = [p.id for p in problem.mentees]
    is_locked = locked.tolist()
    final = scores.tolist()
    for i, (row, col) in enumerate(zip(rows.tolist(), cols.tolist(), strict=True)):
        breakdown = dict(zip(names, value_rows[i], strict=True))
        contributions = dict(zip(names, share_rows[i], strict=True))
        reasons: list[str] = []
        broken: tuple[str, ...] = ()
        if is_locked[i]:
            reasons.append("locked by the program manager")
            broken = tuple(
                c for c in CONSTRAINTS if c in detail.violations and bool(detail.violations[c][i])
            )
            if broken:
                reasons.append("breaks: " + ", ".join(c.replace("_", " ") for c in broken))
        limit = MAX_REASONS + int(is_locked[i])
        for k in ranked[i][: n_useful[i]]:
            name = names[k]
            text = phrases[name](name, i, row, col, breakdown[name])
            if text:
                reasons.append(text)
            if len(reasons) >= limit:
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


def _constraint_label(name: str, problem: Problem, role: str) -> str:
    rules = problem.config.constraints
    gap = rules.min_level_gap
    levels = "level" if abs(gap) == 1 else "levels"
    return {
        "same_person": "the same person",
        "level": (
            f"not at least {gap} {levels} junior"
            if role == "mentee"
            else f"not at least {gap} {levels} senior"
        ),
        "reporting_line": "in the same reporting line",
        "same_manager": "with the same manager",
        "excluded": "excluded",
        "timezone": f"more than {rules.max_tz_hours:g} h apart"
        if rules.max_tz_hours is not None
        else "too far apart",
        "language": "without a shared language",
    }[name]


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
) -> str:
    other = "mentor" if role == "mentee" else "mentee"
    if eligible == 0:
        parts = [
            f"{count} {_constraint_label(name, problem, role)}"
            for name, count in counts.items()
            if count
        ]
        if not parts:
            return f"no {other}s to match with"
        return f"no eligible {other}: " + ", ".join(parts)
    if eligible_open == 0:
        if role == "mentee":
            if eligible == 1:
                return "its only eligible mentor is at capacity with better-scoring pairs"
            return f"all {eligible} eligible mentors are at capacity with better-scoring pairs"
        if eligible == 1:
            return "its only eligible mentee got a better-scoring mentor"
        return f"all {eligible} eligible mentees got better-scoring mentors"
    if threshold is not None:
        return (
            f"its {_plural(eligible_open, 'eligible ' + other)} with room would score below "
            f"the fairness floor {threshold:.3f}"
        )
    if sparse:
        return (
            f"its {_plural(eligible_open, 'eligible ' + other)} with room were not among "
            "the top candidates (raise top_k)"
        )
    return "matching it would lower the total score"


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
            text = _why_not(
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
                text = f"matched with {got} of {per_mentee} mentors; " + text
            out.append(Unmatched(problem.mentees[row].id, "mentee", text))

    idle = np.flatnonzero(assigned_cols == 0)
    if len(idle):
        totals = {name: np.zeros(len(idle), dtype=np.int64) for name in CONSTRAINTS}
        eligible_count = np.zeros(len(idle), dtype=np.int64)
        eligible_open = np.zeros(len(idle), dtype=np.int64)
        block = max(1, 2_000_000 // len(idle))
        for start in range(0, n_rows, block):
            chunk = np.arange(start, min(start + block, n_rows), dtype=np.int64)
            counts, eligible = _attribute(problem.cross_violations(chunk, idle), axis=0)
            for name, value in counts.items():
                totals[name] += value
            eligible_count += eligible.sum(axis=0, dtype=np.int64)
            eligible_open += (eligible & ~mentee_full[chunk][:, None]).sum(axis=0, dtype=np.int64)
        for i, col in enumerate(idle.tolist()):
            text = _why_not(
                problem,
                "mentor",
                {k: int(v[i]) for k, v in totals.items()},
                int(eligible_count[i]),
                int(eligible_open[i]),
                threshold,
                sparse,
            )
            out.append(Unmatched(problem.mentors[col].id, "mentor", text))
    return out
