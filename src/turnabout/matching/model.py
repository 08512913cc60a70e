"""Plain input and output types of the matching engine.

The Django ``pairing`` app converts database rows into these dataclasses; the CLI builds
them from CSV files. Nothing here knows about storage.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, Literal

CRITERIA: tuple[str, ...] = (
    "skills",
    "interests",
    "goals",
    "availability",
    "timezone",
    "format",
    "seniority",
    "diversity",
    "affinity",
    "language",
)
"""Every criterion, in the order used for output columns."""

DIVERSITY_ATTRIBUTES: tuple[str, ...] = ("department", "location", "generation")
PRIORITIES: dict[str, int] = {"low": 1, "medium": 2, "high": 3}

Objective = Literal["max_matched", "max_score"]
Mode = Literal["auto", "dense", "sparse"]
DiversityRule = Literal["prefer_different", "prefer_same", "ignore"]
AffinityRule = Literal["prefer_same", "ignore"]


class MatchConfigError(ValueError):
    """A configuration value is missing, of the wrong type or out of range.

    ``key`` is the dotted path of the offending key, e.g. ``weights.skills``.
    """

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key}: {message}")
        self.key = key


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


@dataclass(frozen=True)
class Weights:
    """Weight of each criterion in the weighted mean (0 turns a criterion off)."""

    skills: float = 3.0
    interests: float = 1.0
    goals: float = 1.0
    availability: float = 1.0
    timezone: float = 0.5
    format: float = 0.5
    seniority: float = 1.0
    diversity: float = 1.0
    affinity: float = 0.5
    language: float = 0.5

    def as_dict(self) -> dict[str, float]:
        return {name: float(getattr(self, name)) for name in CRITERIA}


@dataclass(frozen=True)
class Constraints:
    """Hard constraints: a pair that breaks one is never proposed."""

    min_level_gap: int = 1
    reporting_line: bool = True
    same_manager: bool = False
    max_tz_hours: float | None = None
    require_language: bool = False
    mentors_per_mentee: int = 1


def _default_diversity() -> dict[str, DiversityRule]:
    return {"department": "prefer_different", "location": "ignore", "generation": "ignore"}


@dataclass(frozen=True)
class MatchConfig:
    """Everything a program can tune. ``MatchConfig()`` gives the documented defaults."""

    weights: Weights = field(default_factory=Weights)
    constraints: Constraints = field(default_factory=Constraints)
    diversity: Mapping[str, DiversityRule] = field(default_factory=_default_diversity)
    affinity: AffinityRule = "prefer_same"
    target_level_gap: int = 2
    objective: Objective = "max_matched"
    fairness: bool = False
    mode: Mode = "auto"
    top_k: int = 20
    dense_limit: int = 3000

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> MatchConfig:
        """Build and validate a config from a dict (a parsed ``match.toml`` or a JSON field).

        Missing keys take their defaults; unknown keys and bad values raise
        ``MatchConfigError`` naming the key.
        """
        return _config_from_mapping(data)

    def to_mapping(self) -> dict[str, Any]:
        """The inverse of ``from_mapping``: a JSON- and TOML-friendly dict."""
        constraints = {f.name: getattr(self.constraints, f.name) for f in fields(Constraints)}
        if constraints["max_tz_hours"] is None:
            del constraints["max_tz_hours"]
        return {
            "objective": self.objective,
            "fairness": self.fairness,
            "mode": self.mode,
            "top_k": self.top_k,
            "dense_limit": self.dense_limit,
            "target_level_gap": self.target_level_gap,
            "affinity": self.affinity,
            "weights": self.weights.as_dict(),
            "constraints": constraints,
            "diversity": dict(self.diversity),
        }


# --- validation -------------------------------------------------------------------------


def _check_mapping(value: Any, key: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise MatchConfigError(key, f"expected a table of keys, got {type(value).__name__}")
    return value


def _check_unknown(data: Mapping[str, Any], allowed: Sequence[str], prefix: str) -> None:
    for key in data:
        if key not in allowed:
            where = f"{prefix}{key}"
            raise MatchConfigError(where, f"unknown key (allowed: {', '.join(allowed)})")


def _number(value: Any, key: str, *, minimum: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise MatchConfigError(key, f"expected a number, got {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise MatchConfigError(key, f"expected a finite number, got {value!r}")
    if minimum is not None and number < minimum:
        raise MatchConfigError(key, f"must be at least {minimum:g}, got {value!r}")
    return number


def _integer(value: Any, key: str, *, minimum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise MatchConfigError(key, f"expected a whole number, got {value!r}")
    if minimum is not None and value < minimum:
        raise MatchConfigError(key, f"must be at least {minimum}, got {value!r}")
    return value


def _boolean(value: Any, key: str) -> bool:
    if not isinstance(value, bool):
        raise MatchConfigError(key, f"expected true or false, got {value!r}")
    return value


def _choice(value: Any, key: str, options: Sequence[str]) -> str:
    if value not in options:
        raise MatchConfigError(key, f"expected one of {', '.join(options)}, got {value!r}")
    return str(value)


_TOP_KEYS = (
    "objective",
    "fairness",
    "mode",
    "top_k",
    "dense_limit",
    "target_level_gap",
    "affinity",
    "weights",
    "constraints",
    "diversity",
)
_CONSTRAINT_KEYS = (
    "min_level_gap",
    "reporting_line",
    "same_manager",
    "max_tz_hours",
    "require_language",
    "mentors_per_mentee",
)


def _config_from_mapping(data: Mapping[str, Any]) -> MatchConfig:
    data = _check_mapping(data, "config")
    _check_unknown(data, _TOP_KEYS, "")
    defaults = MatchConfig()

    raw_weights = _check_mapping(data.get("weights", {}), "weights")
    _check_unknown(raw_weights, CRITERIA, "weights.")
    weight_values = defaults.weights.as_dict()
    for name, value in raw_weights.items():
        weight_values[name] = _number(value, f"weights.{name}", minimum=0.0)
    if not any(weight_values.values()):
        raise MatchConfigError("weights", "at least one weight must be above 0")
    weights = Weights(**weight_values)

    raw_constraints = _check_mapping(data.get("constraints", {}), "constraints")
    _check_unknown(raw_constraints, _CONSTRAINT_KEYS, "constraints.")
    base = defaults.constraints
    max_tz: float | None = base.max_tz_hours
    if "max_tz_hours" in raw_constraints and raw_constraints["max_tz_hours"] is not None:
        max_tz = _number(raw_constraints["max_tz_hours"], "constraints.max_tz_hours", minimum=0)
    constraints = Constraints(
        min_level_gap=_integer(
            raw_constraints.get("min_level_gap", base.min_level_gap), "constraints.min_level_gap"
        ),
        reporting_line=_boolean(
            raw_constraints.get("reporting_line", base.reporting_line),
            "constraints.reporting_line",
        ),
        same_manager=_boolean(
            raw_constraints.get("same_manager", base.same_manager), "constraints.same_manager"
        ),
        max_tz_hours=max_tz,
        require_language=_boolean(
            raw_constraints.get("require_language", base.require_language),
            "constraints.require_language",
        ),
        mentors_per_mentee=_integer(
            raw_constraints.get("mentors_per_mentee", base.mentors_per_mentee),
            "constraints.mentors_per_mentee",
            minimum=1,
        ),
    )

    raw_diversity = _check_mapping(data.get("diversity", {}), "diversity")
    _check_unknown(raw_diversity, DIVERSITY_ATTRIBUTES, "diversity.")
    diversity: dict[str, DiversityRule] = dict(defaults.diversity)
    rules = ("prefer_different", "prefer_same", "ignore")
    for name, value in raw_diversity.items():
        diversity[name] = _choice(value, f"diversity.{name}", rules)  # type: ignore[assignment]

    return MatchConfig(
        weights=weights,
        constraints=constraints,
        diversity=diversity,
        affinity=_choice(  # type: ignore[arg-type]
            data.get("affinity", defaults.affinity), "affinity", ("prefer_same", "ignore")
        ),
        target_level_gap=_integer(
            data.get("target_level_gap", defaults.target_level_gap), "target_level_gap", minimum=0
        ),
        objective=_choice(  # type: ignore[arg-type]
            data.get("objective", defaults.objective), "objective", ("max_matched", "max_score")
        ),
        fairness=_boolean(data.get("fairness", defaults.fairness), "fairness"),
        mode=_choice(  # type: ignore[arg-type]
            data.get("mode", defaults.mode), "mode", ("auto", "dense", "sparse")
        ),
        top_k=_integer(data.get("top_k", defaults.top_k), "top_k", minimum=1),
        dense_limit=_integer(
            data.get("dense_limit", defaults.dense_limit), "dense_limit", minimum=1
        ),
    )


# --- results ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Pair:
    """One proposed (or locked) pair.

    ``breakdown`` holds each active criterion's score in [0, 1]; ``contributions`` holds
    weight x score / sum of weights, so the contributions add up to ``score``.
    ``violations`` names the hard constraints a locked pair breaks (codes from
    ``turnabout.matching.CONSTRAINTS``: "level", "reporting_line", ...); empty otherwise.
    """

    mentor_id: str
    mentee_id: str
    score: float
    breakdown: dict[str, float]
    contributions: dict[str, float]
    reasons: list[str]
    locked: bool = False
    violations: tuple[str, ...] = ()


@dataclass(frozen=True)
class Unmatched:
    """A person left without a match, and why (``role`` is "mentor" or "mentee")."""

    id: str
    role: Literal["mentor", "mentee"]
    reason: str


@dataclass(frozen=True)
class Quality:
    """Figures for judging a matching.

    ``blocking_pairs``: feasible, unused pairs whose two people both prefer each other to
    what they got (in sparse mode, counted among the candidate pairs). ``gap_to_dense``:
    relative shortfall of a sparse solve against the dense optimum (``dense_total``), when
    the dense problem was small enough to solve as well.
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


@dataclass(frozen=True)
class MatchResult:
    pairs: list[Pair]
    unmatched: list[Unmatched]
    quality: Quality
