"""What the surveys feed into KPIs and pair health: one function per metric, typed.

KPI metrics (`programs.Objective.Metric`) are aggregates a manager or a sponsor sees, so
every `MetricValue` has already passed the privacy floor (`common.privacy`): with fewer
people behind it than `TURNABOUT_MIN_GROUP_SIZE` its value, interval and count are None
and `hidden` is True. Only submitted answers count (drafts never), from surveys that were
opened (open or closed). Scope: one cohort, or every cohort of a program.

- `satisfaction`: mean of the 1-5 "satisfaction" question of final evaluations.
- `would_do_it_again`: mean of the 1-5 "I would do it again" question of final evaluations
  (a `satisfaction` objective whose title says "again" is computed with it).
- `mentee_self_rating_change` / `mentor_self_rating_change`: per person with both a pre
  and a post answer of a skill self-assessment, post minus pre on one topic; the mean
  change with its 95 % interval.
- `objective_value(objective, cohort=...)`: the dispatcher the insights app calls.

Pair-health feeds (`pairing_fit_answers`, `fit_flagged_pairs`, `pulse_ratings`,
`pulse_by_pair`) return per-pair answers of
pair-mode surveys. They are for the program's managers only: the caller checks
`feedback.permissions.can_manage_surveys` (or `programs.permissions.can_manage_cohort`)
first; they are never shown to a partner.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from turnabout.common.privacy import meets_floor
from turnabout.engagement.models import Side
from turnabout.feedback import stats
from turnabout.feedback.models import AnonymousResponse, Answer, PairFitFlag, Question, Survey
from turnabout.programs.models import Cohort, Objective, Program

# Question meanings (`Question.key`) the metrics read.
KEY_SATISFACTION = "satisfaction"
KEY_AGAIN = "again"
KEY_NPS = "nps"
KEY_SKILLS = "skills"
KEY_FIT = "fit"
KEY_PULSE = "pulse"
KEY_OBSTACLES = "obstacles"

# Occasions of a pre/post skill self-assessment.
PRE = "pre"
POST = "post"

# The stored values of the pairing-fit question (its options cannot be edited).
FIT_GOOD = "A good fit"
FIT_DECIDING = "Still deciding"
FIT_NOT_GOOD = "Not a good fit"
FIT_OPTIONS = [FIT_GOOD, FIT_DECIDING, FIT_NOT_GOOD]

_AGAIN = re.compile(r"\bagain\b", re.IGNORECASE)


@dataclass(frozen=True)
class MetricValue:
    """A KPI's computed value after the privacy floor.

    `value`: the figure in `unit` ("points" for 1-5 means and changes), None when there is
    no answer or the group is below the floor (`hidden`). `n`: the number of people behind
    it (None when hidden). `low`/`high`: its 95 % confidence interval when n >= 2.
    """

    metric: str
    value: float | None
    n: int | None
    low: float | None = None
    high: float | None = None
    hidden: bool = False
    unit: str = "points"

    @property
    def available(self) -> bool:
        return self.value is not None


def _surveys(*, cohort: Cohort | None, program: Program | None, template: str) -> QuerySet[Survey]:
    if (cohort is None) == (program is None):
        raise TypeError("pass exactly one of cohort= or program=")
    scope = Q(cohort=cohort) if cohort is not None else Q(cohort__program=program)
    return Survey.objects.filter(scope, template=template).exclude(status=Survey.Status.DRAFT)


def numbers_of(
    surveys: QuerySet[Survey], key: str, *, role: str | None = None, topic: str = ""
) -> list[int]:
    """Every submitted number answered to the questions with meaning `key`, any mode."""
    answers = Answer.objects.filter(
        response__survey__in=surveys,
        response__submitted_at__isnull=False,
        question__key=key,
        number__isnull=False,
    )
    answers = answers.filter(topic__iexact=topic) if topic else answers.filter(topic="")
    if role:
        answers = answers.filter(response__role=role)
    values = [int(n) for n in answers.values_list("number", flat=True) if n is not None]
    question_ids = {
        str(pk)
        for pk in Question.objects.filter(
            survey__in=surveys.filter(mode=Survey.Mode.ANONYMOUS), key=key
        ).values_list("pk", flat=True)
    }
    if question_ids:
        anonymous = AnonymousResponse.objects.filter(survey__in=surveys)
        if role:
            anonymous = anonymous.filter(role=role)
        for row in anonymous.values_list("answers", flat=True).iterator():
            values.extend(_numbers_in(row, question_ids, topic))
    return values


def _numbers_in(row: dict[str, object], question_ids: set[str], topic: str) -> Iterable[int]:
    for qid in question_ids:
        value = row.get(qid)
        if topic and isinstance(value, dict):
            for name, number in value.items():
                if name.casefold() == topic.casefold() and isinstance(number, int):
                    yield number
        elif not topic and isinstance(value, int) and not isinstance(value, bool):
            yield value


def _floored(metric: str, interval: stats.Interval) -> MetricValue:
    if interval.n == 0:
        return MetricValue(metric, None, 0)
    if not meets_floor(interval.n):
        return MetricValue(metric, None, None, hidden=True)
    return MetricValue(metric, interval.mean, interval.n, interval.low, interval.high)


def satisfaction(*, cohort: Cohort | None = None, program: Program | None = None) -> MetricValue:
    """Mean satisfaction (1-5) from the final evaluations of a cohort or a program."""
    surveys = _surveys(cohort=cohort, program=program, template=Survey.Template.FINAL)
    values = numbers_of(surveys, KEY_SATISFACTION)
    return _floored(Objective.Metric.SATISFACTION, stats.mean_ci(values))


def would_do_it_again(
    *, cohort: Cohort | None = None, program: Program | None = None
) -> MetricValue:
    """Mean agreement (1-5) with "I would do it again" from the final evaluations."""
    surveys = _surveys(cohort=cohort, program=program, template=Survey.Template.FINAL)
    return _floored("would_do_it_again", stats.mean_ci(numbers_of(surveys, KEY_AGAIN)))


def net_promoter_score(
    *, cohort: Cohort | None = None, program: Program | None = None
) -> MetricValue:
    """NPS (-100..100) from the final evaluations; unit "score"."""
    surveys = _surveys(cohort=cohort, program=program, template=Survey.Template.FINAL)
    result = stats.nps(numbers_of(surveys, KEY_NPS))
    if result.n == 0:
        return MetricValue("nps", None, 0, unit="score")
    if not meets_floor(result.n):
        return MetricValue("nps", None, None, hidden=True, unit="score")
    return MetricValue("nps", result.score, result.n, unit="score")


def self_rating_pairs(
    surveys: QuerySet[Survey], *, topic: str, role: str | None = None
) -> tuple[dict[tuple[int, int], int], dict[tuple[int, int], int]]:
    """(pre, post): each maps (survey id, person id) to that person's rating on `topic`."""
    answers = Answer.objects.filter(
        response__survey__in=surveys.filter(mode=Survey.Mode.CONFIDENTIAL),
        response__submitted_at__isnull=False,
        response__occasion__in=[PRE, POST],
        question__kind=Question.Kind.SKILL_GRID,
        topic__iexact=topic,
        number__isnull=False,
    )
    if role:
        answers = answers.filter(response__role=role)
    pre: dict[tuple[int, int], int] = {}
    post: dict[tuple[int, int], int] = {}
    rows = answers.values_list(
        "response__survey_id", "response__person_id", "response__occasion", "number"
    )
    for survey_id, person_id, occasion, number in rows:
        if number is None:
            continue
        (pre if occasion == PRE else post)[(survey_id, person_id)] = number
    return pre, post


def self_rating_change(
    *, topic: str, role: str, cohort: Cohort | None = None, program: Program | None = None
) -> stats.Interval:
    """Mean change (post - pre) of one side's self-rating on `topic`, before the floor."""
    surveys = _surveys(cohort=cohort, program=program, template=Survey.Template.SELF_ASSESSMENT)
    pre, post = self_rating_pairs(surveys, topic=topic, role=role)
    changes = [float(post[k] - pre[k]) for k in sorted(pre.keys() & post.keys())]
    return stats.mean_ci(changes)


def mentee_self_rating_change(
    *, topic: str, cohort: Cohort | None = None, program: Program | None = None
) -> MetricValue:
    """Mentees' mean self-rating change on `topic` (1-5 scale points), with its interval."""
    interval = self_rating_change(topic=topic, role=Side.MENTEE, cohort=cohort, program=program)
    return _floored(Objective.Metric.MENTEE_SELF_RATING_CHANGE, interval)


def mentor_self_rating_change(
    *, topic: str, cohort: Cohort | None = None, program: Program | None = None
) -> MetricValue:
    """Mentors' mean self-rating change on `topic` (1-5 scale points), with its interval."""
    interval = self_rating_change(topic=topic, role=Side.MENTOR, cohort=cohort, program=program)
    return _floored(Objective.Metric.MENTOR_SELF_RATING_CHANGE, interval)


def is_would_do_it_again(objective: Objective) -> bool:
    """A satisfaction (or custom) objective about doing it again reads the "again" question."""
    return objective.metric in (
        Objective.Metric.SATISFACTION,
        Objective.Metric.CUSTOM,
    ) and bool(_AGAIN.search(objective.title))


def objective_value(objective: Objective, *, cohort: Cohort | None = None) -> MetricValue | None:
    """The computed value of a program objective (over `cohort`, or all the program's
    cohorts); None for metrics the surveys do not measure."""
    scope_program = None if cohort is not None else objective.program
    if is_would_do_it_again(objective):
        return would_do_it_again(cohort=cohort, program=scope_program)
    if objective.metric == Objective.Metric.SATISFACTION:
        return satisfaction(cohort=cohort, program=scope_program)
    if objective.metric == Objective.Metric.MENTEE_SELF_RATING_CHANGE:
        return mentee_self_rating_change(
            topic=objective.parameter, cohort=cohort, program=scope_program
        )
    if objective.metric == Objective.Metric.MENTOR_SELF_RATING_CHANGE:
        return mentor_self_rating_change(
            topic=objective.parameter, cohort=cohort, program=scope_program
        )
    return None


# --- Pair health (managers only: the caller checks the permission) ----------------------


@dataclass(frozen=True)
class FitAnswer:
    """One partner's pairing-fit answer: FIT_GOOD, FIT_DECIDING or FIT_NOT_GOOD."""

    mentorship_id: int
    role: str
    fit: str
    answered_on: date


@dataclass(frozen=True)
class PulseRating:
    """One partner's monthly pulse: how it is going (1-10), per calendar month."""

    mentorship_id: int
    role: str
    month: date  # the first day of the month answered in
    rating: int


def pairing_fit_answers(*, cohort: Cohort) -> list[FitAnswer]:
    """Every submitted pairing-fit answer of the cohort's pair-mode surveys."""
    rows = (
        Answer.objects.filter(
            response__survey__cohort=cohort,
            response__survey__mode=Survey.Mode.PAIR,
            response__submitted_at__isnull=False,
            response__mentorship__isnull=False,
            question__key=KEY_FIT,
        )
        .order_by("response__submitted_at", "pk")
        .values_list(
            "response__mentorship_id", "response__role", "choices", "response__submitted_at"
        )
    )
    return [
        FitAnswer(m_id, role, choices[0], submitted.date())
        for m_id, role, choices, submitted in rows
        if choices and submitted is not None and m_id is not None
    ]


def pulse_ratings(*, cohort: Cohort) -> list[PulseRating]:
    """Every submitted pulse rating (1-10) of the cohort's pairs, oldest first."""
    rows = (
        Answer.objects.filter(
            response__survey__cohort=cohort,
            response__survey__mode=Survey.Mode.PAIR,
            response__submitted_at__isnull=False,
            response__mentorship__isnull=False,
            question__key=KEY_PULSE,
            number__isnull=False,
        )
        .order_by("response__submitted_at", "pk")
        .values_list(
            "response__mentorship_id", "response__role", "number", "response__submitted_at"
        )
    )
    return [
        PulseRating(m_id, role, submitted.date().replace(day=1), number)
        for m_id, role, number, submitted in rows
        if submitted is not None and m_id is not None and number is not None
    ]


def pulse_by_pair(*, cohort: Cohort) -> dict[int, dict[date, dict[str, int]]]:
    """{mentorship id: {month: {role: rating}}}: the latest rating per partner and month."""
    result: dict[int, dict[date, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for r in pulse_ratings(cohort=cohort):
        result[r.mentorship_id][r.month][r.role] = r.rating
    return {m: dict(months) for m, months in result.items()}


def fit_flagged_pairs(*, cohort: Cohort) -> dict[int, str]:
    """{mentorship id: flag status} of the cohort's pairs called "not a good fit" (open,
    re-match requested or resolved), for pair health."""
    return dict(
        PairFitFlag.objects.filter(mentorship__cohort=cohort)
        .order_by("mentorship_id", "created_at")
        .values_list("mentorship_id", "status")
    )
