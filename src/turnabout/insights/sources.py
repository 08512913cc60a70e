"""The one door from insights to survey answers (the `feedback` app).

Everything insights reads from surveys goes through the functions below, so that the KPI
metrics, pair health, dashboards, groups and lessons do not know how `feedback` stores its
answers. Each function works on many cohorts or pairs at once (a fixed number of queries).

Privacy: these functions return aggregates (a mean with its count) or, for pair health and
group breakdowns, per-pair/per-person figures that insights only ever aggregates or turns
into a signal code. No caller shows a per-person value returned from here.

Without answers every function returns "no data", and the pages say so.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from turnabout.feedback import metrics as fb
from turnabout.feedback import stats
from turnabout.feedback.models import Answer, Question, Survey
from turnabout.pairing.models import Mentorship
from turnabout.programs.models import Cohort, Program


@dataclass(frozen=True)
class MeanFigure:
    """A mean over `n` answers with a 95 % confidence interval (None when n < 2)."""

    mean: float | None
    n: int
    low: float | None = None
    high: float | None = None
    hidden: bool = False  # below the privacy floor (the count is not shown either)
    basis: str = ""  # what it is measured on (`feedback.metrics.BASIS_*`)

    @property
    def interim(self) -> bool:
        return self.basis.startswith("interim")

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


def _cohorts(cohort_ids: Iterable[int]) -> list[Cohort]:
    return list(Cohort.objects.filter(pk__in=list(cohort_ids)).order_by("pk"))


def _mean(value: fb.MetricValue) -> MeanFigure:
    """A floored feedback value as a MeanFigure (hidden: n stays 0 and `hidden` is set)."""
    if value.hidden:
        return MeanFigure(None, 0, hidden=True, basis=value.basis)
    return MeanFigure(value.value, value.n or 0, value.low, value.high, basis=value.basis)


def _interval(value: stats.Interval) -> MeanFigure:
    return MeanFigure(value.mean, value.n, value.low, value.high)


def satisfaction(
    cohort_ids: Iterable[int], *, until: date | None = None, interim: bool = True
) -> dict[int, MeanFigure]:
    """Mean satisfaction (1-5) of the final evaluation per cohort (after the floor), as of
    the end of `until`; before any final answer, the interim value from the pulses."""
    return {
        c.pk: _mean(fb.satisfaction(cohort=c, as_of=until, interim=interim))
        for c in _cohorts(cohort_ids)
    }


def satisfaction_of_program(program: Program, *, interim: bool = True) -> MeanFigure:
    return _mean(fb.satisfaction(program=program, interim=interim))


def would_do_again(
    cohort_ids: Iterable[int], *, until: date | None = None
) -> dict[int, MeanFigure]:
    """Mean agreement (1-5) with "I would do it again" per cohort (after the floor); before
    any final answer, the interim value from the pulses."""
    return {c.pk: _mean(fb.would_do_it_again(cohort=c, as_of=until)) for c in _cohorts(cohort_ids)}


def would_do_again_share(
    cohort_ids: Iterable[int], *, until: date | None = None
) -> dict[int, MeanFigure]:
    """Share (0-1) of people who agree (4 or 5 of 5) that they would do it again (after the
    floor); before any final answer, the interim share from the pulses."""
    result = {}
    for cohort in _cohorts(cohort_ids):
        value = fb.would_do_it_again_share(cohort=cohort, as_of=until)
        if value.hidden or value.value is not None:
            result[cohort.pk] = MeanFigure(
                value.value, value.n or 0, hidden=value.hidden, basis=value.basis
            )
    return result


def self_rating_change(
    cohort_ids: Iterable[int], *, side: str, topic: str, until: date | None = None
) -> dict[int, MeanFigure]:
    """Mean post - pre self-rating on `topic` of the people on `side`, per cohort."""
    function = fb.mentee_self_rating_change if side == "mentee" else fb.mentor_self_rating_change
    return {c.pk: _mean(function(topic=topic, cohort=c, as_of=until)) for c in _cohorts(cohort_ids)}


def _skill_topics(surveys: Any) -> list[str]:
    return sorted(
        set(
            Answer.objects.filter(
                response__survey__in=surveys,
                question__kind=Question.Kind.SKILL_GRID,
                response__submitted_at__isnull=False,
            )
            .exclude(topic="")
            .values_list("topic", flat=True)
            .distinct()
        )
    )


def skill_change_by_topic(
    *, cohort: Cohort | None = None, program: Program | None = None
) -> dict[str, MeanFigure]:
    """Per topic: the mean self-rating change (both sides) with its interval (before the
    floor: the caller hides topics measured on too few people)."""
    scope = {"cohort": cohort} if cohort is not None else {"cohort__program": program}
    surveys = Survey.objects.filter(
        template=Survey.Template.SELF_ASSESSMENT, mode=Survey.Mode.CONFIDENTIAL, **scope
    ).exclude(status=Survey.Status.DRAFT)
    result = {}
    for topic in _skill_topics(surveys):
        result[topic] = _interval(
            fb.self_rating_change(topic=topic, role="", cohort=cohort, program=program)
        )
    return result


def nps(*, cohort: Cohort | None = None, program: Program | None = None) -> NpsFigure | None:
    value = fb.net_promoter_score(cohort=cohort, program=program)
    if value.hidden or value.value is None:
        return None
    return NpsFigure(value.value, value.n or 0)


def _obstacle_code(choice: str) -> str | None:
    text = choice.casefold()
    for needle, code in (
        ("unheard", "unheard"),
        ("disrespect", "unheard"),
        ("resist", "resistance"),
        ("defensive", "resistance"),
        ("unclear", "unclear_goals"),
        ("goal", "unclear_goals"),
        ("cancel", "cancellations"),
        ("time", "time"),
    ):
        if needle in text:
            return code
    return None


def pair_feedback(pair_ids: Iterable[int]) -> dict[int, PairFeedback]:
    """Pairing-fit answers and pulses of each pair (pair-mode answers: managers' eyes).
    Queries grow with the number of cohorts, not of pairs."""
    ids = list(pair_ids)
    result: dict[int, PairFeedback] = {}
    if not ids:
        return result
    wanted = set(ids)
    cohort_ids = set(
        Mentorship.objects.filter(pk__in=ids).values_list("cohort_id", flat=True).distinct()
    )
    fit_code = {fb.FIT_NOT_GOOD: FIT_NOT_GOOD, fb.FIT_DECIDING: FIT_DECIDING, fb.FIT_GOOD: "good"}
    signs: dict[tuple[int, str, date], tuple[str, ...]] = {}
    for pair_id, role, choices, submitted in Answer.objects.filter(
        response__mentorship__in=ids,
        response__survey__mode=Survey.Mode.PAIR,
        response__submitted_at__isnull=False,
        question__key=fb.KEY_OBSTACLES,
    ).values_list("response__mentorship_id", "response__role", "choices", "response__submitted_at"):
        if pair_id is None or submitted is None:
            continue
        codes = {_obstacle_code(str(c)) for c in (choices or [])} - {None}
        signs[(pair_id, role, submitted.date().replace(day=1))] = tuple(
            sorted(c for c in codes if c)
        )
    for cohort in _cohorts(cohort_ids):
        for fit in fb.pairing_fit_answers(cohort=cohort):
            if fit.mentorship_id in wanted:
                feedback = result.setdefault(fit.mentorship_id, PairFeedback())
                feedback.fit[fit.role] = fit_code.get(fit.fit, "")
        for pulse in fb.pulse_ratings(cohort=cohort):
            if pulse.mentorship_id in wanted:
                feedback = result.setdefault(pulse.mentorship_id, PairFeedback())
                feedback.pulses.append(
                    Pulse(
                        pulse.month,
                        pulse.role,
                        pulse.rating,
                        signs.get((pulse.mentorship_id, pulse.role, pulse.month), ()),
                    )
                )
    return result


def _final_answers(cohort_ids: Iterable[int], key: str) -> list[tuple[int, int]]:
    """(person id, number) of confidential or pair-mode final evaluations: never anonymous."""
    return [
        (person_id, int(number))
        for person_id, number in Answer.objects.filter(
            response__survey__cohort__in=list(cohort_ids),
            response__survey__template=Survey.Template.FINAL,
            response__survey__mode__in=[Survey.Mode.CONFIDENTIAL, Survey.Mode.PAIR],
            response__submitted_at__isnull=False,
            question__key=key,
            number__isnull=False,
            topic="",
        ).values_list("response__person_id", "number")
        if number is not None
    ]


def satisfaction_by_person(cohort_ids: Iterable[int]) -> dict[int, float]:
    """Employee id -> satisfaction (confidential answers only), for aggregates by group."""
    return {
        person: float(number) for person, number in _final_answers(cohort_ids, fb.KEY_SATISFACTION)
    }


def skill_change_by_person(cohort_ids: Iterable[int]) -> dict[int, float]:
    """Employee id -> mean self-rating change over topics, for aggregates by group."""
    surveys = Survey.objects.filter(
        cohort__in=list(cohort_ids), template=Survey.Template.SELF_ASSESSMENT
    ).exclude(status=Survey.Status.DRAFT)
    changes: dict[int, list[float]] = {}
    for topic in _skill_topics(surveys):
        pre, post = fb.self_rating_pairs(surveys, topic=topic)
        for key in pre.keys() & post.keys():
            changes.setdefault(key[1], []).append(float(post[key] - pre[key]))
    return {person: statistics.fmean(values) for person, values in changes.items()}


def satisfaction_by_pair(pair_ids: Iterable[int]) -> dict[int, float]:
    """Pair id -> mean satisfaction of its partners who answered (for lessons)."""
    pairs = list(
        Mentorship.objects.filter(pk__in=list(pair_ids)).values_list(
            "pk", "cohort_id", "mentor_id", "mentee_id"
        )
    )
    by_person = satisfaction_by_person({cohort for _p, cohort, _a, _b in pairs})
    result = {}
    for pk, _cohort, mentor, mentee in pairs:
        values = [by_person[p] for p in (mentor, mentee) if p in by_person]
        if values:
            result[pk] = statistics.fmean(values)
    return result
