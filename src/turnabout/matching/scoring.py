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
from ._types import BoolArray, Float32Array, IntArray
from .config import MatchConfig
from .criteria import BY_NAME, REGISTRY, diversity_rules
from .model import Mentee, Mentor

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
    """Each person's whole set as one code (-1 for empty) and which code pairs share.

    ``mentee``: (mentees,) codes; ``mentor``: (mentors,) codes; ``shared``: (codes, codes),
    True where the two sets have an item in common.
    """

    mentee: IntArray
    mentor: IntArray
    shared: BoolArray


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
    """Which pairs a formula is evaluated on: a cross block, or a list of pairs.

    Parameters
    ----------
    rows : IntArray, shape (r,)
        Mentee indices.
    cols : IntArray, shape (c,) or None
        Mentor indices (``None``: every mentor). With ``paired`` the same length as rows.
    paired : bool
        False: the block ``rows x cols`` (formulas give (r, c) arrays). True: the pairs
        ``(rows[i], cols[i])`` (formulas give (r,) arrays).
    """

    def __init__(self, rows: IntArray, cols: IntArray | None, *, paired: bool) -> None:
        self.rows = rows
        self.cols = cols
        self.paired = paired

    def per_mentee(self, values: NDArray[Any]) -> NDArray[Any]:
        """A per-mentee array, shaped to broadcast against the view's mentors."""
        picked = values[self.rows]
        return picked if self.paired else picked[:, None]

    def per_mentor(self, values: NDArray[Any]) -> NDArray[Any]:
        """A per-mentor array, shaped to broadcast against the view's mentees."""
        if self.cols is not None:
            values = values[self.cols]
        return values if self.paired else values[None, :]

    def dot(self, feature: ft.SetFeature) -> Float32Array:
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

    criteria: dict[str, Float32Array]
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
        for criterion in REGISTRY:
            if not criterion.active(config):
                weights[criterion.name] = 0.0
        self.weights = {k: v for k, v in weights.items() if v > 0}
        self.weight_sum = float(sum(self.weights.values())) or 1.0
        self.diversity_rules = diversity_rules(config)

        self.mentee_level = np.asarray([p.level for p in mentees], dtype=np.int64)
        self.mentor_level = np.asarray([p.level for p in mentors], dtype=np.int64)
        self.features: dict[str, ft.SetFeature] = {}
        """Each weighted criterion's own arrays (``Criterion.feature``)."""
        for criterion in REGISTRY:
            if criterion.name in self.weights and criterion.feature is not None:
                self.features[criterion.name] = criterion.feature(mentees, mentors)
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

    def tz_distance(self, view: View) -> Float32Array:
        """Worst-season distance in hours between UTC offsets (NaN when unknown)."""
        distance: Float32Array | None = None
        for season in (0, 1):
            diff = np.abs(
                view.per_mentee(self.mentee_tz[:, season]).astype(np.float32)
                - view.per_mentor(self.mentor_tz[:, season]).astype(np.float32)
            )
            diff = np.minimum(diff, 24.0 - diff)
            distance = diff if distance is None else np.maximum(distance, diff)
        assert distance is not None
        return distance

    def criterion(self, name: str, view: View) -> Float32Array:
        """One criterion's reference formula (``Criterion.reference``), scores in [0, 1].

        Returns (r, c) for a cross view, (r,) for a paired one.
        """
        value: Float32Array = np.asarray(BY_NAME[name].reference(self, view), dtype=np.float32)
        return value

    # --- constraints -------------------------------------------------------------------

    def violations(self, view: View) -> dict[str, BoolArray]:
        """Each active hard constraint's violations (True = ruled out)."""
        rules = self.config.constraints
        out: dict[str, BoolArray] = {"same_person": view.hits(self.same_person)}
        gap = view.per_mentee(self.mentee_level) - view.per_mentor(self.mentor_level)
        out["level"] = np.asarray(gap < rules.min_level_gap)
        if rules.reporting_line:
            out["reporting_line"] = view.hits(self.chains.conflicts)
        if rules.same_manager:
            a, b = view.per_mentee(self.mentee_manager), view.per_mentor(self.mentor_manager)
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

    def evaluate(
        self, view: View, *, detail: bool = False
    ) -> tuple[Float32Array, BoolArray, Detail]:
        """Total score (weighted mean), feasibility, and optionally the details."""
        total: Float32Array | None = None
        criteria: dict[str, Float32Array] = {}
        for name in BY_NAME:
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
    ) -> tuple[Float32Array, BoolArray, Detail]:
        return self.evaluate(View(rows, cols, paired=False), detail=detail)

    def paired(
        self, rows: IntArray, cols: IntArray, *, detail: bool = False
    ) -> tuple[Float32Array, BoolArray, Detail]:
        return self.evaluate(View(rows, cols, paired=True), detail=detail)

    def cross_violations(
        self, rows: IntArray, cols: IntArray | None = None
    ) -> dict[str, BoolArray]:
        return self.violations(View(rows, cols, paired=False))
