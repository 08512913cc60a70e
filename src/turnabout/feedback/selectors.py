"""Reads of surveys, each scoped by `feedback.permissions`; results through the floor.

Anybody without the right to see a thing gets NotFound (404), so ids reveal nothing.
Every figure of `survey_results` passes `common.privacy`: nothing is shown about fewer
people than `TURNABOUT_MIN_GROUP_SIZE`, and a breakdown whose total is shown hides any
group that subtraction would reveal. The KPI and pair-health feeds are in `metrics`.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from turnabout.accounts import permissions as roles
from turnabout.common.errors import NotFound
from turnabout.common.privacy import meets_floor, min_group_size, suppress_counts, suppress_means
from turnabout.common.types import AnyUser
from turnabout.engagement.models import Side
from turnabout.feedback import metrics, permissions, stats
from turnabout.feedback.models import (
    SCALES,
    AnonymousResponse,
    Answer,
    Invitation,
    PairFitFlag,
    Question,
    Response,
    Survey,
)
from turnabout.people.models import Employee
from turnabout.programs.models import Cohort, Program
from turnabout.programs.permissions import managed_programs_filter

LIKERT_LABELS = {
    1: _("Strongly disagree"),
    2: _("Disagree"),
    3: _("Neutral"),
    4: _("Agree"),
    5: _("Strongly agree"),
}


def employee_of(user: AnyUser) -> Employee | None:
    if not user.is_authenticated:
        return None
    return Employee.objects.filter(user_id=user.pk).first()


# --- Managers ---------------------------------------------------------------------------


def cohort_get_for_manager(*, user: AnyUser, cohort_id: int) -> Cohort:
    cohort = Cohort.objects.select_related("program").filter(pk=cohort_id).first()
    if cohort is None or not permissions.can_manage_surveys(user, cohort):
        raise NotFound(_("No such cohort."))
    return cohort


def surveys_manageable(user: AnyUser) -> QuerySet[Survey]:
    """Surveys of the programs `user` manages."""
    programs = Program.objects.filter(managed_programs_filter(user)).values("pk")
    return Survey.objects.filter(cohort__program__in=programs).select_related("cohort__program")


def surveys_visible(user: AnyUser) -> QuerySet[Survey]:
    """Surveys whose results `user` may see: managed ones, every one for sponsors."""
    if roles.is_sponsor(user) or roles.is_org_admin(user):
        return Survey.objects.select_related("cohort__program")
    return surveys_manageable(user)


def survey_get(*, user: AnyUser, survey_id: int, manage: bool = True) -> Survey:
    """A survey the user manages (`manage`) or whose results they may see."""
    survey = Survey.objects.select_related("cohort__program").filter(pk=survey_id).first()
    if survey is None:
        raise NotFound(_("No such survey."))
    allowed = (
        permissions.can_manage_surveys(user, survey.cohort)
        if manage
        else permissions.can_view_results(user, survey)
    )
    if not allowed:
        raise NotFound(_("No such survey."))
    return survey


def surveys_of_cohort(cohort: Cohort) -> list[Survey]:
    return list(
        Survey.objects.filter(cohort=cohort)
        .annotate(
            invited=Count("invitations", distinct=True),
            answered=Count(
                "invitations", filter=Q(invitations__answered_on__isnull=False), distinct=True
            ),
        )
        .order_by("-created_at", "-pk")
    )


def questions_of(survey: Survey) -> list[Question]:
    return list(survey.questions.order_by("position", "pk"))


def fit_flags(*, user: AnyUser, cohort: Cohort) -> list[PairFitFlag]:
    """Pairs flagged "not a good fit": the program's managers only."""
    if not permissions.can_manage_surveys(user, cohort):
        return []
    return list(
        PairFitFlag.objects.filter(mentorship__cohort=cohort)
        .select_related("mentorship__mentor", "mentorship__mentee")
        .order_by("-created_at")
    )


# --- Participants -----------------------------------------------------------------------


@dataclass(frozen=True)
class OpenSurvey:
    """One survey waiting for the participant (for the hub and the API)."""

    invitation_id: int
    survey_id: int
    title: str
    mode: str
    due_on: date
    partner: str
    has_draft: bool
    url: str


def open_surveys_for(user: AnyUser, *, today: date | None = None) -> list[OpenSurvey]:
    """The participant's unanswered invitations of open surveys, soonest due first.

    The hub shows these (wherever the hub lives): `feedback.selectors.open_surveys_for`.
    """
    person = employee_of(user)
    if person is None:
        return []
    today = today or timezone.localdate()
    invitations = (
        Invitation.objects.filter(
            person=person,
            answered_on__isnull=True,
            due_on__gte=today,
            survey__status=Survey.Status.OPEN,
        )
        .select_related("survey", "mentorship__mentor", "mentorship__mentee")
        .order_by("due_on", "pk")[:20]
    )
    drafts = set(
        Response.objects.filter(invitation__in=invitations, submitted_at__isnull=True).values_list(
            "invitation_id", flat=True
        )
    )
    result = []
    for inv in invitations:
        partner = ""
        if inv.mentorship is not None:
            other = inv.mentorship.mentee if inv.role == Side.MENTOR else inv.mentorship.mentor
            partner = other.full_name
        result.append(
            OpenSurvey(
                inv.pk,
                inv.survey_id,
                inv.survey.title,
                inv.survey.mode,
                inv.due_on,
                partner,
                inv.pk in drafts,
                inv.get_absolute_url(),
            )
        )
    return result


def invitation_get(*, user: AnyUser, invitation_id: int) -> Invitation:
    invitation = (
        Invitation.objects.select_related(
            "survey__cohort__program", "person", "mentorship__mentor", "mentorship__mentee"
        )
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or not permissions.can_answer(user, invitation):
        raise NotFound(_("No such survey."))
    return invitation


def draft_values(invitation: Invitation) -> dict[str, Any]:
    """The saved draft (or submitted answers) of a confidential or pair invitation, as the
    raw form values by question id."""
    response = Response.objects.filter(invitation=invitation).first()
    if response is None:
        return {}
    values: dict[str, Any] = {}
    for a in response.answers.select_related("question"):
        name = str(a.question_id)
        if a.question.kind == Question.Kind.SKILL_GRID:
            values.setdefault(name, {})[a.topic] = a.number
        elif a.question.kind == Question.Kind.SINGLE:
            values[name] = a.choices[0] if a.choices else ""
        else:
            values[name] = a.value
    return values


def fit_flag_get_for_mentee(*, user: AnyUser, flag_id: int) -> PairFitFlag:
    flag = (
        PairFitFlag.objects.select_related("mentorship__mentee", "mentorship__mentor")
        .filter(pk=flag_id)
        .first()
    )
    if flag is None or flag.mentorship.mentee.user_id != user.pk or not user.is_authenticated:
        raise NotFound(_("No such page."))
    return flag


@dataclass(frozen=True)
class GrowthRow:
    topic: str
    before: int | None
    after: int | None

    @property
    def change(self) -> int | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


def own_growth(user: AnyUser) -> list[tuple[Survey, list[GrowthRow]]]:
    """The user's own pre/post self-ratings per self-assessment survey (theirs alone)."""
    person = employee_of(user)
    if person is None:
        return []
    answers = (
        Answer.objects.filter(
            response__person=person,
            response__submitted_at__isnull=False,
            response__occasion__in=[metrics.PRE, metrics.POST],
            question__kind=Question.Kind.SKILL_GRID,
        )
        .select_related("response__survey", "question")
        .order_by("response__survey_id", "question__position")
    )
    by_survey: dict[int, tuple[Survey, dict[str, dict[str, int]]]] = {}
    for a in answers:
        survey = a.response.survey
        entry = by_survey.setdefault(survey.pk, (survey, defaultdict(dict)))
        if a.number is not None:
            entry[1][a.topic][a.response.occasion] = a.number
    result = []
    for survey, topics in by_survey.values():
        rows = [
            GrowthRow(topic, values.get(metrics.PRE), values.get(metrics.POST))
            for topic, values in topics.items()
        ]
        result.append((survey, rows))
    return result


def own_answers(user: AnyUser) -> list[Response]:
    """The user's submitted confidential and pair answer sheets (never anonymous ones)."""
    person = employee_of(user)
    if person is None:
        return []
    return list(
        Response.objects.filter(person=person, submitted_at__isnull=False)
        .select_related("survey")
        .prefetch_related("answers__question")
        .order_by("-submitted_at")[:20]
    )


# --- Results ----------------------------------------------------------------------------


@dataclass
class Bar:
    label: str
    count: int
    share: float  # 0-100 of the question's answers


@dataclass
class LikertSegment:
    label: str
    value: int
    share: float
    offset: float  # where the segment starts on a 0-100 axis centred on "neutral"


@dataclass
class TopicChange:
    topic: str
    n: int | None
    mean: float | None
    low: float | None
    high: float | None
    hidden: bool
    by_role: list[Any] = field(default_factory=list)


@dataclass
class QuestionResult:
    question: Question
    n: int
    hidden: bool
    bars: list[Bar] = field(default_factory=list)
    interval: stats.Interval | None = None
    nps: stats.Nps | None = None
    likert: list[LikertSegment] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    grid: list[tuple[str, stats.Interval]] = field(default_factory=list)
    by_role: list[Any] = field(default_factory=list)


@dataclass
class SurveyResults:
    survey: Survey
    floor: int
    invited: int
    answered: int
    hidden: bool
    rate_by_role: list[tuple[str, int | None, int]] = field(default_factory=list)
    questions: list[QuestionResult] = field(default_factory=list)
    changes: list[TopicChange] = field(default_factory=list)
    details: bool = False


@dataclass
class _Sheet:
    """One respondent's answers, whatever the storage: role and values by question id."""

    role: str
    values: dict[int, Any]


def _sheets(survey: Survey) -> list[_Sheet]:
    if survey.is_anonymous:
        return [
            _Sheet(row.role, {int(k): v for k, v in row.answers.items()})
            for row in AnonymousResponse.objects.filter(survey=survey).only("role", "answers")
        ]
    sheets: dict[int, _Sheet] = {}
    answers = Answer.objects.filter(
        response__survey=survey, response__submitted_at__isnull=False
    ).select_related("question").values_list(
        "response_id", "response__role", "question_id", "question__kind", "topic", "number",
        "choices", "text",
    )  # fmt: skip
    for rid, role, qid, kind, topic, number, choices, text in answers:
        sheet = sheets.setdefault(rid, _Sheet(role, {}))
        if kind == Question.Kind.SKILL_GRID:
            sheet.values.setdefault(qid, {})[topic] = number
        elif number is not None:
            sheet.values[qid] = number
        elif choices:
            sheet.values[qid] = choices
        else:
            sheet.values[qid] = text
    return list(sheets.values())


def _likert(counts: dict[int, int], n: int) -> list[LikertSegment]:
    """Diverging stacked bar: disagree left of the centre, agree right, neutral split."""
    shares = {v: 100.0 * c / n for v, c in counts.items()}
    left = shares[1] + shares[2] + shares[3] / 2
    offset = 50.0 - left
    segments = []
    for value in range(1, 6):
        segments.append(LikertSegment(str(LIKERT_LABELS[value]), value, shares[value], offset))
        offset += shares[value]
    return segments


def _role_means(values_by_role: dict[str, list[float]]) -> list[Any]:
    groups = {
        str(Side(role).label): (len(v), stats.mean_ci(v).mean)
        for role, v in sorted(values_by_role.items())
    }
    return suppress_means(groups) if len(groups) > 1 else []


def _question_result(q: Question, sheets: Sequence[_Sheet], *, details: bool) -> QuestionResult:
    answered = [s for s in sheets if q.pk in s.values]
    n = len(answered)
    result = QuestionResult(question=q, n=n, hidden=not meets_floor(n))
    if result.hidden:
        return result
    scale = SCALES.get(q.kind)
    if q.kind == Question.Kind.SKILL_GRID:
        for topic in q.options:
            ratings = [float(s.values[q.pk][topic]) for s in answered if topic in s.values[q.pk]]
            if meets_floor(len(ratings)):
                result.grid.append((topic, stats.mean_ci(ratings)))
        return result
    if scale is not None:
        numbers: list[int] = [int(s.values[q.pk]) for s in answered]
        counts = stats.distribution(numbers, *scale)
        result.bars = [
            Bar(str(LIKERT_LABELS[v]) if q.kind == Question.Kind.LIKERT else str(v), c, 100 * c / n)
            for v, c in counts.items()
        ]
        result.interval = stats.mean_ci([float(v) for v in numbers])
        if q.kind == Question.Kind.NPS:
            result.nps = stats.nps(numbers)
        if q.kind == Question.Kind.LIKERT:
            result.likert = _likert(counts, n)
        by_role: dict[str, list[float]] = defaultdict(list)
        for s in answered:
            by_role[s.role].append(float(s.values[q.pk]))
        result.by_role = _role_means(by_role)
        return result
    if q.kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
        tally: Counter[str] = Counter()
        for s in answered:
            tally.update(s.values[q.pk])
        result.bars = [Bar(o, tally[o], 100 * tally[o] / n) for o in q.options]
        return result
    if details:  # free text: shuffled, above the floor, for the program's managers only
        texts = [str(s.values[q.pk]) for s in answered]
        random.SystemRandom().shuffle(texts)
        result.texts = texts
    return result


def _changes(survey: Survey, topics: Iterable[str]) -> list[TopicChange]:
    surveys = Survey.objects.filter(pk=survey.pk)
    rows = []
    for topic in topics:
        pre, post = metrics.self_rating_pairs(surveys, topic=topic)
        roles = dict(
            Response.objects.filter(survey=survey).values_list("person_id", "role").distinct()
        )
        keys = sorted(pre.keys() & post.keys())
        changes = [float(post[k] - pre[k]) for k in keys]
        interval = stats.mean_ci(changes)
        hidden = not meets_floor(interval.n)
        by_role: dict[str, list[float]] = defaultdict(list)
        for k, change in zip(keys, changes, strict=True):
            by_role[roles.get(k[1], Side.MENTEE)].append(change)
        rows.append(
            TopicChange(
                topic,
                None if hidden else interval.n,
                None if hidden else interval.mean,
                None if hidden else interval.low,
                None if hidden else interval.high,
                hidden,
                [] if hidden else _role_means(by_role),
            )
        )
    return rows


def survey_results(*, user: AnyUser, survey: Survey) -> SurveyResults:
    """Everything the results page, the API and the exports show, through the floor."""
    if not permissions.can_view_results(user, survey):
        raise NotFound(_("No such survey."))
    details = permissions.can_view_details(user, survey)
    floor = min_group_size()
    invitations = Invitation.objects.filter(survey=survey)
    invited_by_role = dict(
        invitations.values_list("role").annotate(n=Count("pk")).values_list("role", "n")
    )
    answered_by_role = dict(
        invitations.filter(answered_on__isnull=False)
        .values_list("role")
        .annotate(n=Count("pk"))
        .values_list("role", "n")
    )
    safe_answered = suppress_counts(
        {role: answered_by_role.get(role, 0) for role in sorted(invited_by_role)}
    )
    sheets = _sheets(survey)
    answered = len(sheets)
    results = SurveyResults(
        survey=survey,
        floor=floor,
        invited=sum(invited_by_role.values()),
        answered=sum(answered_by_role.values()),
        hidden=not meets_floor(answered),
        rate_by_role=[
            (str(Side(role).label), safe_answered[role], invited_by_role[role])
            for role in sorted(invited_by_role)
        ],
        details=details,
    )
    if results.hidden:
        return results
    questions = questions_of(survey)
    results.questions = [_question_result(q, sheets, details=details) for q in questions]
    if survey.trigger == Survey.Trigger.PRE_POST and not survey.is_anonymous:
        topics = [t for q in questions if q.kind == Question.Kind.SKILL_GRID for t in q.options]
        results.changes = _changes(survey, topics)
    return results


@dataclass(frozen=True)
class PairAnswerRow:
    mentorship_id: int
    mentor: str
    mentee: str
    occasion: str
    mentor_answer: str
    mentee_answer: str
    gap: int | None


def pair_answers(*, user: AnyUser, survey: Survey, limit: int = 200) -> list[PairAnswerRow]:
    """Each partner's answer to the first question of a pair-mode survey, side by side:
    the program's managers only (never a partner, never a sponsor)."""
    if survey.mode != Survey.Mode.PAIR or not permissions.can_view_details(user, survey):
        return []
    first = survey.questions.order_by("position", "pk").first()
    if first is None:
        return []
    answers = (
        Answer.objects.filter(
            question=first, response__submitted_at__isnull=False, response__mentorship__isnull=False
        )
        .select_related("response__mentorship__mentor", "response__mentorship__mentee")
        .order_by("response__mentorship_id", "response__occasion")
    )
    table: dict[tuple[int, str], dict[str, Any]] = {}
    for a in answers:
        r = a.response
        occasion = r.occasion.rsplit(":pair", 1)[0]
        assert r.mentorship is not None
        row = table.setdefault(
            (r.mentorship_id or 0, occasion),
            {"m": r.mentorship, "occasion": occasion},
        )
        row[r.role] = a.value
    rows = []
    for (m_id, occasion), row in list(table.items())[:limit]:
        mentor_v, mentee_v = row.get(Side.MENTOR), row.get(Side.MENTEE)
        gap = (
            abs(mentor_v - mentee_v)
            if isinstance(mentor_v, int) and isinstance(mentee_v, int)
            else None
        )
        rows.append(
            PairAnswerRow(
                m_id,
                row["m"].mentor.full_name,
                row["m"].mentee.full_name,
                occasion,
                _show(mentor_v),
                _show(mentee_v),
                gap,
            )
        )
    return rows


def _show(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


@dataclass
class CohortBreakdown:
    key: str
    text: str
    rows: list[Any]


def program_breakdown(*, user: AnyUser, survey: Survey) -> list[CohortBreakdown]:
    """Mean per cohort of each numeric question, over the program's surveys of the same
    template (same `key`), through the floor with complementary suppression."""
    if not permissions.can_view_results(user, survey) or survey.template == Survey.Template.CUSTOM:
        return []
    siblings = Survey.objects.filter(
        cohort__program_id=survey.cohort.program_id, template=survey.template
    ).exclude(status=Survey.Status.DRAFT)
    result = []
    for q in questions_of(survey):
        if not q.key or q.kind not in (
            Question.Kind.LIKERT,
            Question.Kind.RATING,
            Question.Kind.NPS,
        ):
            continue
        groups: dict[str, tuple[int, float | None]] = {}
        for sibling in siblings.select_related("cohort"):
            values = [
                float(v) for v in metrics.numbers_of(Survey.objects.filter(pk=sibling.pk), q.key)
            ]
            groups[sibling.cohort.name] = (len(values), stats.mean_ci(values).mean)
        if len(groups) > 1:
            result.append(CohortBreakdown(q.key, q.text, suppress_means(groups)))
    return result
