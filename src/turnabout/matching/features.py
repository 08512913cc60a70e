"""Turn people into arrays once, so that every criterion is a vectorised expression."""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
import zoneinfo
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import numpy as np
import scipy.sparse as sp

from ._types import Float32Array, Float64Array, IntArray
from .model import PRIORITIES, MatchInputError, Mentee, Mentor, OrgChart, Person

T = TypeVar("T")

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


def goal_words(text: str) -> list[str]:
    """The words of a text for TF-IDF: runs of 2+ letters or digits, case-folded."""
    folded = text.casefold()
    parts = folded.split()
    if "".join(parts).isalnum():  # the common case: nothing but words and spaces
        return [part for part in parts if len(part) > 1]
    return _WORD.findall(folded)


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

    def add_all(self, values: Sequence[str]) -> IntArray:
        """``add`` for many values at once: their column numbers, -1 for empty ones."""
        found = {v: -1 if (i := self.add(v)) is None else i for v in dict.fromkeys(values)}
        return np.fromiter(map(found.__getitem__, values), dtype=np.int64, count=len(values))

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
        self.mentee_dense: Float32Array | None = None
        self.mentor_dense_t: Float32Array | None = None
        if self.dense:
            self.mentee_dense = np.asarray(mentee.toarray(), dtype=np.float32)
            self.mentor_dense_t = np.ascontiguousarray(mentor.toarray().T, dtype=np.float32)
        self.mentor_sparse_t = mentor.T.tocsr()
        self.mentee_count = np.asarray((mentee > 0).sum(axis=1), dtype=np.float32).ravel()
        self.mentor_count = np.asarray((mentor > 0).sum(axis=1), dtype=np.float32).ravel()

    def cross(self, rows: IntArray) -> Float32Array:
        if self.mentee_dense is not None and self.mentor_dense_t is not None:
            return self.mentee_dense[rows] @ self.mentor_dense_t
        product = self.mentee_sparse[rows] @ self.mentor_sparse_t
        return np.asarray(product.toarray(), dtype=np.float32)

    def paired(self, rows: IntArray, cols: IntArray) -> Float32Array:
        product = self.mentee_sparse[rows].multiply(self.mentor_sparse[cols])
        return np.asarray(product.sum(axis=1), dtype=np.float32).ravel()

    def items(self, side: str, person: int) -> list[int]:
        matrix = self.mentee_sparse if side == "mentee" else self.mentor_sparse
        start, end = matrix.indptr[person], matrix.indptr[person + 1]
        return [int(i) for i in matrix.indices[start:end]]


def _csr(indptr: IntArray, indices: IntArray, data: Float32Array, width: int) -> sp.csr_matrix:
    matrix = sp.csr_matrix((data, indices, indptr), shape=(len(indptr) - 1, max(width, 1)))
    matrix.sum_duplicates()
    matrix.sort_indices()
    return matrix


_SIZED = (list, tuple, dict)


def _flatten(groups: Sequence[Iterable[T]]) -> tuple[list[T], IntArray]:
    """Every item of every group in order, and the number of the group it is in."""
    sized = [cast("Collection[T]", g) if type(g) in _SIZED else list(g) for g in groups]
    lengths = np.fromiter(map(len, sized), dtype=np.int64, count=len(sized))
    flat = list(itertools.chain.from_iterable(sized))
    return flat, np.repeat(np.arange(len(sized), dtype=np.int64), lengths)


def _entries(
    owner: IntArray, columns: IntArray, n_rows: int, width: int
) -> tuple[IntArray, IntArray, IntArray, IntArray]:
    """Distinct (row, column) entries sorted by row then column, skipping columns < 0.

    Returns the CSR ``indptr``, the columns, the rows, and the input position of each
    entry's last occurrence (so that an item listed twice keeps its last value).
    """
    keep = np.flatnonzero(columns >= 0)[::-1]
    keys, last = np.unique(owner[keep] * max(width, 1) + columns[keep], return_index=True)
    rows = keys // max(width, 1)
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    indptr[1:] = np.cumsum(np.bincount(rows, minlength=n_rows))
    return indptr, keys % max(width, 1), rows, keep[last]


def _set_matrix(owner: IntArray, columns: IntArray, n_rows: int, width: int) -> sp.csr_matrix:
    indptr, indices, _, _ = _entries(owner, columns, n_rows, width)
    return _csr(indptr, indices, np.ones(len(indices), dtype=np.float32), width)


def set_feature(
    mentee_items: Sequence[Iterable[str]], mentor_items: Sequence[Iterable[str]]
) -> SetFeature:
    """Plain sets (interests, slots, formats, ERGs, languages)."""
    vocab = Vocabulary()
    mentee_flat, mentee_owner = _flatten(mentee_items)
    mentor_flat, mentor_owner = _flatten(mentor_items)
    mentee_columns = vocab.add_all(mentee_flat)
    mentor_columns = vocab.add_all(mentor_flat)
    width = len(vocab)
    return SetFeature(
        _set_matrix(mentee_owner, mentee_columns, len(mentee_items), width),
        _set_matrix(mentor_owner, mentor_columns, len(mentor_items), width),
        vocab,
    )


def _priority_weights(
    mentees: Sequence[Mentee],
    owner: IntArray,
    topics: list[str],
    priorities: list[str],
    columns: IntArray,
) -> Float64Array:
    """Each wanted topic's priority as a weight (1-3); raises on an unknown priority."""
    weight_of = {
        p: PRIORITIES.get(str(p).strip().casefold() or "medium") for p in dict.fromkeys(priorities)
    }
    weights = [weight_of[p] for p in priorities]
    for n, weight in enumerate(weights):
        if weight is None and columns[n] >= 0:  # topics without a name are skipped
            raise MatchInputError(
                f"mentee {mentees[owner[n]].id}: priority {priorities[n]!r} for {topics[n]!r} "
                "is not one of low, medium, high"
            )
    return np.asarray([w or 0 for w in weights], dtype=np.float64)


def _check_levels(mentors: Sequence[Mentor], levels: list[Any]) -> None:
    if set(map(type, levels)) <= {int} and (not levels or 1 <= min(levels) <= max(levels) <= 3):
        return
    for mentor in mentors:
        for topic, level in mentor.skills.items():
            if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 3:
                raise MatchInputError(
                    f"mentor {mentor.id}: skill level {level!r} for {topic!r} must be 1, 2 or 3"
                )


def skill_feature(mentees: Sequence[Mentee], mentors: Sequence[Mentor]) -> SetFeature:
    """Mentee rows: priority weights normalised to sum 1. Mentor rows: level / 3."""
    vocab = Vocabulary()
    wants = [m.wants for m in mentees]
    topics, owner = _flatten(wants)
    priorities = list(itertools.chain.from_iterable(w.values() for w in wants))
    columns = vocab.add_all(topics)
    weights = _priority_weights(mentees, owner, topics, priorities, columns)
    width = len(vocab)
    indptr, indices, rows, last = _entries(owner, columns, len(mentees), width)
    wanted = weights[last]  # a topic listed twice keeps its last priority
    totals = np.bincount(rows, weights=wanted, minlength=len(mentees))
    mentee_matrix = _csr(indptr, indices, (wanted / totals[rows]).astype(np.float32), width)

    skills = [m.skills for m in mentors]
    topics, owner = _flatten(skills)
    levels = list(itertools.chain.from_iterable(s.values() for s in skills))
    _check_levels(mentors, levels)
    known = {t: -1 if (i := vocab.get(t)) is None else i for t in dict.fromkeys(topics)}
    columns = np.fromiter(map(known.__getitem__, topics), dtype=np.int64, count=len(topics))
    indptr, indices, rows, _ = _entries(owner, columns, len(mentors), width)
    best = np.zeros(len(indices), dtype=np.float64)  # skills nobody wants cannot score
    if len(indices):
        used = columns >= 0
        key = max(width, 1)
        slot = np.searchsorted(rows * key + indices, (owner * key + columns)[used])
        np.maximum.at(best, slot, np.asarray(levels, dtype=np.float64)[used] / 3.0)
    mentor_matrix = _csr(indptr, indices, best.astype(np.float32), width)
    return SetFeature(mentee_matrix, mentor_matrix, vocab)


def goal_feature(mentee_goals: Sequence[str], mentor_goals: Sequence[str]) -> SetFeature:
    """TF-IDF (sublinear term frequency, smooth idf, L2-normalised) over both sides' goals.

    Terms used on one side only cannot add to a cosine across sides, so they are dropped
    after normalisation; this keeps the products sparse.
    """
    vocab = Vocabulary()
    docs = (*mentee_goals, *mentor_goals)
    tokens, owner = _flatten([goal_words(text) for text in docs])
    found = {
        w: -1 if w in _STOPWORDS or (i := vocab.add(w)) is None else i
        for w in dict.fromkeys(tokens)
    }
    columns = np.fromiter(map(found.__getitem__, tokens), dtype=np.int64, count=len(tokens))
    width = max(len(vocab), 1)
    n_docs = len(docs)
    used = columns >= 0
    keys, counts = np.unique(owner[used] * width + columns[used], return_counts=True)
    rows = keys // width
    indptr = np.zeros(n_docs + 1, dtype=np.int64)
    indptr[1:] = np.cumsum(np.bincount(rows, minlength=n_docs))
    sublinear = np.asarray(
        [0.0] + [1.0 + math.log(c) for c in range(1, int(counts.max(initial=0)) + 1)]
    )
    matrix = _csr(indptr, keys % width, sublinear[counts].astype(np.float32), width)
    df = np.bincount(matrix.indices, minlength=width).astype(np.float64)
    idf = np.log((1.0 + n_docs) / (1.0 + df)) + 1.0
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
    return vocab.add_all(values), vocab.display


# Wall-clock days on purpose: ZoneInfo.utcoffset reads them as local time in each zone.
_REFERENCE_DAYS = (dt.datetime(2025, 1, 15, 12), dt.datetime(2025, 7, 15, 12))  # noqa: DTZ001


def utc_offsets(people: Sequence[Person], role: str) -> Float64Array:
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


def _chain(person_id: str, managers: Mapping[str, str], done: dict[str, list[str]]) -> list[str]:
    """Everyone above a person, nearest first, stopping at the top or at a loop.

    ``done`` keeps the chains that reached the top: a chain that runs into one of them
    can copy the rest, which cannot loop back (it reaches the top without repeating).
    """
    chain: list[str] = []
    seen = {person_id}
    current = managers.get(person_id, "")
    while current and current not in seen:
        chain.append(current)
        rest = done.get(current)
        if rest is not None:
            chain.extend(rest)
            break
        seen.add(current)
        current = managers.get(current, "")
    else:
        if current:
            return chain  # stopped at a loop: not reusable
    done[person_id] = chain
    return list(chain)


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
    done: dict[str, list[str]] = {}
    mentee_chain = [_chain(p.id, managers, done) for p in mentees]
    mentor_chain = [_chain(p.id, managers, done) for p in mentors]
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
