"""What the surveys feed into KPIs and pair health: one function per metric, typed.

KPI metrics (`programs.Objective.Metric`) are aggregates a manager or a sponsor sees, so
every `MetricValue` has already passed the privacy floor (`common.privacy`): with fewer
people behind it than `TURNABOUT_MIN_GROUP_SIZE` its value, interval and count are None
and `hidden` is True. Only submitted answers count (drafts never), from surveys that were
opened (open or closed). Scope: one cohort, or every cohort of a program.

As of a day: every metric takes `as_of` (a date; None: every answer so far) and then reads
only the answers submitted on or before that day, so a KPI's history for a past day uses
the answers that existed then. Answers keep a day, not a time (anonymous answers store the
day only), so the day is the unit: an answer given on `as_of` counts.

Interim values: until a cohort's final evaluation (or its "post" self-assessment) has
answers, `satisfaction`, `would_do_it_again` and the self-rating changes give an interim
value from the answers available so far, and say so in `basis`:
- satisfaction and "would do it again": the monthly pulse ("How is it going with your
  partner?", 1-10), each person's latest answer, rescaled to 1-5 (1 + (r - 1) x 4 / 9);
- self-rating change: each person's latest self-rating after their "pre" answer (a
  mid-point self-assessment, any occasion but "pre") minus their "pre" rating.

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

# What a value is based on (`MetricValue.basis`): the final source, or an interim one.
BASIS_FINAL = "final evaluation"
BASIS_SELF_ASSESSMENT = "pre and post self-assessments"
BASIS_PULSE = "interim: monthly pulses so far"
BASIS_MID_SELF_ASSESSMENT = "interim: latest self-assessment against the first"
PULSE_MAX = 10
# "Would do it again" as a share: a pulse of 8 or more of 10 (about 4 of 5 rescaled).
PULSE_AGREE_MIN = 8

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
    basis: str = ""  # what the value is measured on (BASIS_*): interim ones say "interim"

    @property
    def available(self) -> bool:
        return self.value is not None

    @property
    def interim(self) -> bool:
        return self.basis.startswith("interim")


def _surveys(*, cohort: Cohort | None, program: Program | None, template: str) -> QuerySet[Survey]:
    if (cohort is None) == (program is None):
        raise TypeError("pass exactly one of cohort= or program=")
    scope = Q(cohort=cohort) if cohort is not None else Q(cohort__program=program)
    return Survey.objects.filter(scope, template=template).exclude(status=Survey.Status.DRAFT)


def submitted_by(as_of: date | None, prefix: str = "response__") -> Q:
    """Submitted answers, on or before the day `as_of` when given (a day, never a time)."""
    q = Q(**{f"{prefix}submitted_at__isnull": False})
    if as_of is not None:
        q &= Q(**{f"{prefix}submitted_at__date__lte": as_of})
    return q


def numbers_of(
    surveys: QuerySet[Survey],
    key: str,
    *,
    role: str | None = None,
    topic: str = "",
    as_of: date | None = None,
) -> list[int]:
    """Every submitted number answered to the questions with meaning `key`, any mode (on
    or before `as_of` when given)."""
    answers = Answer.objects.filter(
        submitted_by(as_of),
        response__survey__in=surveys,
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
        if as_of is not None:
            anonymous = anonymous.filter(answered_on__lte=as_of)
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


def _floored(metric: str, interval: stats.Interval, basis: str = "") -> MetricValue:
    if interval.n == 0:
        return MetricValue(metric, None, 0, basis=basis)
    if not meets_floor(interval.n):
        return MetricValue(metric, None, None, hidden=True, basis=basis)
    return MetricValue(metric, interval.mean, interval.n, interval.low, interval.high, basis=basis)


def rescale_pulse(rating: int) -> float:
    """A pulse rating (1-10) on the 1-5 scale of the final evaluation."""
    return 1 + (rating - 1) * 4 / (PULSE_MAX - 1)


def latest_pulses(
    *, cohort: Cohort | None = None, program: Program | None = None, as_of: date | None = None
) -> list[int]:
    """Each person's latest pulse rating (1-10) per pair, on or before `as_of` (the latest
    day wins; the same day, the later answer). Anonymous pulses have no person: skipped."""
    surveys = _surveys(cohort=cohort, program=program, template=Survey.Template.PULSE)
    rows = (
        Answer.objects.filter(
            submitted_by(as_of),
            response__survey__in=surveys.exclude(mode=Survey.Mode.ANONYMOUS),
            question__key=KEY_PULSE,
            number__isnull=False,
            topic="",
        )
        .order_by("response__submitted_at", "pk")
        .values_list("response__person_id", "response__mentorship_id", "number")
    )
    latest: dict[tuple[int, int | None], int] = {}
    for person_id, mentorship_id, number in rows:
        if number is not None:
            latest[(person_id, mentorship_id)] = int(number)
    return list(latest.values())


def _pulse_interim(
    metric: str, *, cohort: Cohort | None, program: Program | None, as_of: date | None
) -> MetricValue:
    values = [rescale_pulse(r) for r in latest_pulses(cohort=cohort, program=program, as_of=as_of)]
    return _floored(metric, stats.mean_ci(values), BASIS_PULSE if values else "")


def _final_mean(
    metric: str,
    key: str,
    *,
    cohort: Cohort | None,
    program: Program | None,
    as_of: date | None,
    interim: bool,
) -> MetricValue:
    """The mean of question `key` over the final evaluations; before any final answer (and
    with `interim`), the pulse-based interim value."""
    surveys = _surveys(cohort=cohort, program=program, template=Survey.Template.FINAL)
    values = numbers_of(surveys, key, as_of=as_of)
    if not values and interim:
        return _pulse_interim(metric, cohort=cohort, program=program, as_of=as_of)
    return _floored(metric, stats.mean_ci(values), BASIS_FINAL)


def satisfaction(
    *,
    cohort: Cohort | None = None,
    program: Program | None = None,
    as_of: date | None = None,
    interim: bool = True,
) -> MetricValue:
    """Mean satisfaction (1-5) from the final evaluations of a cohort or a program; before
    any final answer (and with `interim`), the pulse-based interim value."""
    return _final_mean(
        Objective.Metric.SATISFACTION,
        KEY_SATISFACTION,
        cohort=cohort,
        program=program,
        as_of=as_of,
        interim=interim,
    )


def would_do_it_again(
    *,
    cohort: Cohort | None = None,
    program: Program | None = None,
    as_of: date | None = None,
    interim: bool = True,
) -> MetricValue:
    """Mean agreement (1-5) with "I would do it again" from the final evaluations; before
    any final answer (and with `interim`), the pulse-based interim value."""
    return _final_mean(
        "would_do_it_again",
        KEY_AGAIN,
        cohort=cohort,
        program=program,
        as_of=as_of,
        interim=interim,
    )


def would_do_it_again_share(
    *,
    cohort: Cohort | None = None,
    program: Program | None = None,
    as_of: date | None = None,
    interim: bool = True,
) -> MetricValue:
    """Share (0-1) who agree (4 or 5 of 5) that they would do it again; before any final
    answer (and with `interim`), the share of latest pulses of 8 or more (of 10)."""
    surveys = _surveys(cohort=cohort, program=program, template=Survey.Template.FINAL)
    values = numbers_of(surveys, KEY_AGAIN, as_of=as_of)
    basis, agree = BASIS_FINAL, 4
    if not values and interim:
        values = latest_pulses(cohort=cohort, program=program, as_of=as_of)
        basis, agree = (BASIS_PULSE if values else ""), PULSE_AGREE_MIN
    shares = [1.0 if v >= agree else 0.0 for v in values]
    return _floored("would_do_it_again_share", stats.mean_ci(shares), basis)


def net_promoter_score(
    *, cohort: Cohort | None = None, program: Program | None = None, as_of: date | None = None
) -> MetricValue:
    """NPS (-100..100) from the final evaluations; unit "score"."""
    surveys = _surveys(cohort=cohort, program=program, template=Survey.Template.FINAL)
    result = stats.nps(numbers_of(surveys, KEY_NPS, as_of=as_of))
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


def self_ratings_over_time(
    surveys: QuerySet[Survey], *, topic: str, role: str | None = None, as_of: date | None = None
) -> tuple[dict[tuple[int, int], int], dict[tuple[int, int], int], set[tuple[int, int]]]:
    """(first, latest, final) per (cohort id, person id) on `topic`, on or before `as_of`:
    `first` is the person's "pre" rating, `latest` their latest later rating (a "post"
    answer wins over any other occasion), `final` the keys whose latest is a "post"."""
    answers = Answer.objects.filter(
        submitted_by(as_of),
        response__survey__in=surveys.filter(mode=Survey.Mode.CONFIDENTIAL),
        question__kind=Question.Kind.SKILL_GRID,
        topic__iexact=topic,
        number__isnull=False,
    )
    if role:
        answers = answers.filter(response__role=role)
    rows = answers.order_by("response__submitted_at", "pk").values_list(
        "response__survey__cohort_id", "response__person_id", "response__occasion", "number"
    )
    first: dict[tuple[int, int], int] = {}
    latest: dict[tuple[int, int], int] = {}
    final: set[tuple[int, int]] = set()
    for cohort_id, person_id, occasion, number in rows:
        if number is None:
            continue
        key = (cohort_id, person_id)
        if occasion == PRE:
            first.setdefault(key, number)
        elif occasion == POST:
            latest[key] = number
            final.add(key)
        elif key not in final:
            latest[key] = number
    return first, latest, final


def self_rating_change(
    *,
    topic: str,
    role: str,
    cohort: Cohort | None = None,
    program: Program | None = None,
    as_of: date | None = None,
) -> stats.Interval:
    """Mean change (post - pre) of one side's self-rating on `topic`, before the floor."""
    surveys = _surveys(cohort=cohort, program=program, template=Survey.Template.SELF_ASSESSMENT)
    first, latest, final = self_ratings_over_time(surveys, topic=topic, role=role, as_of=as_of)
    changes = [float(latest[k] - first[k]) for k in sorted(first.keys() & final)]
    return stats.mean_ci(changes)


def _self_rating_metric(
    metric: str,
    *,
    topic: str,
    role: str,
    cohort: Cohort | None,
    program: Program | None,
    as_of: date | None,
    interim: bool,
) -> MetricValue:
    surveys = _surveys(cohort=cohort, program=program, template=Survey.Template.SELF_ASSESSMENT)
    first, latest, final = self_ratings_over_time(surveys, topic=topic, role=role, as_of=as_of)
    keys = sorted(first.keys() & final)
    basis = BASIS_SELF_ASSESSMENT
    if not keys and interim:
        keys = sorted(first.keys() & latest.keys())
        basis = BASIS_MID_SELF_ASSESSMENT if keys else ""
    changes = [float(latest[k] - first[k]) for k in keys]
    return _floored(metric, stats.mean_ci(changes), basis)


def mentee_self_rating_change(
    *,
    topic: str,
    cohort: Cohort | None = None,
    program: Program | None = None,
    as_of: date | None = None,
    interim: bool = True,
) -> MetricValue:
    """Mentees' mean self-rating change on `topic` (1-5 scale points), with its interval;
    before any "post" answer (and with `interim`), the change to the latest self-rating."""
    return _self_rating_metric(
        Objective.Metric.MENTEE_SELF_RATING_CHANGE,
        topic=topic,
        role=Side.MENTEE,
        cohort=cohort,
        program=program,
        as_of=as_of,
        interim=interim,
    )


def mentor_self_rating_change(
    *,
    topic: str,
    cohort: Cohort | None = None,
    program: Program | None = None,
    as_of: date | None = None,
    interim: bool = True,
) -> MetricValue:
    """Mentors' mean self-rating change on `topic` (1-5 scale points), with its interval;
    before any "post" answer (and with `interim`), the change to the latest self-rating."""
    return _self_rating_metric(
        Objective.Metric.MENTOR_SELF_RATING_CHANGE,
        topic=topic,
        role=Side.MENTOR,
        cohort=cohort,
        program=program,
        as_of=as_of,
        interim=interim,
    )


def is_would_do_it_again(objective: Objective) -> bool:
    """A satisfaction (or custom) objective about doing it again reads the "again" question."""
    return objective.metric in (
        Objective.Metric.SATISFACTION,
        Objective.Metric.CUSTOM,
    ) and bool(_AGAIN.search(objective.title))


def objective_value(
    objective: Objective, *, cohort: Cohort | None = None, as_of: date | None = None
) -> MetricValue | None:
    """The computed value of a program objective (over `cohort`, or all the program's
    cohorts) as of the end of `as_of` (None: now); None for metrics the surveys do not
    measure."""
    scope_program = None if cohort is not None else objective.program
    c, p = cohort, scope_program
    if is_would_do_it_again(objective):
        if objective.unit == Objective.Unit.PERCENT:
            return would_do_it_again_share(cohort=c, program=p, as_of=as_of)
        return would_do_it_again(cohort=c, program=p, as_of=as_of)
    if objective.metric == Objective.Metric.SATISFACTION:
        return satisfaction(cohort=c, program=p, as_of=as_of)
    topic = objective.parameter
    if objective.metric == Objective.Metric.MENTEE_SELF_RATING_CHANGE:
        return mentee_self_rating_change(topic=topic, cohort=c, program=p, as_of=as_of)
    if objective.metric == Objective.Metric.MENTOR_SELF_RATING_CHANGE:
        return mentor_self_rating_change(topic=topic, cohort=c, program=p, as_of=as_of)
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
