"""What a program can tune, and its validation as tables of checks.

``MatchConfig.from_mapping`` reads a parsed ``match.toml`` or a JSON field: missing keys
take their defaults, unknown keys and bad values raise ``MatchConfigError`` naming the
dotted key. Every key is one row of a table below (after scikit-learn's
``_parameter_constraints``), so a new setting is one row, not a new block of code.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Literal

from .criteria import CRITERIA, DEFAULT_WEIGHTS, DIVERSITY_ATTRIBUTES

Objective = Literal["max_matched", "max_score"]
Mode = Literal["auto", "dense", "sparse"]
SolverName = Literal["auto", "ortools", "scipy"]
DiversityRule = Literal["prefer_different", "prefer_same", "ignore"]
AffinityRule = Literal["prefer_same", "ignore"]

DENSE_CELLS = 16_000_000
"""Auto mode solves densely while mentees x mentor places is at most this many cells.

At this size the dense score matrix takes 128 MB (float64) and scipy's exact assignment
about 3 s on a 2-core machine, about as long as the sparse path with its certificate; past
it the dense solve grows as n^3 and the sparse one nearly linearly. Both are exact: the
dense path by construction, the sparse one when its certificate says so."""
MAX_CAPACITY = 1000
"""Most mentees one mentor may take (a bound on memory: capacity slots are expanded)."""


class MatchConfigError(ValueError):
    """A configuration value is missing, of the wrong type or out of range.

    ``key`` is the dotted path of the offending key, e.g. ``weights.skills``.
    """

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key}: {message}")
        self.key = key


@dataclass(frozen=True, init=False)
class Weights:
    """Weight of each criterion in the weighted mean (0 turns a criterion off).

    ``Weights()`` gives each criterion's default weight from ``criteria.REGISTRY``;
    ``Weights(skills=2)`` changes one. Read a weight with ``weights["skills"]``.
    """

    items: tuple[tuple[str, float], ...]

    def __init__(self, **weights: float) -> None:
        unknown = sorted(set(weights) - set(CRITERIA))
        if unknown:
            raise TypeError(f"unknown criterion: {', '.join(unknown)}")
        merged = {**DEFAULT_WEIGHTS, **{k: float(v) for k, v in weights.items()}}
        object.__setattr__(self, "items", tuple((name, merged[name]) for name in CRITERIA))

    def __getitem__(self, name: str) -> float:
        return dict(self.items)[name]

    def __iter__(self) -> Iterator[str]:
        return iter(CRITERIA)

    def as_dict(self) -> dict[str, float]:
        return dict(self.items)


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
    """Everything a program can tune. ``MatchConfig()`` gives the documented defaults.

    ``dense_cells``: the auto mode's cell budget (see ``DENSE_CELLS``). ``solver``: the
    sparse path's exact solver (``ortools`` min-cost flow; ``scipy`` is the fallback and
    the tests' oracle). ``certify_rounds``: how many times the sparse path may add the
    pairs its certificate found and solve again. ``compare_dense``: also solve the dense
    problem after a sparse run to report ``gap_to_dense`` (benchmarks only: it costs a
    full dense solve).
    """

    weights: Weights = field(default_factory=Weights)
    constraints: Constraints = field(default_factory=Constraints)
    diversity: Mapping[str, DiversityRule] = field(default_factory=_default_diversity)
    affinity: AffinityRule = "prefer_same"
    target_level_gap: int = 2
    objective: Objective = "max_matched"
    fairness: bool = False
    mode: Mode = "auto"
    top_k: int = 20
    dense_cells: int = DENSE_CELLS
    solver: SolverName = "auto"
    certify_rounds: int = 3
    compare_dense: bool = False

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
        out = {name: getattr(self, name) for name in _TOP_LEVEL}
        out.update(
            weights=self.weights.as_dict(),
            constraints=constraints,
            diversity=dict(self.diversity),
        )
        return out


# --- checks: each takes the raw value and its dotted key, and returns the clean value ---

Check = Callable[[Any, str], Any]


def number(*, minimum: float | None = None, maximum: float | None = None) -> Check:
    def check(value: Any, key: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise MatchConfigError(key, f"expected a number, got {value!r}")
        result = float(value)
        if not math.isfinite(result):
            raise MatchConfigError(key, f"expected a finite number, got {value!r}")
        if minimum is not None and result < minimum:
            raise MatchConfigError(key, f"must be at least {minimum:g}, got {value!r}")
        if maximum is not None and result > maximum:
            raise MatchConfigError(key, f"must be at most {maximum:g}, got {value!r}")
        return result

    return check


def integer(*, minimum: int | None = None, maximum: int | None = None) -> Check:
    def check(value: Any, key: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise MatchConfigError(key, f"expected a whole number, got {value!r}")
        if minimum is not None and value < minimum:
            raise MatchConfigError(key, f"must be at least {minimum}, got {value!r}")
        if maximum is not None and value > maximum:
            raise MatchConfigError(key, f"must be at most {maximum}, got {value!r}")
        return value

    return check


def boolean(value: Any, key: str) -> bool:
    if not isinstance(value, bool):
        raise MatchConfigError(key, f"expected true or false, got {value!r}")
    return value


def choice(*options: str) -> Check:
    def check(value: Any, key: str) -> str:
        if value not in options:
            raise MatchConfigError(key, f"expected one of {', '.join(options)}, got {value!r}")
        return str(value)

    return check


def optional(inner: Check) -> Check:
    def check(value: Any, key: str) -> Any:
        return None if value is None else inner(value, key)

    return check


_TOP_LEVEL: dict[str, Check] = {
    "objective": choice("max_matched", "max_score"),
    "fairness": boolean,
    "mode": choice("auto", "dense", "sparse"),
    "top_k": integer(minimum=1, maximum=10_000),
    "dense_cells": integer(minimum=1),
    "solver": choice("auto", "ortools", "scipy"),
    "certify_rounds": integer(minimum=0, maximum=100),
    "compare_dense": boolean,
    "target_level_gap": integer(minimum=0),
    "affinity": choice("prefer_same", "ignore"),
}
_CONSTRAINTS: dict[str, Check] = {
    "min_level_gap": integer(),
    "reporting_line": boolean,
    "same_manager": boolean,
    "max_tz_hours": optional(number(minimum=0)),
    "require_language": boolean,
    "mentors_per_mentee": integer(minimum=1, maximum=100),
}
_WEIGHTS: dict[str, Check] = dict.fromkeys(CRITERIA, number(minimum=0.0))
_DIVERSITY: dict[str, Check] = dict.fromkeys(
    DIVERSITY_ATTRIBUTES, choice("prefer_different", "prefer_same", "ignore")
)
_SECTIONS = ("weights", "constraints", "diversity")
_LEGACY = ("dense_limit",)
"""Keys of older configs, still read: ``dense_limit`` (people per side) became
``dense_cells`` = its square."""


def _table(value: Any, key: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise MatchConfigError(key, f"expected a table of keys, got {type(value).__name__}")
    return value


def _section(data: Mapping[str, Any], checks: Mapping[str, Check], prefix: str) -> dict[str, Any]:
    """Validated values of the keys present (unknown keys raise, naming the key)."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        check = checks.get(key)
        if check is None:
            allowed = ", ".join(checks)
            raise MatchConfigError(f"{prefix}{key}", f"unknown key (allowed: {allowed})")
        out[key] = check(value, f"{prefix}{key}")
    return out


def _config_from_mapping(data: Mapping[str, Any]) -> MatchConfig:
    data = dict(_table(data, "config"))
    defaults = MatchConfig()
    if "dense_limit" in data:
        limit = integer(minimum=1)(data.pop("dense_limit"), "dense_limit")
        data.setdefault("dense_cells", limit * limit)
    top_checks = {**_TOP_LEVEL, **dict.fromkeys(_SECTIONS, _table)}
    top = _section(data, top_checks, "")

    weights = defaults.weights.as_dict()
    weights.update(_section(_table(data.get("weights", {}), "weights"), _WEIGHTS, "weights."))
    if not any(weights.values()):
        raise MatchConfigError("weights", "at least one weight must be above 0")

    raw_constraints = _table(data.get("constraints", {}), "constraints")
    constraints = _section(raw_constraints, _CONSTRAINTS, "constraints.")

    diversity = dict(defaults.diversity)
    diversity.update(
        _section(_table(data.get("diversity", {}), "diversity"), _DIVERSITY, "diversity.")
    )
    for name in _SECTIONS:
        top.pop(name, None)
    return MatchConfig(
        weights=Weights(**weights),
        constraints=Constraints(**constraints),
        diversity=diversity,
        **top,
    )
