"""The arithmetic of results, as pure functions: means with 95 % intervals, NPS, shares.

No Django here: the tests check each function against a direct formula with hypothesis.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from scipy import stats as scipy_stats

CONFIDENCE = 0.95
PROMOTER_MIN = 9  # NPS: 9-10 promoters, 7-8 passives, 0-6 detractors
PASSIVE_MIN = 7


@dataclass(frozen=True)
class Interval:
    """A mean with its spread and a two-sided confidence interval (Student's t)."""

    n: int
    mean: float | None
    sd: float | None
    low: float | None
    high: float | None


def mean_ci(values: Sequence[float], *, confidence: float = CONFIDENCE) -> Interval:
    """Mean, sample standard deviation and the t-interval of the mean.

    No values: everything None. One value: the mean only (no spread, no interval).
    """
    n = len(values)
    if n == 0:
        return Interval(0, None, None, None, None)
    mean = math.fsum(values) / n
    if n == 1:
        return Interval(1, mean, None, None, None)
    sd = math.sqrt(math.fsum((v - mean) ** 2 for v in values) / (n - 1))
    half = float(scipy_stats.t.ppf((1 + confidence) / 2, n - 1)) * sd / math.sqrt(n)
    return Interval(n, mean, sd, mean - half, mean + half)


@dataclass(frozen=True)
class Nps:
    """Net promoter score: % promoters minus % detractors, from -100 to 100."""

    n: int
    promoters: int
    passives: int
    detractors: int

    @property
    def score(self) -> float | None:
        if not self.n:
            return None
        return 100.0 * (self.promoters - self.detractors) / self.n


def nps(scores: Iterable[int]) -> Nps:
    promoters = passives = detractors = 0
    for score in scores:
        if not 0 <= score <= 10:
            raise ValueError(f"an NPS answer is 0-10, not {score}")
        if score >= PROMOTER_MIN:
            promoters += 1
        elif score >= PASSIVE_MIN:
            passives += 1
        else:
            detractors += 1
    return Nps(promoters + passives + detractors, promoters, passives, detractors)


def distribution(values: Iterable[int], low: int, high: int) -> dict[int, int]:
    """How many answers gave each value of the scale (every value present, zeros too)."""
    counts = dict.fromkeys(range(low, high + 1), 0)
    for value in values:
        if value in counts:
            counts[value] += 1
    return counts


def paired_changes(pre: dict[int, float], post: dict[int, float]) -> list[float]:
    """post - pre for every person (key) with both answers, in key order."""
    return [post[key] - pre[key] for key in sorted(pre.keys() & post.keys())]
