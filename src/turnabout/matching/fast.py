"""The fast scorer: total scores of a block of mentees against every mentor.

Same formulas as ``scoring.Problem.criterion`` (a test checks they agree), arranged for
speed: criteria that depend only on a few categorical attributes (level, time zone,
department, location, generation) are precomputed as one small table over the distinct
combinations and gathered in one pass; set criteria use BLAS with the weight folded into
the mentee side; every other step works in place. Infeasible pairs get ``INFEASIBLE``.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ._types import BoolArray, Float32Array, Float64Array, IntArray
from .criteria import REGISTRY, Categorical, Categories, Linear
from .scoring import Problem

INFEASIBLE = np.float32(-64.0)
"""Marks a ruled-out pair; any total below ``FEASIBLE_MIN`` is infeasible."""
FEASIBLE_MIN = np.float32(-1.0)
TABLE_LIMIT = 1 << 24
_NAN_KEY = 1e9


def _unique_rows(matrix: Float64Array) -> tuple[Float64Array, IntArray]:
    if matrix.shape[0] == 0:
        return matrix, np.zeros(0, dtype=np.int64)
    keys = np.where(np.isnan(matrix), _NAN_KEY, matrix)
    unique, inverse = np.unique(keys, axis=0, return_inverse=True)
    unique = np.where(unique == _NAN_KEY, np.nan, unique)
    return unique, inverse.reshape(-1).astype(np.int64)


SPARSE_VOCABULARY = 256
"""A set feature with a larger vocabulary is multiplied as sparse, not folded into BLAS."""


def _cosine_rows(matrix: sp.csr_matrix) -> sp.csr_matrix:
    counts = np.asarray(matrix.getnnz(axis=1), dtype=np.float32)
    scale = np.float32(1.0) / np.sqrt(np.maximum(counts, np.float32(1.0)))
    return sp.csr_matrix(sp.diags(scale) @ matrix)


class FastScorer:
    """Total scores of blocks of mentees against every mentor, from the registry's parts.

    Parameters
    ----------
    problem : Problem
        The prepared people, features and config.
    """

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        config = problem.config
        weights = problem.weights
        w_sum = problem.weight_sum
        self.scale = {name: np.float32(value / w_sum) for name, value in weights.items()}
        self.rules = config.constraints
        self.categorical = [
            c for c in REGISTRY if isinstance(c.fast, Categorical) and c.name in self.scale
        ]

        # categorical part: level, two UTC offsets, diversity codes, language set
        attributes = list(problem.diversity_rules) if "diversity" in weights else []
        self.attributes = attributes
        mentee_columns = [problem.mentee_level.astype(np.float64), *problem.mentee_tz.T]
        mentor_columns = [problem.mentor_level.astype(np.float64), *problem.mentor_tz.T]
        for attribute in attributes:
            mentee_codes, mentor_codes = problem.attribute_codes[attribute]
            mentee_columns.append(np.where(mentee_codes >= 0, mentee_codes, np.nan))
            mentor_columns.append(np.where(mentor_codes >= 0, mentor_codes, np.nan))
        self.use_language = "language" in weights or self.rules.require_language
        if self.use_language:
            mentee_columns.append(problem.language_sets.mentee.astype(np.float64))
            mentor_columns.append(problem.language_sets.mentor.astype(np.float64))
        mentee_matrix = np.stack(mentee_columns, axis=1)
        mentor_matrix = np.stack(mentor_columns, axis=1)
        mentee_unique, self.mentee_code = _unique_rows(mentee_matrix)
        mentor_unique, self.mentor_code = _unique_rows(mentor_matrix)
        self.table: Float32Array | None = None
        if len(mentee_unique) * len(mentor_unique) <= TABLE_LIMIT:
            self.table = self._categorical(mentee_unique[:, None, :], mentor_unique[None, :, :])
        self.mentee_matrix, self.mentor_matrix = mentee_matrix, mentor_matrix

        # linear criteria: one BLAS product of weighted, normalised features
        dense_e: list[sp.csr_matrix] = []
        dense_m: list[sp.csr_matrix] = []
        self.sparse_parts: list[tuple[sp.csr_matrix, sp.csr_matrix]] = []
        self.open_parts: list[tuple[np.float32, BoolArray, BoolArray]] = []
        for criterion in REGISTRY:
            part = criterion.fast
            if not isinstance(part, Linear) or criterion.name not in self.scale:
                continue
            feature = problem.features[criterion.name]
            mentee, mentor = feature.mentee_sparse, feature.mentor_sparse
            if part.cosine:
                mentee, mentor = _cosine_rows(mentee), _cosine_rows(mentor)
            mentee = sp.csr_matrix(mentee * self.scale[criterion.name], dtype=np.float32)
            if mentee.shape[1] <= SPARSE_VOCABULARY:
                dense_e.append(mentee)
                dense_m.append(sp.csr_matrix(mentor, dtype=np.float32))
            else:
                self.sparse_parts.append((mentee, sp.csr_matrix(mentor.T, dtype=np.float32)))
            if part.open_scores_one:
                self.open_parts.append(
                    (
                        self.scale[criterion.name],
                        feature.mentee_count == 0,
                        feature.mentor_count == 0,
                    )
                )
        self.linear_e: Float32Array | None = None
        self.linear_m_t: Float32Array | None = None
        if dense_e:
            self.linear_e = np.ascontiguousarray(sp.hstack(dense_e).toarray(), dtype=np.float32)
            self.linear_m_t = np.ascontiguousarray(sp.hstack(dense_m).toarray().T, dtype=np.float32)

    def _categorical(self, e: Float64Array, m: Float64Array) -> Float32Array:
        """Weighted sum of the categorical criteria, INFEASIBLE where a constraint fails.

        Parameters
        ----------
        e, m : Float64Array, shape (..., columns)
            Mentee and mentor categorical columns (level, two UTC offsets, diversity
            codes, language set), broadcastable against each other.

        Returns
        -------
        Float32Array, shape: the broadcast of e's and m's leading axes.
        """
        problem = self.problem
        total = np.zeros(np.broadcast_shapes(e.shape[:-1], m.shape[:-1]), dtype=np.float32)
        gap = (e[..., 0] - m[..., 0]).astype(np.float32)
        distance: Float32Array | None = None
        for season in (1, 2):
            diff = np.abs(e[..., season].astype(np.float32) - m[..., season].astype(np.float32))
            diff = np.minimum(diff, 24.0 - diff)
            distance = diff if distance is None else np.maximum(distance, diff)
        assert distance is not None
        rules = problem.config.constraints
        bad = gap < rules.min_level_gap
        if rules.max_tz_hours is not None:
            bad |= distance > rules.max_tz_hours + 1e-6
        known = shared = np.zeros(total.shape, dtype=bool)
        if self.use_language:
            a_set = e[..., -1].astype(np.int64)
            b_set = m[..., -1].astype(np.int64)
            known = (a_set >= 0) & (b_set >= 0)
            shared_table = problem.language_sets.shared
            if shared_table.size:
                shared = known & shared_table[np.maximum(a_set, 0), np.maximum(b_set, 0)]
            if rules.require_language:
                bad |= ~shared
        categories = Categories(
            gap=gap,
            distance=distance,
            attributes={
                attribute: (e[..., 3 + k], m[..., 3 + k])
                for k, attribute in enumerate(self.attributes)
            },
            diversity_rules=problem.diversity_rules,
            target_level_gap=problem.config.target_level_gap,
            language_known=known,
            language_shared=shared,
        )
        for criterion in self.categorical:
            assert isinstance(criterion.fast, Categorical)
            total += self.scale[criterion.name] * criterion.fast.formula(categories)
        total[bad] = INFEASIBLE
        return total

    def cross(self, rows: IntArray) -> Float32Array:
        """Total scores of a block of mentees against every mentor.

        Parameters
        ----------
        rows : IntArray, shape (r,)
            Mentee indices.

        Returns
        -------
        Float32Array, shape (r, mentors)
            Weighted-mean scores in [0, 1]; ``INFEASIBLE`` marks ruled-out pairs.
        """
        problem = self.problem
        if self.table is not None:
            total = np.take(self.table[self.mentee_code[rows]], self.mentor_code, axis=1)
        else:
            total = self._categorical(
                self.mentee_matrix[rows][:, None, :], self.mentor_matrix[None, :, :]
            )
        if self.linear_e is not None and self.linear_m_t is not None:
            total += self.linear_e[rows] @ self.linear_m_t
        for mentee, mentor_t in self.sparse_parts:
            total += (mentee[rows] @ mentor_t).toarray()
        for weight, open_mentees, open_mentors in self.open_parts:
            open_rows = open_mentees[rows]
            if open_rows.any():
                total[open_rows] += weight
            if open_mentors.any():
                total[np.ix_(~open_rows, open_mentors)] += weight
        for matrix, active in (
            (problem.same_person, True),
            (problem.chains.conflicts, self.rules.reporting_line),
            (problem.excluded, True),
        ):
            if not active or matrix.nnz == 0:
                continue
            coo = matrix[rows].tocoo()
            total[coo.row, coo.col] = INFEASIBLE
        if self.rules.same_manager:
            a_code = problem.mentee_manager[rows][:, None]
            same = (a_code == problem.mentor_manager[None, :]) & (a_code >= 0)
            np.copyto(total, INFEASIBLE, where=same)
        return total
