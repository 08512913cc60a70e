"""Turn people into arrays once, so that every criterion is a vectorised expression."""

from __future__ import annotations

import datetime as dt
import math
import re
import zoneinfo
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from .model import PRIORITIES, MatchInputError, Mentee, Mentor, OrgChart, Person

FloatArray = NDArray[np.float32]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

DENSE_VOCABULARY = 96
"""Set features with at most this many distinct values use BLAS; larger ones use sparse."""

_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "being",
        "but",
        "by",
        "can",
        "could",
        "do",
        "for",
        "from",
        "get",
        "has",
        "have",
        "how",
        "i",
        "in",
        "into",
        "is",
        "it",
        "its",
        "me",
        "more",
        "my",
        "of",
        "on",
        "or",
        "our",
        "so",
        "than",
        "that",
        "the",
        "their",
        "them",
        "they",
        "this",
        "to",
        "up",
        "us",
        "want",
        "was",
        "we",
        "were",
        "what",
        "when",
        "which",
        "who",
        "will",
        "with",
        "would",
        "you",
        "your",
    ]
)
_WORD = re.compile(r"[^\W_]{2,}")


def normalise(value: str) -> str:
    """Case-folded, trimmed, single-spaced: the key used to compare list items."""
    return " ".join(value.split()).casefold()


class Vocabulary:
    """Maps normalised values to column numbers and remembers a display spelling."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.display: list[str] = []
        self.seen: dict[str, int | None] = {}

    def add(self, value: str) -> int | None:
        known = self.seen.get(value, -1)
        if known != -1:
            return known
        found = self._add(value)
        self.seen[value] = found
        return found

    def _add(self, value: str) -> int | None:
        key = normalise(value)
        if not key:
            return None
        found = self.index.get(key)
        if found is None:
            found = self.index[key] = len(self.display)
            self.display.append(" ".join(value.split()))
        return found

    def get(self, value: str) -> int | None:
        return self.index.get(normalise(value))

    def __len__(self) -> int:
        return len(self.display)


class SetFeature:
    """A bag of items per person on both sides, as two (people x vocabulary) matrices.

    Weighted values (skill levels, priorities) are allowed. ``cross`` returns the matrix of
    row-by-row dot products; ``paired`` the dot products of matching positions.
    """

    def __init__(self, mentee: sp.csr_matrix, mentor: sp.csr_matrix, vocab: Vocabulary) -> None:
        self.vocab = vocab
        self.mentee_sparse = mentee
        self.mentor_sparse = mentor
        self.dense = mentee.shape[1] <= DENSE_VOCABULARY
        self.mentee_dense: FloatArray | None = None
        self.mentor_dense_t: FloatArray | None = None
        if self.dense:
            self.mentee_dense = np.asarray(mentee.toarray(), dtype=np.float32)
            self.mentor_dense_t = np.ascontiguousarray(mentor.toarray().T, dtype=np.float32)
        self.mentor_sparse_t = mentor.T.tocsr()
        self.mentee_count = np.asarray((mentee > 0).sum(axis=1), dtype=np.float32).ravel()
        self.mentor_count = np.asarray((mentor > 0).sum(axis=1), dtype=np.float32).ravel()

    def cross(self, rows: IntArray) -> FloatArray:
        if self.mentee_dense is not None and self.mentor_dense_t is not None:
            return self.mentee_dense[rows] @ self.mentor_dense_t
        product = self.mentee_sparse[rows] @ self.mentor_sparse_t
        return np.asarray(product.toarray(), dtype=np.float32)

    def paired(self, rows: IntArray, cols: IntArray) -> FloatArray:
        product = self.mentee_sparse[rows].multiply(self.mentor_sparse[cols])
        return np.asarray(product.sum(axis=1), dtype=np.float32).ravel()

    def items(self, side: str, person: int) -> list[int]:
        matrix = self.mentee_sparse if side == "mentee" else self.mentor_sparse
        start, end = matrix.indptr[person], matrix.indptr[person + 1]
        return [int(i) for i in matrix.indices[start:end]]


def _csr(rows: list[list[int]], values: list[list[float]] | None, width: int) -> sp.csr_matrix:
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    indptr[1:] = np.cumsum([len(r) for r in rows])
    indices = np.fromiter((i for r in rows for i in r), dtype=np.int64, count=int(indptr[-1]))
    if values is None:
        data = np.ones(len(indices), dtype=np.float32)
    else:
        data = np.fromiter((v for r in values for v in r), dtype=np.float32, count=len(indices))
    matrix = sp.csr_matrix((data, indices, indptr), shape=(len(rows), max(width, 1)))
    matrix.sum_duplicates()
    matrix.sort_indices()
    return matrix


def set_feature(
    mentee_items: Sequence[Iterable[str]], mentor_items: Sequence[Iterable[str]]
) -> SetFeature:
    """Plain sets (interests, slots, formats, ERGs, languages)."""
    vocab = Vocabulary()
    encoded: list[list[list[int]]] = []
    for side in (mentee_items, mentor_items):
        rows = []
        for items in side:
            ids = {i for i in (vocab.add(item) for item in items) if i is not None}
            rows.append(sorted(ids))
        encoded.append(rows)
    width = len(vocab)
    return SetFeature(_csr(encoded[0], None, width), _csr(encoded[1], None, width), vocab)


def skill_feature(mentees: Sequence[Mentee], mentors: Sequence[Mentor]) -> SetFeature:
    """Mentee rows: priority weights normalised to sum 1. Mentor rows: level / 3."""
    vocab = Vocabulary()
    mentee_rows: list[list[int]] = []
    mentee_values: list[list[float]] = []
    for mentee in mentees:
        wanted: dict[int, float] = {}
        for topic, priority in mentee.wants.items():
            index = vocab.add(topic)
            if index is None:
                continue
            weight = PRIORITIES.get(str(priority).strip().casefold() or "medium")
            if weight is None:
                raise MatchInputError(
                    f"mentee {mentee.id}: priority {priority!r} for {topic!r} is not one of "
                    "low, medium, high"
                )
            wanted[index] = float(weight)
        total = sum(wanted.values())
        ordered = sorted(wanted)
        mentee_rows.append(ordered)
        mentee_values.append([wanted[i] / total for i in ordered])
    mentor_rows: list[list[int]] = []
    mentor_values: list[list[float]] = []
    for mentor in mentors:
        offered: dict[int, float] = {}
        for topic, level in mentor.skills.items():
            if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 3:
                raise MatchInputError(
                    f"mentor {mentor.id}: skill level {level!r} for {topic!r} must be 1, 2 or 3"
                )
            index = vocab.get(topic)  # skills nobody wants cannot score
            if index is not None:
                offered[index] = max(offered.get(index, 0.0), level / 3.0)
        ordered = sorted(offered)
        mentor_rows.append(ordered)
        mentor_values.append([offered[i] for i in ordered])
    width = len(vocab)
    return SetFeature(
        _csr(mentee_rows, mentee_values, width), _csr(mentor_rows, mentor_values, width), vocab
    )


def goal_feature(mentee_goals: Sequence[str], mentor_goals: Sequence[str]) -> SetFeature:
    """TF-IDF (sublinear term frequency, smooth idf, L2-normalised) over both sides' goals.

    Terms used on one side only cannot add to a cosine across sides, so they are dropped
    after normalisation; this keeps the products sparse.
    """
    vocab = Vocabulary()
    docs: list[dict[int, int]] = []
    for text in (*mentee_goals, *mentor_goals):
        counts: dict[int, int] = {}
        for word in _WORD.findall(text.casefold()):
            if word in _STOPWORDS:
                continue
            index = vocab.add(word)
            if index is not None:
                counts[index] = counts.get(index, 0) + 1
        docs.append(counts)
    width = max(len(vocab), 1)
    rows = [sorted(d) for d in docs]
    tf = [[1.0 + math.log(docs[n][i]) for i in row] for n, row in enumerate(rows)]
    matrix = _csr(rows, tf, width)
    df = np.bincount(matrix.indices, minlength=width).astype(np.float64)
    idf = np.log((1.0 + len(docs)) / (1.0 + df)) + 1.0
    matrix = sp.csr_matrix(matrix.multiply(idf.astype(np.float32)[None, :]))
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    matrix = sp.csr_matrix(matrix.multiply((1.0 / norms).astype(np.float32)[:, None]))
    split = len(mentee_goals)
    mentee_part = matrix[:split]
    mentor_part = matrix[split:]
    both = (np.bincount(mentee_part.indices, minlength=width) > 0) & (
        np.bincount(mentor_part.indices, minlength=width) > 0
    )
    keep = sp.diags(both.astype(np.float32))
    mentee_part = sp.csr_matrix(mentee_part @ keep)
    mentor_part = sp.csr_matrix(mentor_part @ keep)
    mentee_part.eliminate_zeros()
    mentor_part.eliminate_zeros()
    feature = SetFeature(mentee_part.astype(np.float32), mentor_part.astype(np.float32), vocab)
    feature.dense = False  # vocabularies of free text are large; never densify
    feature.mentee_dense = None
    feature.mentor_dense_t = None
    return feature


def codes(values: Sequence[str]) -> tuple[IntArray, list[str]]:
    """Integer codes per normalised value; -1 for empty."""
    vocab = Vocabulary()
    out = np.full(len(values), -1, dtype=np.int64)
    for n, value in enumerate(values):
        index = vocab.add(value)
        if index is not None:
            out[n] = index
    return out, vocab.display


_REFERENCE_DAYS = (dt.datetime(2025, 1, 15, 12), dt.datetime(2025, 7, 15, 12))


def utc_offsets(people: Sequence[Person], role: str) -> NDArray[np.float64]:
    """(people, 2) UTC offsets in hours on 15 January and 15 July; NaN when unknown."""
    cache: dict[str, tuple[float, float]] = {}
    out = np.full((len(people), 2), np.nan)
    for n, person in enumerate(people):
        name = person.timezone.strip()
        if not name:
            continue
        if name not in cache:
            try:
                zone = zoneinfo.ZoneInfo(name)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
                raise MatchInputError(
                    f"{role} {person.id}: unknown time zone {name!r} (use an IANA name such "
                    "as Europe/London)"
                ) from error
            pair = []
            for day in _REFERENCE_DAYS:
                offset = zone.utcoffset(day)
                pair.append(0.0 if offset is None else offset.total_seconds() / 3600)
            cache[name] = (pair[0], pair[1])
        out[n] = cache[name]
    return out


@dataclass
class Chains:
    """Reporting-line conflicts between every mentee (rows) and mentor (columns)."""

    conflicts: sp.csr_matrix  # bool (mentees, mentors): one is in the other's chain
    mentee_chain: list[list[str]]
    mentor_chain: list[list[str]]


def _chain(person_id: str, managers: Mapping[str, str]) -> list[str]:
    chain: list[str] = []
    seen = {person_id}
    current = managers.get(person_id, "")
    while current and current not in seen:
        chain.append(current)
        seen.add(current)
        current = managers.get(current, "")
    return chain


def manager_map(
    mentees: Sequence[Mentee], mentors: Sequence[Mentor], org: OrgChart | None
) -> dict[str, str]:
    """The org chart where given; people's own ``manager_id`` fills in everyone else."""
    managers: dict[str, str] = {}
    for person in (*mentors, *mentees):
        if person.manager_id.strip():
            managers[person.id] = person.manager_id.strip()
    if org is not None:
        for person_id, manager_id in org.managers.items():
            managers[person_id] = manager_id.strip()
    return managers


def chains(
    mentees: Sequence[Mentee], mentors: Sequence[Mentor], managers: Mapping[str, str]
) -> Chains:
    mentee_chain = [_chain(p.id, managers) for p in mentees]
    mentor_chain = [_chain(p.id, managers) for p in mentors]
    mentor_index = {p.id: n for n, p in enumerate(mentors)}
    mentee_index = {p.id: n for n, p in enumerate(mentees)}
    rows: list[int] = []
    cols: list[int] = []
    for row, chain in enumerate(mentee_chain):  # a mentor above the mentee
        for ancestor in chain:
            col = mentor_index.get(ancestor)
            if col is not None:
                rows.append(row)
                cols.append(col)
    for col, chain in enumerate(mentor_chain):  # a mentee above the mentor
        for ancestor in chain:
            above = mentee_index.get(ancestor)
            if above is not None:
                rows.append(above)
                cols.append(col)
    conflicts = sp.csr_matrix(
        (np.ones(len(rows), dtype=bool), (np.asarray(rows, dtype=np.int64), cols)),
        shape=(len(mentees), len(mentors)),
        dtype=bool,
    )
    return Chains(conflicts, mentee_chain, mentor_chain)


def pair_matrix(pairs: Iterable[tuple[int, int]], shape: tuple[int, int]) -> sp.csr_matrix:
    """A boolean (mentees, mentors) matrix with ones at the given positions."""
    items = list(pairs)
    rows = np.asarray([p[0] for p in items], dtype=np.int64)
    cols = np.asarray([p[1] for p in items], dtype=np.int64)
    matrix = sp.csr_matrix((np.ones(len(items), dtype=bool), (rows, cols)), shape=shape, dtype=bool)
    matrix.sum_duplicates()
    return matrix
