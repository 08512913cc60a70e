"""Engagement endpoints: agreements, sessions (with their ICS), goals, learning, reflections.

Same rules as the pages: the selectors scope every read, the services decide every write.
A partner's log is returned in full to its author and without rating or comment to the
other partner; reflections are the caller's own, always.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import AwareDatetime, Field

from turnabout.common.api_pagination import BoundedPageNumberPagination
from turnabout.common.schemas import ERRORS, ErrorOut, Text
from turnabout.engagement import permissions, selectors, services
from turnabout.engagement.ics import session_ics
from turnabout.engagement.models import (
    Agreement,
    GoalMilestone,
    LearningEntry,
    MentoringSession,
    PairGoal,
    Reflection,
    SessionLog,
)
from turnabout.enrollment.models import Communication
from turnabout.programs.models import Format

router = Router(tags=["engagement"])

ERRS: dict[int, type[Schema]] = {**ERRORS, 409: ErrorOut}
Id = Annotated[int, Field(ge=1, le=2_147_483_647)]
GoalTitle = Annotated[Text, Field(max_length=PairGoal.TITLE_MAX)]
GoalNote = Annotated[Text, Field(max_length=PairGoal.NOTE_MAX)]
AgreementText = Annotated[Text, Field(max_length=Agreement.TEXT_MAX)]
Minutes = Annotated[int, Field(ge=MentoringSession.MINUTES_MIN, le=MentoringSession.MINUTES_MAX)]
Place = Annotated[Text, Field(max_length=MentoringSession.PLACE_MAX)]
VideoUrl = Annotated[Text, Field(max_length=MentoringSession.VIDEO_URL_MAX)]
Agenda = Annotated[Text, Field(max_length=MentoringSession.AGENDA_MAX)]


# --- Schemas ----------------------------------------------------------------------------


class GoalIn(Schema):
    title: GoalTitle
    evidence: Annotated[Text, Field(max_length=PairGoal.EVIDENCE_MAX)] = ""


class AgreementIn(Schema):
    goals: list[GoalIn] = Field(..., min_length=Agreement.GOALS_MIN, max_length=Agreement.GOALS_MAX)
    mentor_gains: AgreementText = ""
    channel: Communication | Literal[""] = ""
    ground_rules: AgreementText = ""
    cadence_days: int | None = Field(
        None, ge=Agreement.CADENCE_DAYS_MIN, le=Agreement.CADENCE_DAYS_MAX
    )
    session_minutes: Minutes | None = None
    format: Format | None = None


class MilestoneOut(Schema):
    id: int
    title: str
    due_on: date | None
    done_at: datetime | None


class GoalOut(Schema):
    id: int
    mentorship_id: int
    position: int
    title: str
    evidence: str
    status: str
    progress: int
    updated_at: datetime
    milestones: list[MilestoneOut]

    @staticmethod
    def resolve_milestones(obj: PairGoal) -> list[GoalMilestone]:
        return list(obj.milestones.all())


class AgreementOut(Schema):
    id: int | None
    mentorship_id: int
    saved: bool
    version: int
    cadence_days: int
    session_minutes: int
    format: str
    confidentiality: str
    mentor_expectations: str
    mentee_expectations: str
    mentor_gains: str
    channel: str
    ground_rules: str
    mentor_signed_at: datetime | None
    mentee_signed_at: datetime | None
    signed_at: datetime | None
    goals: list[GoalOut]

    @staticmethod
    def resolve_saved(obj: Agreement) -> bool:
        return obj.pk is not None

    @staticmethod
    def resolve_goals(obj: Agreement) -> list[PairGoal]:
        return list(selectors.goals_of_pair(obj.mentorship))


class AgreementStatusOut(Schema):
    """What a program manager sees: whether it is signed, never what it says."""

    mentorship_id: int
    exists: bool
    mentor_signed: bool
    mentee_signed: bool
    signed: bool
    signed_at: datetime | None


class SessionIn(Schema):
    starts_at: AwareDatetime = Field(
        ..., description="With its offset, e.g. 2026-10-06T10:00:00+01:00."
    )
    minutes: Minutes = 60
    format: Format = Format.VIDEO
    place: Place = ""
    video_url: VideoUrl = ""
    agenda: Agenda = ""
    guide_id: Id | None = None


class SessionPatch(Schema):
    starts_at: AwareDatetime | None = None
    minutes: Minutes | None = None
    format: Format | None = None
    place: Place | None = None
    video_url: VideoUrl | None = None
    agenda: Agenda | None = None


class CancelIn(Schema):
    note: Annotated[Text, Field(max_length=MentoringSession.CANCEL_NOTE_MAX)] = ""


class LogIn(Schema):
    outcome: MentoringSession.Outcome
    topic_ids: list[Id] = Field(default_factory=list, max_length=SessionLog.TOPICS_MAX)
    other_topics: Annotated[Text, Field(max_length=SessionLog.OTHER_TOPICS_MAX)] = ""
    rating: int | None = Field(None, ge=SessionLog.RATING_MIN, le=SessionLog.RATING_MAX)
    comment: Annotated[Text, Field(max_length=SessionLog.COMMENT_MAX)] = ""


class MyLogOut(Schema):
    """The caller's own log, with their private rating and comment."""

    outcome: str
    topics: list[str]
    other_topics: str
    rating: int | None
    comment: str


class PartnerLogOut(Schema):
    """The other partner's log: no rating, no comment."""

    outcome: str
    topics: list[str]
    other_topics: str


class SessionOut(Schema):
    id: int
    mentorship_id: int
    uid: str
    sequence: int
    starts_at: datetime
    ends_at: datetime
    minutes: int
    format: str
    place: str
    video_url: str
    agenda: str
    guide_id: int | None
    status: str
    outcome: str
    my_log: MyLogOut | None
    partner_log: PartnerLogOut | None

    @staticmethod
    def resolve_my_log(obj: MentoringSession, context: dict[str, Any]) -> dict[str, Any] | None:
        view = _view(obj, context["request"])
        return _my_log(view.my_log) if view.my_log else None

    @staticmethod
    def resolve_partner_log(
        obj: MentoringSession, context: dict[str, Any]
    ) -> dict[str, Any] | None:
        view = _view(obj, context["request"])
        return dict(view.partner_log.__dict__) if view.partner_log else None


class GoalPatch(Schema):
    status: PairGoal.Status | None = None
    progress: int | None = Field(None, ge=PairGoal.PROGRESS_MIN, le=PairGoal.PROGRESS_MAX)
    note: GoalNote = ""


class MilestoneIn(Schema):
    title: Annotated[Text, Field(max_length=GoalMilestone.TITLE_MAX)]
    due_on: date | None = None


class MilestonePatch(Schema):
    done: bool


class LearningIn(Schema):
    text: Annotated[Text, Field(max_length=LearningEntry.TEXT_MAX)]
    skill_ids: list[Id] = Field(default_factory=list, max_length=LearningEntry.SKILLS_MAX)
    session_id: Id | None = None


class LearningOut(Schema):
    id: int
    mentorship_id: int
    side: str
    author: str
    text: str
    skills: list[str]
    session_id: int | None
    created_at: datetime

    @staticmethod
    def resolve_author(obj: LearningEntry) -> str:
        return obj.author.full_name

    @staticmethod
    def resolve_skills(obj: LearningEntry) -> list[str]:
        return [s.name for s in obj.skills.all()]


class ReflectionIn(Schema):
    body: Annotated[Text, Field(max_length=Reflection.BODY_MAX)]
    mentorship_id: Id | None = None


class ReflectionOut(Schema):
    id: int
    mentorship_id: int | None
    body: str
    created_at: datetime


class TagOut(Schema):
    skill: str
    entries: int


class ProgramEngagementOut(Schema):
    """Counts and tags only: no person, no text. Below the privacy floor of active pairs
    (`shown` false) every count but `active_pairs` is null and `tags` is empty."""

    program_id: int
    active_pairs: int
    shown: bool
    minimum: int
    agreements_signed: int | None
    sessions_held: int | None
    sessions_cancelled: int | None
    no_shows: int | None
    learning_entries_by_mentors: int | None
    learning_entries_by_mentees: int | None
    tags: list[TagOut]


# --- Helpers ----------------------------------------------------------------------------


def _my_log(log: SessionLog) -> dict[str, Any]:
    return {
        "outcome": log.outcome,
        "topics": [t.name for t in log.topics.all()],
        "other_topics": log.other_topics,
        "rating": log.rating,
        "comment": log.comment,
    }


def _view(session: MentoringSession, request: HttpRequest) -> selectors.SessionView:
    side = permissions.side_of(request.user, session.mentorship) or "mentor"
    return selectors.session_view(session, side=side)


def _fresh_session(request: HttpRequest, session_id: int) -> MentoringSession:
    return selectors.session_get(user=request.user, session_id=session_id)


# --- Agreement --------------------------------------------------------------------------


@router.get("/mentorships/{mentorship_id}/agreement", response={200: AgreementOut, **ERRS})
def agreement_get(request: HttpRequest, mentorship_id: int) -> Agreement:
    """The pair's agreement (partners only); the program's prefilled draft until saved."""
    mentorship = selectors.pair_get(user=request.user, mentorship_id=mentorship_id)
    return selectors.agreement_of(mentorship)


@router.put("/mentorships/{mentorship_id}/agreement", response={200: AgreementOut, **ERRS})
def agreement_put(request: HttpRequest, mentorship_id: int, payload: AgreementIn) -> Agreement:
    mentorship = selectors.pair_get(user=request.user, mentorship_id=mentorship_id)
    data = services.AgreementInput(
        goals=[services.GoalInput(title=g.title, evidence=g.evidence) for g in payload.goals],
        mentor_gains=payload.mentor_gains,
        channel=payload.channel,
        ground_rules=payload.ground_rules,
        cadence_days=payload.cadence_days,
        session_minutes=payload.session_minutes,
        format=payload.format,
    )
    services.agreement_save(mentorship, data=data, acting_user=request.user)
    return selectors.agreement_of(
        selectors.pair_get(user=request.user, mentorship_id=mentorship_id)
    )


@router.post("/mentorships/{mentorship_id}/agreement/sign", response={200: AgreementOut, **ERRS})
def agreement_sign(request: HttpRequest, mentorship_id: int) -> Agreement:
    mentorship = selectors.pair_get(user=request.user, mentorship_id=mentorship_id)
    return services.agreement_sign(mentorship, acting_user=request.user)


@router.get(
    "/mentorships/{mentorship_id}/agreement/status", response={200: AgreementStatusOut, **ERRS}
)
def agreement_status(request: HttpRequest, mentorship_id: int) -> dict[str, Any]:
    """Signed or not: for the partners and the program's managers."""
    mentorship, status = selectors.agreement_status(user=request.user, mentorship_id=mentorship_id)
    return {
        "mentorship_id": mentorship.pk,
        "exists": status.exists,
        "mentor_signed": status.mentor_signed,
        "mentee_signed": status.mentee_signed,
        "signed": status.signed,
        "signed_at": status.signed_at,
    }


# --- Sessions ---------------------------------------------------------------------------


@router.get("/mentorships/{mentorship_id}/sessions", response={200: list[SessionOut], **ERRS})
@paginate(BoundedPageNumberPagination, page_size=20)
def session_list(request: HttpRequest, mentorship_id: int) -> Any:
    """The pair's sessions, newest first; each partner sees their own log in full."""
    mentorship = selectors.pair_get(user=request.user, mentorship_id=mentorship_id)
    return selectors.sessions_of_pair(mentorship)


@router.post("/mentorships/{mentorship_id}/sessions", response={201: SessionOut, **ERRS})
def session_create(request: HttpRequest, mentorship_id: int, payload: SessionIn) -> Any:
    """Schedule a session; both partners get an email with the calendar invite."""
    mentorship = selectors.pair_get(user=request.user, mentorship_id=mentorship_id)
    session = services.session_schedule(
        mentorship,
        starts_at=payload.starts_at,
        minutes=payload.minutes,
        format=payload.format,
        place=payload.place,
        video_url=payload.video_url,
        agenda=payload.agenda,
        guide_id=payload.guide_id,
        acting_user=request.user,
    )
    return Status(201, _fresh_session(request, session.pk))


@router.get("/sessions/{session_id}", response={200: SessionOut, **ERRS})
def session_get(request: HttpRequest, session_id: int) -> MentoringSession:
    return _fresh_session(request, session_id)


@router.patch("/sessions/{session_id}", response={200: SessionOut, **ERRS})
def session_patch(request: HttpRequest, session_id: int, payload: SessionPatch) -> MentoringSession:
    """Move or change a session: the invite is re-sent with the same UID, higher SEQUENCE."""
    session = selectors.session_get(user=request.user, session_id=session_id)
    services.session_update(
        session,
        starts_at=payload.starts_at,
        minutes=payload.minutes,
        format=payload.format,
        place=payload.place,
        video_url=payload.video_url,
        agenda=payload.agenda,
        acting_user=request.user,
    )
    return _fresh_session(request, session_id)


@router.post("/sessions/{session_id}/cancel", response={200: SessionOut, **ERRS})
def session_cancel(request: HttpRequest, session_id: int, payload: CancelIn) -> MentoringSession:
    session = selectors.session_get(user=request.user, session_id=session_id)
    services.session_cancel(session, note=payload.note, acting_user=request.user)
    return _fresh_session(request, session_id)


@router.put("/sessions/{session_id}/log", response={200: SessionOut, **ERRS})
def session_log(request: HttpRequest, session_id: int, payload: LogIn) -> MentoringSession:
    """The caller's own log of the session (again to correct it)."""
    session = selectors.session_get(user=request.user, session_id=session_id)
    services.session_log(
        session,
        outcome=payload.outcome,
        topic_ids=payload.topic_ids,
        other_topics=payload.other_topics,
        rating=payload.rating,
        comment=payload.comment,
        acting_user=request.user,
    )
    return _fresh_session(request, session_id)


@router.get(
    "/sessions/{session_id}/ics",
    response={**ERRS},
    openapi_extra={
        "responses": {
            "200": {
                "description": "The session as an iCalendar file (RFC 5545).",
                "content": {"text/calendar": {"schema": {"type": "string"}}},
            }
        }
    },
)
def session_ics_get(request: HttpRequest, session_id: int) -> HttpResponse:
    """The session's calendar file: same UID for its whole life, SEQUENCE per change."""
    session = selectors.session_get(user=request.user, session_id=session_id)
    response = HttpResponse(session_ics(session), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="session-{session.pk}.ics"'
    return response


# --- Goals ------------------------------------------------------------------------------


@router.get("/mentorships/{mentorship_id}/goals", response={200: list[GoalOut], **ERRS})
def goal_list(request: HttpRequest, mentorship_id: int) -> list[PairGoal]:
    mentorship = selectors.pair_get(user=request.user, mentorship_id=mentorship_id)
    return list(selectors.goals_of_pair(mentorship))


@router.patch("/goals/{goal_id}", response={200: GoalOut, **ERRS})
def goal_patch(request: HttpRequest, goal_id: int, payload: GoalPatch) -> PairGoal:
    goal = selectors.goal_get(user=request.user, goal_id=goal_id)
    services.goal_update(
        goal,
        status=payload.status,
        progress=payload.progress,
        note=payload.note,
        acting_user=request.user,
    )
    return selectors.goal_get(user=request.user, goal_id=goal_id)


@router.post("/goals/{goal_id}/milestones", response={201: MilestoneOut, **ERRS})
def milestone_create(request: HttpRequest, goal_id: int, payload: MilestoneIn) -> Any:
    goal = selectors.goal_get(user=request.user, goal_id=goal_id)
    milestone = services.milestone_add(
        goal, title=payload.title, due_on=payload.due_on, acting_user=request.user
    )
    return Status(201, MilestoneOut.from_orm(milestone))


@router.patch("/milestones/{milestone_id}", response={200: MilestoneOut, **ERRS})
def milestone_patch(request: HttpRequest, milestone_id: int, payload: MilestonePatch) -> Any:
    milestone = selectors.milestone_get(user=request.user, milestone_id=milestone_id)
    return services.milestone_set_done(milestone, done=payload.done, acting_user=request.user)


# --- Learning ---------------------------------------------------------------------------


@router.get("/mentorships/{mentorship_id}/learning", response={200: list[LearningOut], **ERRS})
@paginate(BoundedPageNumberPagination, page_size=50)
def learning_list(request: HttpRequest, mentorship_id: int) -> Any:
    """Both sides of the pair's learning log (partners only)."""
    mentorship = selectors.pair_get(user=request.user, mentorship_id=mentorship_id)
    return selectors.learning_of_pair(mentorship)


@router.post("/mentorships/{mentorship_id}/learning", response={201: LearningOut, **ERRS})
def learning_create(request: HttpRequest, mentorship_id: int, payload: LearningIn) -> Any:
    mentorship = selectors.pair_get(user=request.user, mentorship_id=mentorship_id)
    entry = services.learning_add(
        mentorship,
        text=payload.text,
        skill_ids=payload.skill_ids,
        session_id=payload.session_id,
        acting_user=request.user,
    )
    fresh = selectors.learning_of_pair(mentorship).get(pk=entry.pk)
    return Status(201, LearningOut.from_orm(fresh))


# --- Reflections (own only) -------------------------------------------------------------


@router.get("/reflections", response={200: list[ReflectionOut], **ERRS})
@paginate(BoundedPageNumberPagination, page_size=50)
def reflection_list(request: HttpRequest) -> Any:
    """The caller's own private reflections. Nobody can list anybody else's."""
    return selectors.reflections_of_user(user=request.user)


@router.post("/reflections", response={201: ReflectionOut, **ERRS})
def reflection_create(request: HttpRequest, payload: ReflectionIn) -> Any:
    reflection = services.reflection_add(
        body=payload.body, mentorship_id=payload.mentorship_id, acting_user=request.user
    )
    return Status(201, ReflectionOut.from_orm(reflection))


@router.get("/reflections/{reflection_id}", response={200: ReflectionOut, **ERRS})
def reflection_get(request: HttpRequest, reflection_id: int) -> Reflection:
    return selectors.reflection_get(user=request.user, reflection_id=reflection_id)


@router.delete("/reflections/{reflection_id}", response={204: None, **ERRS})
def reflection_delete(request: HttpRequest, reflection_id: int) -> Any:
    reflection = selectors.reflection_get(user=request.user, reflection_id=reflection_id)
    services.reflection_delete(reflection, acting_user=request.user)
    return Status(204, None)


# --- Program ----------------------------------------------------------------------------


@router.get("/programs/{program_id}/engagement", response={200: ProgramEngagementOut, **ERRS})
def program_engagement(request: HttpRequest, program_id: int) -> dict[str, Any]:
    """Counts and tags across a program's active pairs (managers, org admins, sponsors)."""
    program = selectors.program_get(user=request.user, program_id=program_id)
    figures = selectors.program_engagement(user=request.user, program=program, with_rows=False)
    return {
        "program_id": program.pk,
        "active_pairs": figures.pairs,
        "shown": figures.shown,
        "minimum": figures.minimum,
        "agreements_signed": figures.agreements_signed,
        "sessions_held": figures.held,
        "sessions_cancelled": figures.cancelled,
        "no_shows": figures.no_shows,
        "learning_entries_by_mentors": figures.learning_by_side["mentor"],
        "learning_entries_by_mentees": figures.learning_by_side["mentee"],
        "tags": [{"skill": name, "entries": n} for name, n in figures.tags],
    }
