"""The one door from insights to survey answers (the `feedback` app).

Everything insights reads from surveys goes through the functions below, so that the KPI
metrics, pair health, dashboards, groups and lessons do not know how `feedback` stores its
answers. Each function works on many cohorts or pairs at once (a fixed number of queries).

Privacy: these functions return aggregates (a mean with its count) or, for pair health and
group breakdowns, per-pair/per-person figures that insights only ever aggregates or turns
into a signal code. No caller shows a per-person value returned from here.

When the feedback app is not installed (or has no answers) every function returns "no
data", and the pages say so.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from importlib import import_module
from types import ModuleType
from typing import Any


@dataclass(frozen=True)
class MeanFigure:
    """A mean over `n` answers with a 95 % confidence interval (None when n < 2)."""

    mean: float | None
    n: int
    low: float | None = None
    high: float | None = None

    @classmethod
    def of(cls, values: Sequence[float]) -> MeanFigure:
        n = len(values)
        if n == 0:
            return cls(None, 0)
        mean = statistics.fmean(values)
        if n < 2:
            return cls(mean, n)
        half = t_critical(n - 1) * statistics.stdev(values) / math.sqrt(n)
        return cls(mean, n, mean - half, mean + half)


@dataclass(frozen=True)
class NpsFigure:
    score: float | None
    n: int
    promoters: int = 0
    passives: int = 0
    detractors: int = 0


@dataclass(frozen=True)
class Pulse:
    day: date
    side: str  # "mentor" or "mentee"
    rating: int  # 1-10
    warning_signs: tuple[str, ...] = ()


@dataclass
class PairFeedback:
    """What pair health reads about one pair: fit answers per side and pulses in order."""

    fit: dict[str, str] = field(default_factory=dict)  # side -> good | deciding | not_good
    pulses: list[Pulse] = field(default_factory=list)


# Warning signs a pulse may name (the codes the feedback app stores).
WARNING_SIGNS = ("time", "cancellations", "resistance", "unheard", "unclear_goals")
FIT_NOT_GOOD = "not_good"
FIT_DECIDING = "deciding"

_T95 = {
    1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306,
    9: 2.262, 10: 2.228, 12: 2.179, 15: 2.131, 20: 2.086, 25: 2.060, 30: 2.042, 40: 2.021,
    60: 2.000, 120: 1.980,
}  # fmt: skip


def t_critical(df: int) -> float:
    """Two-sided 95 % Student t quantile (table, conservative between entries)."""
    if df <= 0:
        return math.inf
    for key in sorted(_T95):
        if df <= key:
            return _T95[key]
    return 1.960


def _feedback() -> ModuleType | None:
    """The feedback app's metric selectors, when that app is installed."""
    for name in ("turnabout.feedback.metrics", "turnabout.feedback.selectors"):
        try:
            module = import_module(name)
        except ImportError:
            continue
        if hasattr(module, "insights_satisfaction"):
            return module
    return None


def _call(name: str, *args: Any, **kwargs: Any) -> Any:
    module = _feedback()
    function = getattr(module, name, None) if module is not None else None
    return None if function is None else function(*args, **kwargs)


def satisfaction(cohort_ids: Iterable[int], *, until: date | None = None) -> dict[int, MeanFigure]:
    """Mean satisfaction (1-5) of the final evaluation per cohort."""
    return _call("insights_satisfaction", list(cohort_ids), until=until) or {}


def would_do_again(
    cohort_ids: Iterable[int], *, until: date | None = None
) -> dict[int, MeanFigure]:
    """Share (0-1) of "would do it again" answers per cohort."""
    return _call("insights_would_do_again", list(cohort_ids), until=until) or {}


def self_rating_change(
    cohort_ids: Iterable[int], *, side: str, topic: str, until: date | None = None
) -> dict[int, MeanFigure]:
    """Mean post - pre self-rating on `topic` of the people on `side`, per cohort."""
    return (
        _call("insights_self_rating_change", list(cohort_ids), side=side, topic=topic, until=until)
        or {}
    )


def skill_change_by_topic(cohort_ids: Iterable[int]) -> dict[int, dict[str, MeanFigure]]:
    """Per cohort, per topic: the mean self-rating change (both sides) with its interval."""
    return _call("insights_skill_change_by_topic", list(cohort_ids)) or {}


def nps(cohort_ids: Iterable[int]) -> dict[int, NpsFigure]:
    return _call("insights_nps", list(cohort_ids)) or {}


def pair_feedback(pair_ids: Iterable[int]) -> dict[int, PairFeedback]:
    """Pairing-fit answers and pulses of each pair (pair-mode answers: managers' eyes)."""
    return _call("insights_pair_feedback", list(pair_ids)) or {}


def satisfaction_by_person(cohort_ids: Iterable[int]) -> dict[int, float]:
    """Employee id -> satisfaction (confidential answers only), for aggregates by group."""
    return _call("insights_satisfaction_by_person", list(cohort_ids)) or {}


def skill_change_by_person(cohort_ids: Iterable[int]) -> dict[int, float]:
    """Employee id -> mean self-rating change over topics, for aggregates by group."""
    return _call("insights_skill_change_by_person", list(cohort_ids)) or {}


def satisfaction_by_pair(pair_ids: Iterable[int]) -> dict[int, float]:
    """Pair id -> mean satisfaction of its two partners (for lessons)."""
    return _call("insights_satisfaction_by_pair", list(pair_ids)) or {}
