"""Turnabout's matching engine: optimal, constraint-aware, explainable pairing.

Pure numpy/scipy/OR-Tools; it never imports Django. The ``pairing`` app converts database
rows into ``Mentor`` and ``Mentee`` objects, stores a program's settings as a dict
validated by ``MatchConfig.from_mapping`` and calls ``match``. Criteria are records in
``criteria.REGISTRY``. See docs/matching.md.
"""

from .config import Constraints, MatchConfig, MatchConfigError, Weights
from .criteria import CRITERIA, LABELS, REGISTRY, SENSITIVE_ATTRIBUTES, Criterion, Reason
from .engine import ScoreBlock, feasible_pairs, match
from .explain import reason_text
from .model import (
    LockedPair,
    MatchInputError,
    MatchResult,
    Mentee,
    Mentor,
    OrgChart,
    Pair,
    Quality,
    Unmatched,
)
from .scoring import CONSTRAINTS
from .solver import SolverError

__all__ = [
    "CONSTRAINTS",
    "CRITERIA",
    "LABELS",
    "REGISTRY",
    "SENSITIVE_ATTRIBUTES",
    "Constraints",
    "Criterion",
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
    "Reason",
    "ScoreBlock",
    "SolverError",
    "Unmatched",
    "Weights",
    "feasible_pairs",
    "match",
    "reason_text",
]
