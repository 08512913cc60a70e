"""Criteria and constraints as array expressions over blocks of (mentee, mentor) pairs.

Rows are mentees and columns are mentors. Every function works on two shapes through a
``View``: the *cross* view (a block of mentee rows against all or some mentors, giving
2-D arrays) and the *paired* view (two equal-length index arrays, giving 1-D arrays), so
that one formula serves scoring, candidate search and explanations.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from . import features as ft
from .model import CRITERIA, MatchConfig, Mentee, Mentor

FloatArray = NDArray[np.float32]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

CONSTRAINTS: tuple[str, ...] = (
    "same_person",
    "level",
    "reporting_line",
    "same_manager",
    "excluded",
    "timezone",
    "language",
)
"""Hard constraints, in the order used to attribute a ruled-out candidate to one reason."""


@dataclass
class SetCodes:
    """Each person's whole set as one code (-1 for empty) and which code pairs share."""

    mentee: IntArray
    mentor: IntArray
    shared: BoolArray  # (codes, codes)


def _set_codes(feature: ft.SetFeature) -> SetCodes:
    both = sp.vstack([feature.mentee_sparse, feature.mentor_sparse]).tocsr()
    indptr, indices = both.indptr.tolist(), both.indices.tolist()
    found: dict[tuple[int, ...], int] = {}  # numbered in order of first appearance
    codes = np.fromiter(
        (
            found.setdefault(key, len(found)) if key else -1
            for key in (tuple(indices[a:b]) for a, b in itertools.pairwise(indptr))
        ),
        dtype=np.int64,
        count=both.shape[0],
    )
    n_codes = int(codes.max(initial=-1)) + 1
    first = np.zeros(n_codes, dtype=np.int64)
    present = codes >= 0
    first[codes[present][::-1]] = np.flatnonzero(present)[::-1]
    members = both[first]
    shared = np.asarray((members @ members.T).toarray() > 0, dtype=bool)
    split = feature.mentee_sparse.shape[0]
    return SetCodes(codes[:split], codes[split:], shared)


class View:
    """Indexing helper: a cross block (rows x cols) or an element-wise list of pairs."""

    def __init__(self, rows: IntArray, cols: IntArray | None, *, paired: bool) -> None:
        self.rows = rows
        self.cols = cols
        self.paired = paired

    def e(self, values: NDArray[Any]) -> NDArray[Any]:
        picked = values[self.rows]
        return picked if self.paired else picked[:, None]

    def m(self, values: NDArray[Any]) -> NDArray[Any]:
        if self.cols is not None:
            values = values[self.cols]
        return values if self.paired else values[None, :]

    def dot(self, feature: ft.SetFeature) -> FloatArray:
        if self.paired:
            assert self.cols is not None
            return feature.paired(self.rows, self.cols)
        block = feature.cross(self.rows)
        return block if self.cols is None else block[:, self.cols]

    def hits(self, matrix: sp.csr_matrix) -> BoolArray:
        """Entries of a sparse boolean (mentees, mentors) matrix for this view."""
        if self.paired:
            assert self.cols is not None
            if len(self.rows) == 0:
                return np.zeros(0, dtype=bool)
            return np.asarray(matrix[self.rows, self.cols], dtype=bool).ravel()
        sub = matrix[self.rows]
        if self.cols is not None:
            sub = sub[:, self.cols]
        out = np.zeros(sub.shape, dtype=bool)
        coo = sub.tocoo()
        out[coo.row, coo.col] = coo.data.astype(bool)
        return out


@dataclass
class Detail:
    """Per-criterion scores and per-constraint violations of a view."""

    criteria: dict[str, FloatArray]
    violations: dict[str, BoolArray]


class Problem:
    """Sorted people, their feature arrays and the config: everything scoring needs."""

    def __init__(
        self,
        mentees: Sequence[Mentee],
        mentors: Sequence[Mentor],
        config: MatchConfig,
        managers: dict[str, str],
    ) -> None:
        self.mentees = list(mentees)
        self.mentors = list(mentors)
        self.config = config
        self.n_mentees = len(mentees)
        self.n_mentors = len(mentors)
        weights = config.weights.as_dict()
        diversity_rules = {k: v for k, v in config.diversity.items() if v != "ignore"}
        if not diversity_rules:
            weights["diversity"] = 0.0
        if config.affinity == "ignore":
            weights["affinity"] = 0.0
        self.weights = {k: v for k, v in weights.items() if v > 0}
        self.weight_sum = float(sum(self.weights.values())) or 1.0
        self.diversity_rules = diversity_rules

        self.mentee_level = np.asarray([p.level for p in mentees], dtype=np.int64)
        self.mentor_level = np.asarray([p.level for p in mentors], dtype=np.int64)
        self.skills = ft.skill_feature(mentees, mentors)
        self.interests = ft.set_feature(
            [p.interests for p in mentees], [p.interests for p in mentors]
        )
        self.goals = ft.goal_feature([p.goals for p in mentees], [p.goals for p in mentors])
        self.slots = ft.set_feature(
            [p.availability for p in mentees], [p.availability for p in mentors]
        )
        self.formats = ft.set_feature([p.formats for p in mentees], [p.formats for p in mentors])
        self.ergs = ft.set_feature([p.ergs for p in mentees], [p.ergs for p in mentors])
        self.languages = ft.set_feature(
            [p.languages for p in mentees], [p.languages for p in mentors]
        )
        self.language_sets = _set_codes(self.languages)
        self.mentee_tz = ft.utc_offsets(mentees, "mentee")
        self.mentor_tz = ft.utc_offsets(mentors, "mentor")
        self.attribute_codes: dict[str, tuple[IntArray, IntArray]] = {}
        for attribute in ("department", "location", "generation"):
            both, _ = ft.codes(
                [getattr(p, attribute) for p in mentees] + [getattr(p, attribute) for p in mentors]
            )
            self.attribute_codes[attribute] = (both[: len(mentees)], both[len(mentees) :])
        managers_both, _ = ft.codes(
            [managers.get(p.id, "") for p in mentees] + [managers.get(p.id, "") for p in mentors]
        )
        self.mentee_manager = managers_both[: len(mentees)]
        self.mentor_manager = managers_both[len(mentees) :]
        self.chains = ft.chains(mentees, mentors, managers)
        mentor_index = {p.id: n for n, p in enumerate(mentors)}
        mentee_index = {p.id: n for n, p in enumerate(mentees)}
        shape = (len(mentees), len(mentors))
        self.same_person = ft.pair_matrix(
            ((n, mentor_index[p.id]) for n, p in enumerate(mentees) if p.id in mentor_index),
            shape,
        )
        excluded: list[tuple[int, int]] = []
        for row, mentee in enumerate(mentees):
            excluded.extend((row, mentor_index[x]) for x in mentee.exclude if x in mentor_index)
        for col, mentor in enumerate(mentors):
            excluded.extend((mentee_index[x], col) for x in mentor.exclude if x in mentee_index)
        self.excluded = ft.pair_matrix(excluded, shape)

    # --- criteria ----------------------------------------------------------------------

    def tz_distance(self, view: View) -> FloatArray:
        """Worst-season distance in hours between UTC offsets (NaN when unknown)."""
        distance: FloatArray | None = None
        for season in (0, 1):
            diff = np.abs(
                view.e(self.mentee_tz[:, season]).astype(np.float32)
                - view.m(self.mentor_tz[:, season]).astype(np.float32)
            )
            diff = np.minimum(diff, 24.0 - diff)
            distance = diff if distance is None else np.maximum(distance, diff)
        assert distance is not None
        return distance

    def _overlap(self, feature: ft.SetFeature, view: View) -> tuple[FloatArray, ...]:
        inter = view.dot(feature)
        return inter, view.e(feature.mentee_count), view.m(feature.mentor_count)

    def criterion(self, name: str, view: View) -> FloatArray:
        """The score in [0, 1] of one criterion (formulas in docs/matching.md)."""
        value: FloatArray = np.asarray(self._criterion(name, view), dtype=np.float32)
        return value

    def _criterion(self, name: str, view: View) -> Any:
        one = np.float32(1.0)
        if name == "skills":
            return np.minimum(view.dot(self.skills), one)
        if name in ("interests", "availability", "affinity"):
            feature = {"interests": self.interests, "availability": self.slots}.get(name, self.ergs)
            inter, a, b = self._overlap(feature, view)
            return inter / np.sqrt(np.maximum(a * b, one))
        if name == "goals":
            return np.clip(view.dot(self.goals), 0.0, 1.0)
        if name == "timezone":
            distance = self.tz_distance(view)
            return np.where(np.isnan(distance), np.float32(0.5), one - distance / 12.0)
        if name == "format":
            inter, a, b = self._overlap(self.formats, view)
            both = a * b
            return np.where(both > 0, inter / np.sqrt(np.maximum(both, one)), one)
        if name == "seniority":
            gap = view.e(self.mentee_level) - view.m(self.mentor_level)
            distance = np.abs(gap - self.config.target_level_gap).astype(np.float32)
            return one / (one + distance)
        if name == "diversity":
            total: FloatArray | None = None
            for attribute, rule in self.diversity_rules.items():
                mentee_codes, mentor_codes = self.attribute_codes[attribute]
                a_code, b_code = view.e(mentee_codes), view.m(mentor_codes)
                same = a_code == b_code
                wanted = same if rule == "prefer_same" else ~same
                known = (a_code >= 0) & (b_code >= 0)
                part = np.where(known, wanted.astype(np.float32), np.float32(0.5))
                total = part if total is None else total + part
            assert total is not None
            return total / np.float32(len(self.diversity_rules))
        if name == "language":
            inter, a, b = self._overlap(self.languages, view)
            known = (a > 0) & (b > 0)
            return np.where(known, (inter > 0).astype(np.float32), np.float32(0.5))
        raise KeyError(name)

    # --- constraints -------------------------------------------------------------------

    def violations(self, view: View) -> dict[str, BoolArray]:
        """Each active hard constraint's violations (True = ruled out)."""
        rules = self.config.constraints
        out: dict[str, BoolArray] = {"same_person": view.hits(self.same_person)}
        gap = view.e(self.mentee_level) - view.m(self.mentor_level)
        out["level"] = np.asarray(gap < rules.min_level_gap)
        if rules.reporting_line:
            out["reporting_line"] = view.hits(self.chains.conflicts)
        if rules.same_manager:
            a, b = view.e(self.mentee_manager), view.m(self.mentor_manager)
            out["same_manager"] = np.asarray((a == b) & (a >= 0))
        out["excluded"] = view.hits(self.excluded)
        if rules.max_tz_hours is not None:
            distance = self.tz_distance(view)
            out["timezone"] = np.asarray(distance > rules.max_tz_hours + 1e-6)
        if rules.require_language:
            out["language"] = np.asarray(view.dot(self.languages) <= 0)
        shape = np.broadcast_shapes(*(v.shape for v in out.values()))
        return {k: np.broadcast_to(v, shape) for k, v in out.items()}

    # --- combined ----------------------------------------------------------------------

    def evaluate(self, view: View, *, detail: bool = False) -> tuple[FloatArray, BoolArray, Detail]:
        """Total score (weighted mean), feasibility, and optionally the details."""
        total: FloatArray | None = None
        criteria: dict[str, FloatArray] = {}
        for name in CRITERIA:
            weight = self.weights.get(name)
            if weight is None:
                continue
            score = self.criterion(name, view)
            if detail:
                criteria[name] = score
            part = score * np.float32(weight / self.weight_sum)
            total = part if total is None else total + part
        violations = self.violations(view)
        infeasible: BoolArray | None = None
        for hit in violations.values():
            infeasible = hit.copy() if infeasible is None else infeasible | hit
        assert infeasible is not None
        assert total is not None
        total = np.broadcast_to(total, infeasible.shape).astype(np.float32)
        return total, ~infeasible, Detail(criteria, violations if detail else {})

    def cross(
        self, rows: IntArray, cols: IntArray | None = None, *, detail: bool = False
    ) -> tuple[FloatArray, BoolArray, Detail]:
        return self.evaluate(View(rows, cols, paired=False), detail=detail)

    def paired(
        self, rows: IntArray, cols: IntArray, *, detail: bool = False
    ) -> tuple[FloatArray, BoolArray, Detail]:
        return self.evaluate(View(rows, cols, paired=True), detail=detail)

    def cross_violations(
        self, rows: IntArray, cols: IntArray | None = None
    ) -> dict[str, BoolArray]:
        return self.violations(View(rows, cols, paired=False))
