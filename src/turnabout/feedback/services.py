"""Every write of the feedback app: build, open and close surveys, answer them, schedule
invitations and reminders, flag pairs that are not a good fit.

Anonymous answers are written by `_store_anonymous` only: no audit row, no timestamp finer
than the day, and the new response is re-inserted together with a random sample of the
survey's earlier responses, in shuffled order and under fresh random keys (see
`feedback.models`), so the table's order and keys say nothing about who answered when.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import Min, Q, QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from turnabout.common.audit import audit_record
from turnabout.common.errors import Conflict, ErrorCode, ValidationFailed, require
from turnabout.common.types import AnyUser
from turnabout.engagement.models import MentoringSession, Side
from turnabout.feedback import builtin, metrics, permissions
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
from turnabout.feedback.tasks import send_fit_flag_email as send_fit_flag_email_task
from turnabout.feedback.tasks import send_invitation_email as send_invitation_email_task
from turnabout.pairing.models import Mentorship
from turnabout.pairing.services import mentorship_end
from turnabout.programs.models import Cohort, InterestSurvey, Objective, Phase, Program

# How many earlier anonymous responses are re-inserted with each new one (all of them
# when the survey has fewer): the new answer hides among them in the table's order.
MIX_SIZE = 50
# Reminder steps: days after the invitation. Each is sent at most once per invitation.
REMINDER_DAYS = (3, 7)
MAX_TOPICS = 12
DEFAULT_TOPICS = [
    "Generative AI tools",
    "Social media",
    "Collaboration tools",
    "Workplace culture",
]

_system_random = random.SystemRandom()


class FeedbackEvent:
    SURVEY_CREATED = "feedback.survey_created"
    SURVEY_UPDATED = "feedback.survey_updated"
    SURVEY_OPENED = "feedback.survey_opened"
    SURVEY_CLOSED = "feedback.survey_closed"
    QUESTION_CHANGED = "feedback.question_changed"
    ANSWERED = "feedback.answered"
    PAIR_FLAGGED = "feedback.pair_flagged"
    REMATCH_REQUESTED = "feedback.rematch_requested"
    INVITATIONS_SENT = "feedback.invitations_sent"


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def program_topics(program: Program) -> list[str]:
    """The topics of a program's skill self-assessment: the topics of its self-rating
    objectives first, then those of its interest surveys, else a default list."""
    topics: list[str] = []
    objectives = program.objectives.filter(
        metric__in=[
            Objective.Metric.MENTEE_SELF_RATING_CHANGE,
            Objective.Metric.MENTOR_SELF_RATING_CHANGE,
        ]
    ).exclude(parameter="")
    candidates = [o.parameter for o in objectives]
    for survey in InterestSurvey.objects.filter(cohort__program=program).order_by("pk"):
        candidates.extend(str(t) for t in survey.topics)
    for topic in candidates or DEFAULT_TOPICS:
        if topic.casefold() not in {t.casefold() for t in topics}:
            topics.append(topic[: Question.OPTION_MAX])
    return topics[:MAX_TOPICS]


# --- Building -----------------------------------------------------------------------------


def _require_manager(survey_or_cohort: Survey | Cohort, acting_user: AnyUser) -> None:
    cohort = survey_or_cohort.cohort if isinstance(survey_or_cohort, Survey) else survey_or_cohort
    require(
        permissions.can_manage_surveys(acting_user, cohort),
        _("Only the program's managers can change its surveys."),
    )


def has_answers(survey: Survey) -> bool:
    return (
        Response.objects.filter(survey=survey).exists()
        or AnonymousResponse.objects.filter(survey=survey).exists()
    )


def _require_editable(survey: Survey) -> None:
    if survey.status == Survey.Status.CLOSED:
        raise Conflict(
            _("This survey is closed: its questions and answers stay as they are."),
            code=ErrorCode.SURVEY_LOCKED,
        )
    if has_answers(survey):
        raise Conflict(
            _("Somebody has answered already: the survey can no longer be edited."),
            code=ErrorCode.SURVEY_LOCKED,
        )


@transaction.atomic
def survey_create(
    cohort: Cohort, *, template: str, acting_user: AnyUser, title: str = ""
) -> Survey:
    """A new draft survey from a built-in template (or an empty custom one)."""
    _require_manager(cohort, acting_user)
    if template != Survey.Template.CUSTOM and template not in builtin.TEMPLATES:
        raise ValidationFailed(
            _("Choose one of the templates."), code=ErrorCode.VALIDATION_FAILED, field="template"
        )
    spec = builtin.TEMPLATES.get(template)
    survey = Survey.objects.create(
        cohort=cohort,
        template=template,
        title=(title or (str(spec.title) if spec else _("New survey")))[: Survey.TITLE_MAX],
        intro=str(spec.intro) if spec else "",
        mode=spec.mode if spec else Survey.Mode.ANONYMOUS,
        audience=spec.audience if spec else Survey.Audience.BOTH,
        trigger=spec.trigger if spec else Survey.Trigger.MANUAL,
        weeks=_midpoint_weeks(cohort)
        if template == Survey.Template.MIDPOINT
        else (spec.weeks if spec else 4),
        created_by_id=acting_user.pk if acting_user.is_authenticated else None,
    )
    if spec:
        topics = program_topics(cohort.program)
        Question.objects.bulk_create(
            Question(
                survey=survey,
                position=n,
                kind=q.kind,
                text=str(q.text),
                help_text=str(q.help_text),
                required=q.required,
                options=topics if q.topics else [str(o) for o in q.options],
                key=q.key,
            )
            for n, q in enumerate(spec.questions, start=1)
        )
    audit_record(
        actor=acting_user,
        event=FeedbackEvent.SURVEY_CREATED,
        target=survey,
        changes={"template": (None, template)},
    )
    return survey


def _midpoint_weeks(cohort: Cohort) -> int:
    weeks = (cohort.ends_on - cohort.starts_on).days // 14
    return max(1, min(Survey.WEEKS_MAX, weeks))


SURVEY_FIELDS = (
    "title",
    "intro",
    "mode",
    "audience",
    "trigger",
    "weeks",
    "respond_within_days",
    "closes_on",
)


def _clean_survey_fields(data: Mapping[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for name in SURVEY_FIELDS:
        if name not in data:
            continue
        value = data[name]
        if name == "title":
            value = str(value or "").strip()
            if not value:
                raise ValidationFailed(_("Give the survey a title."), field="title")
            if len(value) > Survey.TITLE_MAX:
                raise ValidationFailed(
                    _("At most %(n)d characters.") % {"n": Survey.TITLE_MAX}, field="title"
                )
        elif name == "intro":
            value = str(value or "").strip()[: Survey.INTRO_MAX]
        elif name in ("mode", "audience", "trigger"):
            choices = {
                "mode": Survey.Mode.values,
                "audience": Survey.Audience.values,
                "trigger": Survey.Trigger.values,
            }[name]
            if value not in choices:
                raise ValidationFailed(_("Choose one of the options."), field=name)
        elif name == "weeks":
            if not isinstance(value, int) or not 1 <= value <= Survey.WEEKS_MAX:
                raise ValidationFailed(
                    _("Between 1 and %(n)d weeks.") % {"n": Survey.WEEKS_MAX}, field=name
                )
        elif name == "respond_within_days":
            if not isinstance(value, int) or not 1 <= value <= Survey.RESPOND_WITHIN_MAX:
                raise ValidationFailed(
                    _("Between 1 and %(n)d days.") % {"n": Survey.RESPOND_WITHIN_MAX}, field=name
                )
        elif name == "closes_on" and value is not None and not isinstance(value, date):
            raise ValidationFailed(_("Give a date."), field=name)
        cleaned[name] = value
    return cleaned


@transaction.atomic
def survey_update(survey: Survey, *, data: Mapping[str, Any], acting_user: AnyUser) -> Survey:
    """Change a survey's settings; until the first answer (the close date: until closed)."""
    _require_manager(survey, acting_user)
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    cleaned = _clean_survey_fields(data)
    only_close_date = set(cleaned) <= {"closes_on"}
    if not (only_close_date and survey.status != Survey.Status.CLOSED):
        _require_editable(survey)
    if survey.is_open and "mode" in cleaned and cleaned["mode"] != survey.mode:
        raise Conflict(
            _("The privacy of an open survey cannot change."), code=ErrorCode.SURVEY_LOCKED
        )
    changes = {
        name: (getattr(survey, name), value)
        for name, value in cleaned.items()
        if getattr(survey, name) != value
    }
    for name, (_old, new) in changes.items():
        setattr(survey, name, new)
    if changes:
        survey.save(update_fields=[*changes, "updated_at"])
        audit_record(
            actor=acting_user, event=FeedbackEvent.SURVEY_UPDATED, target=survey, changes=changes
        )
    return survey


def _clean_question(
    *, kind: str, text: str, help_text: str, options: Sequence[str]
) -> tuple[str, str, list[str]]:
    if kind not in Question.Kind.values:
        raise ValidationFailed(_("Choose a kind of question."), field="kind")
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(_("Write the question."), field="text")
    if len(text) > Question.TEXT_MAX:
        raise ValidationFailed(
            _("At most %(n)d characters.") % {"n": Question.TEXT_MAX}, field="text"
        )
    help_text = (help_text or "").strip()[: Question.HELP_MAX]
    cleaned: list[str] = []
    for option in options:
        option = str(option).strip()
        if option and option not in cleaned:
            cleaned.append(option[: Question.OPTION_MAX])
    needs_options = kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE, Question.Kind.SKILL_GRID)
    if needs_options and len(cleaned) < (1 if kind == Question.Kind.SKILL_GRID else 2):
        raise ValidationFailed(_("List the choices (or topics), one per line."), field="options")
    if len(cleaned) > Question.OPTIONS_MAX:
        raise ValidationFailed(
            _("At most %(n)d choices.") % {"n": Question.OPTIONS_MAX}, field="options"
        )
    return text, help_text, cleaned if needs_options else []


@transaction.atomic
def question_add(
    survey: Survey,
    *,
    kind: str,
    text: str,
    help_text: str = "",
    required: bool = True,
    options: Sequence[str] = (),
    key: str = "",
    acting_user: AnyUser,
) -> Question:
    """Add a question at the end; `key` gives it a meaning for the metrics (a built-in
    template's key, as a program file carries it)."""
    _require_manager(survey, acting_user)
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    _require_editable(survey)
    text, help_text, cleaned = _clean_question(
        kind=kind, text=text, help_text=help_text, options=options
    )
    last = survey.questions.order_by("-position").values_list("position", flat=True).first()
    question = Question.objects.create(
        survey=survey,
        position=(last or 0) + 1,
        kind=kind,
        text=text,
        help_text=help_text,
        required=required,
        options=cleaned,
        key=slugify(key)[: Question._meta.get_field("key").max_length or 40],
    )
    audit_record(
        actor=acting_user,
        event=FeedbackEvent.QUESTION_CHANGED,
        target=survey,
        changes={"question": (None, text)},
    )
    return question


@transaction.atomic
def question_update(
    question: Question,
    *,
    text: str,
    help_text: str = "",
    required: bool = True,
    options: Sequence[str] = (),
    acting_user: AnyUser,
) -> Question:
    survey = question.survey
    _require_manager(survey, acting_user)
    Survey.objects.select_for_update().get(pk=survey.pk)
    _require_editable(survey)
    if question.key in builtin.LOCKED_OPTION_KEYS:
        options = question.options  # the metrics read these values
    text, help_text, cleaned = _clean_question(
        kind=question.kind, text=text, help_text=help_text, options=options
    )
    old = question.text
    question.text, question.help_text, question.required = text, help_text, required
    question.options = cleaned
    question.save(update_fields=["text", "help_text", "required", "options"])
    audit_record(
        actor=acting_user,
        event=FeedbackEvent.QUESTION_CHANGED,
        target=survey,
        changes={"question": (old, text)},
    )
    return question


@transaction.atomic
def question_delete(question: Question, *, acting_user: AnyUser) -> None:
    survey = question.survey
    _require_manager(survey, acting_user)
    Survey.objects.select_for_update().get(pk=survey.pk)
    _require_editable(survey)
    old = question.text
    question.delete()
    for n, q in enumerate(survey.questions.order_by("position", "pk"), start=1):
        if q.position != n:
            Question.objects.filter(pk=q.pk).update(position=n)
    audit_record(
        actor=acting_user,
        event=FeedbackEvent.QUESTION_CHANGED,
        target=survey,
        changes={"question": (old, None)},
    )


@transaction.atomic
def question_move(question: Question, *, up: bool, acting_user: AnyUser) -> None:
    survey = question.survey
    _require_manager(survey, acting_user)
    Survey.objects.select_for_update().get(pk=survey.pk)
    _require_editable(survey)
    ordered = list(survey.questions.order_by("position", "pk"))
    i = next(n for n, q in enumerate(ordered) if q.pk == question.pk)
    j = i - 1 if up else i + 1
    if 0 <= j < len(ordered):
        ordered[i], ordered[j] = ordered[j], ordered[i]
        for n, q in enumerate(ordered, start=1):
            Question.objects.filter(pk=q.pk).update(position=n)


@transaction.atomic
def survey_open(survey: Survey, *, acting_user: AnyUser, now: datetime | None = None) -> Survey:
    """Open a draft: from now on the schedule invites people (at once for "by hand")."""
    _require_manager(survey, acting_user)
    survey = Survey.objects.select_for_update().select_related("cohort").get(pk=survey.pk)
    now = now or timezone.now()
    if survey.status != Survey.Status.DRAFT:
        raise Conflict(
            _("This survey is %(status)s: only a draft can be opened.")
            % {"status": survey.get_status_display().lower()},
            code=ErrorCode.SURVEY_STATE,
        )
    if not survey.questions.exists():
        raise ValidationFailed(
            _("Add at least one question before opening the survey."),
            code=ErrorCode.SURVEY_EMPTY,
        )
    if survey.closes_on is not None and survey.closes_on < now.date():
        raise ValidationFailed(
            _("The close date is in the past: move it first."), field="closes_on"
        )
    survey.status = Survey.Status.OPEN
    survey.opened_at = now
    survey.save(update_fields=["status", "opened_at", "updated_at"])
    audit_record(
        actor=acting_user,
        event=FeedbackEvent.SURVEY_OPENED,
        target=survey,
        changes={"status": (Survey.Status.DRAFT, Survey.Status.OPEN)},
    )
    invitations_run(survey, now=now)
    return survey


def _close(survey: Survey, *, acting_user: AnyUser | None, now: datetime) -> Survey:
    old = survey.status
    survey.status = Survey.Status.CLOSED
    survey.closed_at = now
    survey.save(update_fields=["status", "closed_at", "updated_at"])
    audit_record(
        actor=acting_user,
        event=FeedbackEvent.SURVEY_CLOSED,
        target=survey,
        changes={"status": (old, Survey.Status.CLOSED)},
    )
    return survey


@transaction.atomic
def survey_close(survey: Survey, *, acting_user: AnyUser, now: datetime | None = None) -> Survey:
    """Close an open survey: no more answers; drafts stay unsubmitted and do not count."""
    _require_manager(survey, acting_user)
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.status != Survey.Status.OPEN:
        raise Conflict(_("Only an open survey can be closed."), code=ErrorCode.SURVEY_STATE)
    return _close(survey, acting_user=acting_user, now=now or timezone.now())


# --- Answering ----------------------------------------------------------------------------


@dataclass
class CleanAnswers:
    """Answers checked against the questions: values by question id, errors by field."""

    values: dict[int, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def clean_answers(
    questions: Iterable[Question], data: Mapping[str, Any], *, partial: bool
) -> CleanAnswers:
    """Check raw answers (by question id as text) against each question's kind and limits.

    Numbers: an int in the kind's scale. Single: one of the options. Multiple: a list of
    options. Text: a string within the kind's limit. Skill grid: {topic: 1-5}. Required
    questions must be answered unless `partial` (a draft).
    """
    result = CleanAnswers()
    for q in questions:
        name = str(q.pk)
        raw = data.get(name)
        empty = raw is None or raw == "" or raw == [] or raw == {}
        if empty:
            if q.required and not partial:
                result.errors[name] = _("Please answer this question.")
            continue
        scale = SCALES.get(q.kind)
        if q.kind == Question.Kind.SKILL_GRID:
            if not isinstance(raw, Mapping):
                result.errors[name] = _("Rate each topic from 1 to 5.")
                continue
            grid: dict[str, int] = {}
            low, high = SCALES[q.kind]
            for topic in q.options:
                number = _int(raw.get(topic))
                if number is None:
                    if raw.get(topic) not in (None, ""):
                        result.errors[name] = _("Rate each topic from 1 to 5.")
                    continue
                if not low <= number <= high:
                    result.errors[name] = _("Rate each topic from 1 to 5.")
                    continue
                grid[topic] = number
            if name in result.errors:
                continue
            if q.required and not partial and len(grid) < len(q.options):
                result.errors[name] = _("Rate every topic.")
                continue
            if grid:
                result.values[q.pk] = grid
        elif scale is not None:
            number = _int(raw)
            low, high = scale
            if number is None or not low <= number <= high:
                result.errors[name] = _("Choose a value from %(low)d to %(high)d.") % {
                    "low": low,
                    "high": high,
                }
                continue
            result.values[q.pk] = number
        elif q.kind == Question.Kind.SINGLE:
            if raw not in q.options:
                result.errors[name] = _("Choose one of the options.")
                continue
            result.values[q.pk] = [raw]
        elif q.kind == Question.Kind.MULTIPLE:
            chosen = [raw] if isinstance(raw, str) else list(raw) if isinstance(raw, list) else None
            if chosen is None or any(c not in q.options for c in chosen):
                result.errors[name] = _("Choose among the options.")
                continue
            result.values[q.pk] = [o for o in q.options if o in chosen]
        else:
            if not isinstance(raw, str):
                result.errors[name] = _("Write text.")
                continue
            text = raw.strip().replace("\x00", "")
            limit = (
                Question.SHORT_TEXT_MAX
                if q.kind == Question.Kind.SHORT_TEXT
                else Question.LONG_TEXT_MAX
            )
            if len(text) > limit:
                result.errors[name] = _("At most %(n)d characters.") % {"n": limit}
                continue
            if text:
                result.values[q.pk] = text
            elif q.required and not partial:
                result.errors[name] = _("Please answer this question.")
    return result


def _locked_invitation(invitation: Invitation) -> Invitation:
    return (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("survey__cohort__program", "person", "mentorship")
        .get(pk=invitation.pk)
    )


def invitation_is_open(invitation: Invitation, *, today: date) -> bool:
    return (
        invitation.survey.status == Survey.Status.OPEN
        and invitation.answered_on is None
        and invitation.due_on >= today
    )


@dataclass(frozen=True)
class Saved:
    submitted: bool
    flagged: bool = False


@transaction.atomic
def response_save(
    invitation: Invitation,
    *,
    data: Mapping[str, Any],
    submit: bool,
    acting_user: AnyUser,
    today: date | None = None,
) -> Saved:
    """Save a draft (confidential and pair surveys) or submit the answers.

    Invalid answers raise ValidationFailed (code `survey_answer_invalid`) with the errors by
    question id in `details["fields"]`; nothing is stored then.
    """
    require(
        permissions.can_answer(acting_user, invitation),
        _("This survey was sent to somebody else."),
    )
    today = _today(today)
    invitation = _locked_invitation(invitation)
    survey = invitation.survey
    if invitation.answered_on is not None:
        raise Conflict(
            _("You have answered this survey already. Thank you!"),
            code=ErrorCode.SURVEY_ALREADY_ANSWERED,
        )
    if not invitation_is_open(invitation, today=today):
        raise Conflict(
            _("This survey is closed: answers are no longer taken."),
            code=ErrorCode.SURVEY_NOT_OPEN,
        )
    if survey.is_anonymous and not submit:
        raise ValidationFailed(
            _("Anonymous surveys are answered in one go: nothing is kept before you send."),
            code=ErrorCode.SURVEY_DRAFT_NOT_ALLOWED,
        )
    questions = list(survey.questions.order_by("position", "pk"))
    cleaned = clean_answers(questions, data, partial=not submit)
    if cleaned.errors:
        raise ValidationFailed(
            _("Some answers need another look."),
            code=ErrorCode.SURVEY_ANSWER_INVALID,
            details={"fields": cleaned.errors},
            params={"questions": sorted(cleaned.errors)},
        )
    if survey.is_anonymous:
        _store_anonymous(survey, role=invitation.role, values=cleaned.values, today=today)
        invitation.answered_on = today
        invitation.save(update_fields=["answered_on"])
        # No audit row: a timed row per answer would line answers up with people.
        return Saved(submitted=True)
    response, _created = Response.objects.get_or_create(
        invitation=invitation,
        defaults={
            "survey": survey,
            "person": invitation.person,
            "mentorship": invitation.mentorship,
            "role": invitation.role,
            "occasion": invitation.occasion,
        },
    )
    response.answers.all().delete()
    Answer.objects.bulk_create(_answer_rows(response, questions, cleaned.values))
    if not submit:
        response.save(update_fields=["updated_at"])
        return Saved(submitted=False)
    response.submitted_at = timezone.now()
    response.save(update_fields=["submitted_at", "updated_at"])
    invitation.answered_on = today
    invitation.save(update_fields=["answered_on"])
    audit_record(
        actor=acting_user,
        event=FeedbackEvent.ANSWERED,
        target=survey,
        message=_("answers kept confidential"),
    )
    flagged = _flag_if_not_a_good_fit(invitation, questions, cleaned.values)
    return Saved(submitted=True, flagged=flagged)


def _answer_rows(
    response: Response, questions: Sequence[Question], values: Mapping[int, Any]
) -> Iterable[Answer]:
    for q in questions:
        if q.pk not in values:
            continue
        value = values[q.pk]
        if q.kind == Question.Kind.SKILL_GRID:
            for topic, number in value.items():
                yield Answer(response=response, question=q, topic=topic, number=number)
        elif isinstance(value, int):
            yield Answer(response=response, question=q, number=value)
        elif isinstance(value, list):
            yield Answer(response=response, question=q, choices=value)
        else:
            yield Answer(response=response, question=q, text=value)


def _store_anonymous(survey: Survey, *, role: str, values: Mapping[int, Any], today: date) -> None:
    """Write one anonymous response, mixed into the survey's earlier ones.

    The survey row is locked, so submissions mix one at a time. A random sample of earlier
    responses is deleted and re-inserted with the new one, shuffled, under fresh keys.
    """
    Survey.objects.select_for_update().filter(pk=survey.pk).first()
    earlier = list(AnonymousResponse.objects.filter(survey=survey).order_by("?")[:MIX_SIZE])
    AnonymousResponse.objects.filter(pk__in=[r.pk for r in earlier]).delete()
    batch = [
        *earlier,
        AnonymousResponse(
            survey=survey,
            role=role,
            answered_on=today,
            answers={str(qid): value for qid, value in values.items()},
        ),
    ]
    _system_random.shuffle(batch)
    for row in batch:
        row.pk = uuid.UUID(int=_system_random.getrandbits(128), version=4)
    AnonymousResponse.objects.bulk_create(batch)


def _flag_if_not_a_good_fit(
    invitation: Invitation, questions: Sequence[Question], values: Mapping[int, Any]
) -> bool:
    if invitation.mentorship is None:
        return False
    fit_ids = [q.pk for q in questions if q.key == metrics.KEY_FIT]
    if not any(values.get(pk) == [metrics.FIT_NOT_GOOD] for pk in fit_ids):
        return False
    flag, created = PairFitFlag.objects.get_or_create(
        mentorship=invitation.mentorship, role=invitation.role
    )
    if created:
        audit_record(
            actor=None,
            event=FeedbackEvent.PAIR_FLAGGED,
            target=invitation.mentorship,
            message=_("pairing fit: not a good fit (by the %(side)s)") % {"side": flag.role},
        )
        transaction.on_commit(partial(send_fit_flag_email_task.enqueue, flag.pk))
    return True


def rematch_offered(flag: PairFitFlag) -> bool:
    return flag.status == PairFitFlag.Status.OPEN and flag.mentorship.status in (
        Mentorship.Status.ACTIVE,
        Mentorship.Status.PROPOSED,
    )


@transaction.atomic
def fit_flag_request_rematch(flag: PairFitFlag, *, acting_user: AnyUser) -> PairFitFlag:
    """The mentee of a pair flagged "not a good fit" takes the offer of a new match: the
    pair ends (through pairing's own service, which frees both and tells the partner) and
    the program's managers re-match the cohort."""
    flag = PairFitFlag.objects.select_for_update().select_related("mentorship").get(pk=flag.pk)
    mentorship = flag.mentorship
    mentee_user = getattr(mentorship.mentee, "user_id", None)
    require(
        acting_user.is_authenticated and mentee_user == acting_user.pk,
        _("Only the mentee of the pair can ask for a new match."),
    )
    if not rematch_offered(flag):
        raise Conflict(
            _("There is no re-match to ask for on this pair any more."),
            code=ErrorCode.SURVEY_REMATCH_NOT_OFFERED,
        )
    mentorship_end(
        mentorship,
        reason=_("Pairing fit: not a good fit; the mentee asked for a new match."),
        acting_user=acting_user,
    )
    PairFitFlag.objects.filter(mentorship=mentorship).update(
        status=PairFitFlag.Status.REMATCH_REQUESTED
    )
    flag.refresh_from_db()
    audit_record(actor=acting_user, event=FeedbackEvent.REMATCH_REQUESTED, target=mentorship)
    return flag


@transaction.atomic
def fit_flag_resolve(flag: PairFitFlag, *, acting_user: AnyUser) -> PairFitFlag:
    """A manager has talked with the pair: the flag is closed (the offer with it)."""
    require(
        permissions.can_manage_surveys(acting_user, flag.mentorship.cohort),
        _("Only the program's managers can resolve a flag."),
    )
    PairFitFlag.objects.filter(pk=flag.pk).update(status=PairFitFlag.Status.RESOLVED)
    flag.refresh_from_db()
    audit_record(actor=acting_user, event=FeedbackEvent.PAIR_FLAGGED, target=flag.mentorship,
                 changes={"status": (PairFitFlag.Status.OPEN, flag.status)})  # fmt: skip
    return flag


# --- Schedules, invitations and reminders (the tick) -----------------------------------


@dataclass(frozen=True)
class _Due:
    person_id: int
    role: str
    mentorship_id: int | None
    occasion: str


def _pairs_of(survey: Survey, statuses: Sequence[str]) -> QuerySet[Mentorship]:
    return Mentorship.objects.filter(cohort_id=survey.cohort_id, status__in=statuses).order_by("pk")


def _targets(survey: Survey, pairs: Iterable[Mentorship], occasion: str) -> list[_Due]:
    """One invitation per person (and per pair in pair mode) of `pairs` for `occasion`."""
    sides = survey.asks_sides
    due: list[_Due] = []
    seen: set[tuple[int, str]] = set()
    for m in pairs:
        for side, person_id in ((Side.MENTOR, m.mentor_id), (Side.MENTEE, m.mentee_id)):
            if side not in sides:
                continue
            if survey.mode == Survey.Mode.PAIR:
                key = f"{occasion}:pair{m.pk}"
                due.append(_Due(person_id, side, m.pk, key))
            elif (person_id, occasion) not in seen:
                seen.add((person_id, occasion))
                due.append(_Due(person_id, side, None, occasion))
    return due


def invitations_due(survey: Survey, *, now: datetime) -> list[_Due]:
    """Every (person, occasion) the survey's schedule asks for at `now`, sent or not."""
    if survey.status != Survey.Status.OPEN:
        return []
    phase = survey.cohort.phase
    active = (Mentorship.Status.ACTIVE,)
    t = Survey.Trigger
    if t(survey.trigger) == t.MANUAL:
        return _targets(survey, _pairs_of(survey, active), "once")
    if survey.trigger == t.PHASE_ACTIVE:
        if phase not in (Phase.ACTIVE, Phase.WRAPPING_UP):
            return []
        return _targets(survey, _pairs_of(survey, active), "phase_active")
    if survey.trigger == t.PHASE_WRAPPING_UP:
        if phase != Phase.WRAPPING_UP:
            return []
        return _targets(
            survey, _pairs_of(survey, (*active, Mentorship.Status.ENDED)), "phase_wrapping_up"
        )
    if survey.trigger == t.PRE_POST:
        # "pre" as soon as a pair is active (whatever the cohort's phase until wrap-up),
        # "post" once the cohort wraps up.
        if phase not in (Phase.WRAPPING_UP, Phase.CLOSED):
            return _targets(survey, _pairs_of(survey, active), metrics.PRE)
        if phase == Phase.WRAPPING_UP:
            return _targets(
                survey, _pairs_of(survey, (*active, Mentorship.Status.ENDED)), metrics.POST
            )
        return []
    pairs = _pairs_of(survey, active).exclude(activated_at__isnull=True)
    if survey.trigger == t.FIRST_SESSION:
        held = pairs.annotate(
            first_held=Min(
                "sessions__starts_at",
                filter=Q(sessions__outcome=MentoringSession.Outcome.HELD),
            )
        ).filter(first_held__lte=now)
        return _targets(survey, held, "first_session")
    period = timedelta(weeks=survey.weeks)
    due: list[_Due] = []
    for m in pairs:
        assert m.activated_at is not None
        elapsed = now - m.activated_at
        if survey.trigger == t.WEEKS_AFTER_START and elapsed >= period:
            due.extend(_targets(survey, [m], f"week{survey.weeks}"))
        elif survey.trigger == t.RECURRING and elapsed >= period:
            due.extend(_targets(survey, [m], f"every{survey.weeks}w:{elapsed // period}"))
    return due


def invitations_run(survey: Survey, *, now: datetime, notify: bool = True) -> int:
    """Create the invitations the schedule asks for now and queue their emails, once each.

    Idempotent: the unique (survey, person, occasion) refuses a second invitation, and an
    email is queued only by the run whose conditional update marked it emailed.
    """
    due = invitations_due(survey, now=now)
    today = now.date()
    if due:
        existing = set(
            Invitation.objects.filter(survey=survey).values_list("person_id", "occasion")
        )
        until = today + timedelta(days=survey.respond_within_days)
        if survey.closes_on is not None:
            until = min(until, survey.closes_on)
        new = [
            Invitation(
                survey=survey,
                person_id=d.person_id,
                mentorship_id=d.mentorship_id,
                role=d.role,
                occasion=d.occasion,
                invited_on=today,
                due_on=until,
            )
            for d in due
            if (d.person_id, d.occasion) not in existing
        ]
        Invitation.objects.bulk_create(new, ignore_conflicts=True)
    sent = 0
    pending = Invitation.objects.filter(
        survey=survey, emailed=False, answered_on__isnull=True, due_on__gte=today
    ).values_list("pk", flat=True)
    for pk in list(pending):
        if Invitation.objects.filter(pk=pk, emailed=False).update(emailed=True):
            sent += 1
            if notify:
                transaction.on_commit(partial(send_invitation_email_task.enqueue, pk, 0))
    return sent


def reminders_run(*, today: date, notify: bool = True) -> int:
    """Queue each due reminder step once per invitation (a conditional update decides)."""
    sent = 0
    for step, days in enumerate(REMINDER_DAYS, start=1):
        due = Invitation.objects.filter(
            survey__status=Survey.Status.OPEN,
            answered_on__isnull=True,
            due_on__gte=today,
            emailed=True,
            reminders_sent=step - 1,
            invited_on__lte=today - timedelta(days=days),
        ).values_list("pk", flat=True)
        for pk in list(due):
            if Invitation.objects.filter(pk=pk, reminders_sent=step - 1).update(
                reminders_sent=step
            ):
                sent += 1
                if notify:
                    transaction.on_commit(partial(send_invitation_email_task.enqueue, pk, step))
    return sent


def surveys_tick(now: datetime | None = None, *, notify: bool = True) -> dict[str, int]:
    """The feedback part of `turnabout tick`: close surveys past their date, invite whom
    the schedules ask for, send due reminders. Safe to run twice, or twice at once."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    closed = 0
    for survey in Survey.objects.filter(status=Survey.Status.OPEN, closes_on__lt=today):
        with transaction.atomic():
            locked = Survey.objects.select_for_update().get(pk=survey.pk)
            if locked.status == Survey.Status.OPEN:
                _close(locked, acting_user=None, now=now)
                closed += 1
    invited = 0
    for survey in Survey.objects.filter(status=Survey.Status.OPEN).select_related("cohort"):
        with transaction.atomic():
            invited += invitations_run(survey, now=now, notify=notify)
    with transaction.atomic():
        reminded = reminders_run(today=today, notify=notify)
    result = {"survey invitations": invited, "survey reminders": reminded}
    if closed:
        result["surveys closed"] = closed
    return {k: v for k, v in result.items() if v}
