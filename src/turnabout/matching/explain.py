"""Explanations in words, unmatched reasons and quality figures."""

from __future__ import annotations

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
    mentee_floor = np.full(n_rows, np.inf)
    mentor_floor = np.full(n_cols, np.inf)
    np.minimum.at(mentee_floor, rows, scores)
    np.minimum.at(mentor_floor, cols, scores)
    mentee_floor[np.bincount(rows, minlength=n_rows) < per_mentee] = -np.inf
    mentor_floor[np.bincount(cols, minlength=n_cols) < capacity] = -np.inf
    unused = ~np.isin(cand_rows * n_cols + cand_cols, rows * n_cols + cols)
    blocking = (
        unused & (cand_scores > mentee_floor[cand_rows]) & (cand_scores > mentor_floor[cand_cols])
    )
    return int(blocking.sum())


def _listing(names: list[str]) -> str:
    shown = ", ".join(names[:MAX_LISTED])
    return shown + (", …" if len(names) > MAX_LISTED else "")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def _shared(problem: Problem, feature_name: str, row: int, col: int) -> list[str]:
    feature = getattr(problem, feature_name)
    mine = feature.items("mentee", row)
    theirs = set(feature.items("mentor", col))
    return sorted(
        (feature.vocab.display[i] for i in mine if i in theirs), key=lambda s: s.casefold()
    )


def _row(matrix: Any, index: int) -> dict[int, float]:
    start, end = matrix.indptr[index], matrix.indptr[index + 1]
    return dict(
        zip(matrix.indices[start:end].tolist(), matrix.data[start:end].tolist(), strict=True)
    )


def _reason(problem: Problem, name: str, row: int, col: int, score: float) -> str | None:
    """One phrase for a criterion of a pair, or None when there is nothing to say."""
    mentee, mentor = problem.mentees[row], problem.mentors[col]
    if name == "skills":
        feature = problem.skills
        start, end = feature.mentee_sparse.indptr[row], feature.mentee_sparse.indptr[row + 1]
        wanted = [int(i) for i in feature.mentee_sparse.indices[start:end]]
        weight = feature.mentee_sparse.data[start:end]
        offered = set(feature.items("mentor", col))
        order = sorted(
            range(len(wanted)),
            key=lambda i: (-weight[i], feature.vocab.display[wanted[i]].casefold()),
        )
        topics = [feature.vocab.display[wanted[i]] for i in order if int(wanted[i]) in offered]
        if not topics:
            return None
        noun = "topic" if len(wanted) == 1 else "topics"
        return f"offers {len(topics)} of {len(wanted)} wanted {noun}: {_listing(topics)}"
    if name in ("interests", "availability", "format", "affinity", "language"):
        feature_name = {
            "interests": "interests",
            "availability": "slots",
            "format": "formats",
            "affinity": "ergs",
            "language": "languages",
        }[name]
        shared = _shared(problem, feature_name, row, col)
        if not shared:
            return None
        label = {
            "interests": ("shared interest", "shared interests"),
            "availability": ("shared time slot", "shared time slots"),
            "format": ("shared format", "shared formats"),
            "affinity": ("shared ERG", "shared ERGs"),
            "language": ("shared language", "shared languages"),
        }[name]
        if name in ("interests", "availability"):
            word = label[0] if len(shared) == 1 else label[1]
            return f"{len(shared)} {word}: {_listing(shared)}"
        return f"{label[0] if len(shared) == 1 else label[1]}: {_listing(shared)}"
    if name == "goals":
        feature = problem.goals
        mine = _row(feature.mentee_sparse, row)
        theirs = _row(feature.mentor_sparse, col)
        common = [
            (-w * theirs[t], feature.vocab.display[t]) for t, w in mine.items() if t in theirs
        ]
        if not common:
            return None
        terms = [term for _, term in sorted(common)]
        return f"similar goals ({score:.0%}): {_listing(terms)}"
    if name == "timezone":
        if not mentee.timezone or not mentor.timezone:
            return None
        view = View(np.asarray([row]), np.asarray([col]), paired=True)
        distance = float(problem.tz_distance(view)[0])
        if distance == 0:
            return "same time zone" if mentee.timezone == mentor.timezone else "no time difference"
        return f"{distance:g} h apart"
    if name == "seniority":
        gap = mentee.level - mentor.level
        return f"level gap {gap} (target {problem.config.target_level_gap})"
    if name == "diversity":
        parts = []
        for attribute, rule in problem.diversity_rules.items():
            a, b = getattr(mentee, attribute).strip(), getattr(mentor, attribute).strip()
            if not a or not b:
                continue
            same = a.casefold() == b.casefold()
            if same and rule == "prefer_same":
                parts.append(f"same {attribute}")
            elif not same and rule == "prefer_different":
                parts.append(f"different {attribute}")
        return "; ".join(parts) if parts else None
    return None


def describe_pairs(
    problem: Problem,
    rows: IntArray,
    cols: IntArray,
    scores: FloatArray,
    detail: Detail,
    locked: BoolArray,
) -> list[Pair]:
    pairs: list[Pair] = []
    weight_sum = problem.weight_sum
    names = [n for n in CRITERIA if n in detail.criteria]
    values = {
        n: np.round(np.asarray(detail.criteria[n], dtype=np.float64), 4).tolist() for n in names
    }
    shares = {
        n: np.round(
            np.asarray(detail.criteria[n], dtype=np.float64) * problem.weights[n] / weight_sum, 4
        ).tolist()
        for n in names
    }
    for i, (row, col) in enumerate(zip(rows.tolist(), cols.tolist(), strict=True)):
        breakdown = {n: values[n][i] for n in names}
        contributions = {n: shares[n][i] for n in names}
        ranked = sorted(
            (n for n in names if breakdown[n] > 0),
            key=lambda n: (-contributions[n], CRITERIA.index(n)),
        )
        reasons: list[str] = []
        broken: tuple[str, ...] = ()
        if locked[i]:
            reasons.append("locked by the program manager")
            broken = tuple(
                c for c in CONSTRAINTS if c in detail.violations and bool(detail.violations[c][i])
            )
            if broken:
                reasons.append("breaks: " + ", ".join(c.replace("_", " ") for c in broken))
        for name in ranked:
            text = _reason(problem, name, row, col, breakdown[name])
            if text:
                reasons.append(text)
            if len(reasons) >= MAX_REASONS + int(locked[i]):
                break
        pairs.append(
            Pair(
                mentor_id=problem.mentors[col].id,
                mentee_id=problem.mentees[row].id,
                score=float(scores[i]),
                breakdown=breakdown,
                contributions=contributions,
                reasons=reasons,
                locked=bool(locked[i]),
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
