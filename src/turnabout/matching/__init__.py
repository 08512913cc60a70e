"""Turnabout's matching engine: optimal, constraint-aware, explainable pairing.

Pure numpy/scipy; it never imports Django. The ``pairing`` app converts database rows into
``Mentor`` and ``Mentee`` objects, stores a program's settings as a dict validated by
``MatchConfig.from_mapping`` and calls ``match``. See docs/matching.md.
"""

from .engine import ScoreBlock, feasible_pairs, match
from .model import (
    CRITERIA,
    Constraints,
    LockedPair,
    MatchConfig,
    MatchConfigError,
    MatchInputError,
    MatchResult,
    Mentee,
    Mentor,
    OrgChart,
    Pair,
    Quality,
    Unmatched,
    Weights,
)
from .scoring import CONSTRAINTS
from .solver import SolverError

__all__ = [
    "CONSTRAINTS",
    "CRITERIA",
    "Constraints",
    "LockedPair",
    "MatchConfig",
    "MatchConfigError",
    "MatchInputError",
    "MatchResult",
    "Mentee",
    "Mentor",
    "OrgChart",
    "Pair",
    "Quality",
    "ScoreBlock",
    "SolverError",
    "Unmatched",
    "Weights",
    "feasible_pairs",
    "match",
]
