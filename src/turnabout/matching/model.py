"""Plain input and output types of the matching engine.

The Django ``pairing`` app converts database rows into these dataclasses; the CLI builds
them from CSV files. Nothing here knows about storage.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from .criteria import Reason

PRIORITIES: dict[str, int] = {"low": 1, "medium": 2, "high": 3}


class MatchInputError(ValueError):
    """The people, the org chart or the locked pairs cannot be matched as given."""


@dataclass(frozen=True)
class Person:
    """Fields shared by mentors and mentees.

    Lists are compared case-insensitively after trimming; an empty value means "not stated".
    ``level`` is the grade (a higher number is more senior). ``timezone`` is an IANA name
    such as ``Europe/London``. ``exclude`` lists ids of people never to be paired with.
    ``waiting_days`` (how long the person has waited for a match) only breaks ties.
    """

    id: str
    name: str = ""
    email: str = ""
    level: int = 0
    department: str = ""
    location: str = ""
    timezone: str = ""
    languages: Sequence[str] = ()
    manager_id: str = ""
    interests: Sequence[str] = ()
    goals: str = ""
    formats: Sequence[str] = ()
    availability: Sequence[str] = ()
    ergs: Sequence[str] = ()
    exclude: Sequence[str] = ()
    generation: str = ""
    waiting_days: int = 0


@dataclass(frozen=True)
class Mentor(Person):
    """A (junior) mentor. ``skills`` maps a topic to a level 1-3; ``capacity`` >= 1."""

    skills: Mapping[str, int] = field(default_factory=dict)
    capacity: int = 1


@dataclass(frozen=True)
class Mentee(Person):
    """A (senior) mentee. ``wants`` maps a topic to a priority: low, medium or high."""

    wants: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class OrgChart:
    """An HR export: person id -> direct manager id (empty or missing for the top)."""

    managers: Mapping[str, str]


@dataclass(frozen=True)
class LockedPair:
    """A pair the program manager fixed by hand; kept as is, the rest is matched around it."""

    mentor_id: str
    mentee_id: str


# --- results ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Pair:
    """One proposed (or locked) pair.

    ``breakdown`` holds each active criterion's score in [0, 1]; ``contributions`` holds
    weight x score / sum of weights, so the contributions add up to ``score``. ``reasons``
    are the criteria worth mentioning, best contribution first, as codes with parameters
    (``explain.reason_text`` puts one in English). ``violations`` names the hard
    constraints a locked pair breaks (codes from ``turnabout.matching.CONSTRAINTS``:
    "level", "reporting_line", ...); empty otherwise.
    """

    mentor_id: str
    mentee_id: str
    score: float
    breakdown: dict[str, float]
    contributions: dict[str, float]
    reasons: list[Reason]
    locked: bool = False
    violations: tuple[str, ...] = ()


@dataclass(frozen=True)
class Unmatched:
    """A person left without a match, and why (``role`` is "mentor" or "mentee").

    ``reason`` is a code with parameters (codes ``unmatched.*``, see ``explain``)."""

    id: str
    role: Literal["mentor", "mentee"]
    reason: Reason


@dataclass(frozen=True)
class Quality:
    """Figures for judging a matching.

    ``blocking_pairs``: feasible, unused pairs whose two people both prefer each other to
    what they got (in sparse mode, counted among the candidate pairs). ``gap_to_dense``:
    relative shortfall of a sparse solve against the dense optimum (``dense_total``), when
    the dense problem was solved as well (``MatchConfig.compare_dense``).

    ``certified``: for a sparse solve, whether the certificate proved the result optimal
    for the whole problem (every pair, not only the candidates); ``gap_bound``: otherwise
    an upper bound on how much the total score could still improve (0 when certified);
    ``certify_rounds``: how many times improving pairs were added and the problem solved
    again. ``solver``: which exact solver ran.
    """

    matched: int
    mentees: int
    mentors: int
    total_score: float
    mean_score: float
    min_score: float
    blocking_pairs: int
    mode: str
    candidate_pairs: int
    fairness_threshold: float | None = None
    dense_total: float | None = None
    gap_to_dense: float | None = None
    seconds: float = 0.0
    certified: bool | None = None
    gap_bound: float | None = None
    certify_rounds: int = 0
    solver: str = ""

    @property
    def verdict(self) -> str:
        """``optimal`` (dense), ``optimal (certified)``, or the certified bound of the gap."""
        if self.mode == "dense":
            return "optimal"
        if self.certified:
            return "optimal (certified)"
        if self.fairness_threshold is not None:
            return "not certified (the fairness floor is found among the candidates)"
        if self.gap_bound is None:
            return "not certified"
        return f"within {self.gap_bound:.6f} of the optimum (certified bound)"


@dataclass(frozen=True)
class MatchResult:
    pairs: list[Pair]
    unmatched: list[Unmatched]
    quality: Quality
