"""Writes on a pair's engagement: agreement, sessions, goals, learning, reflections, reminders.

Every function checks permission through `engagement.permissions`, writes in one
transaction, records an audit event and sends side effects (emails with calendar invites,
reminders) after commit. Audit entries name the fields that changed, never private text:
the audit log is read by org admins, who must not see an agreement's goals or a reflection.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from turnabout.accounts.permissions import AnyUser
from turnabout.common.audit import audit_record
from turnabout.common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed, require
from turnabout.engagement import permissions
from turnabout.engagement.audit import EngagementEvent
from turnabout.engagement.models import (
    Agreement,
    ConversationGuide,
    GoalEvent,
    GoalMilestone,
    LearningEntry,
    MentoringSession,
    PairGoal,
    Reflection,
    Reminder,
    SessionLog,
    Side,
)
from turnabout.engagement.selectors import GRACE_DAYS, agreement_prefill, employee_of
from turnabout.enrollment.models import Communication
from turnabout.pairing.models import Mentorship
from turnabout.people.models import Employee, Skill
from turnabout.programs.models import Format

MAX_TEXT = 4000
MAX_REFLECTION = 10000
UNSIGNED_AFTER = timedelta(days=7)
LOG_AFTER = timedelta(hours=1)
LOG_WINDOW = timedelta(days=30)
MAX_AHEAD = timedelta(days=366)


def _text(value: Any, *, field: str, max_length: int = MAX_TEXT, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationFailed(_("This must be text."), details={"field": field})
    if "\x00" in value:
        raise ValidationFailed(_("Text must not contain NUL characters."), details={"field": field})
    cleaned = value.strip()
    if required and not cleaned:
        raise ValidationFailed(_("This field is required."), details={"field": field})
    if len(cleaned) > max_length:
        raise ValidationFailed(
            _("This is too long (at most %(n)d characters).") % {"n": max_length},
            details={"field": field},
        )
    return cleaned


def _int(value: Any, *, field: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationFailed(
            _("Give a whole number from %(low)d to %(high)d.") % {"low": low, "high": high},
            details={"field": field},
        )
    return value


def _choice(value: Any, *, field: str, choices: Iterable[str], blank: bool = False) -> str:
    if blank and value in (None, ""):
        return ""
    if value not in set(choices):
        raise ValidationFailed(_("Choose one of the options."), details={"field": field})
    return str(value)


def _partner_side(user: AnyUser, mentorship: Mentorship) -> str:
    """The acting partner's side of an active mentorship, or PermissionDenied."""
    require(
        permissions.can_work_in_pair(user, mentorship),
        _("Only the two partners of an active pair can do this."),
    )
    side = permissions.side_of(user, mentorship)
    assert side is not None
    return side


def _me(user: AnyUser) -> Employee:
    me = employee_of(user)
    if me is None:
        raise PermissionDenied(_("Only participants can do this."))
    return me


def _skills(skill_ids: Iterable[int], *, field: str = "skills") -> list[Skill]:
    ids = sorted({int(i) for i in skill_ids})
    if len(ids) > 20:
        raise ValidationFailed(_("Choose at most 20 topics."), details={"field": field})
    found = list(Skill.objects.filter(pk__in=ids))
    if len(found) != len(ids):
        raise ValidationFailed(
            _("Choose topics from the skills catalogue."), details={"field": field}
        )
    return found


def _aware(value: Any, *, field: str) -> datetime:
    if not isinstance(value, datetime) or timezone.is_naive(value):
        raise ValidationFailed(
            _("Give a date and time with its time zone."), details={"field": field}
        )
    try:
        return value.astimezone(UTC)
    except (OverflowError, ValueError) as exc:
        raise ValidationFailed(_("This date is out of range."), details={"field": field}) from exc


# --- Agreement --------------------------------------------------------------------------


@dataclass(frozen=True)
class GoalInput:
    title: str
    evidence: str = ""


@dataclass(frozen=True)
class AgreementInput:
    """What the pair fills in (and the program's frame, which they may adjust)."""

    goals: Sequence[GoalInput]
    mentor_gains: str = ""
    channel: str = ""
    ground_rules: str = ""
    cadence_days: int | None = None
    session_minutes: int | None = None
    format: str | None = None
    confidentiality: str | None = None
    mentor_expectations: str | None = None
    mentee_expectations: str | None = None


AGREEMENT_TEXT_FIELDS = (
    "mentor_gains",
    "ground_rules",
    "confidentiality",
    "mentor_expectations",
    "mentee_expectations",
)


def _clean_goals(goals: Sequence[GoalInput]) -> list[GoalInput]:
    cleaned = []
    for n, goal in enumerate(goals, start=1):
        title = _text(goal.title, field=f"goal_{n}_title", max_length=200)
        evidence = _text(goal.evidence, field=f"goal_{n}_evidence", max_length=1000)
        if not title and evidence:
            raise ValidationFailed(
                _("Say what the goal is, not only how it will show."),
                details={"field": f"goal_{n}_title"},
            )
        if title:
            cleaned.append(GoalInput(title=title, evidence=evidence))
    if not 1 <= len(cleaned) <= 3:
        raise ValidationFailed(
            _("Write one to three goals of the mentee."), details={"field": "goals"}
        )
    return cleaned


def _goal_event(
    goal: PairGoal, *, kind: str, user: AnyUser, now: datetime, **values: Any
) -> GoalEvent:
    name = ""
    me = employee_of(user)
    if me is not None:
        name = me.full_name
    return GoalEvent.objects.create(
        goal=goal,
        kind=kind,
        actor_id=user.pk if user.is_authenticated else None,
        actor_name=name,
        at=now,
        **values,
    )


def _sync_goals(
    mentorship: Mentorship, goals: list[GoalInput], *, user: AnyUser, now: datetime
) -> bool:
    existing = {g.position: g for g in PairGoal.objects.filter(mentorship=mentorship)}
    changed = False
    for position in (1, 2, 3):
        wanted = goals[position - 1] if position <= len(goals) else None
        goal = existing.get(position)
        if wanted is None and goal is not None:
            if goal.history.exclude(
                kind__in=[GoalEvent.Kind.CREATED, GoalEvent.Kind.EDITED]
            ).exists():
                raise ValidationFailed(
                    _("“%(goal)s” has progress recorded: mark it as dropped instead.")
                    % {"goal": goal.title},
                    details={"field": f"goal_{position}_title"},
                )
            goal.delete()
            changed = True
        elif wanted is not None and goal is None:
            goal = PairGoal.objects.create(
                mentorship=mentorship,
                position=position,
                title=wanted.title,
                evidence=wanted.evidence,
            )
            _goal_event(goal, kind=GoalEvent.Kind.CREATED, user=user, now=now)
            changed = True
        elif (
            wanted is not None
            and goal is not None
            and (goal.title, goal.evidence) != (wanted.title, wanted.evidence)
        ):
            goal.title, goal.evidence = wanted.title, wanted.evidence
            goal.save(update_fields=["title", "evidence", "updated_at"])
            _goal_event(goal, kind=GoalEvent.Kind.EDITED, user=user, now=now)
            changed = True
    return changed


def _lock_pair(mentorship: Mentorship) -> Mentorship:
    locked = (
        Mentorship.objects.select_for_update()
        .select_related("cohort__program", "mentor", "mentee")
        .filter(pk=mentorship.pk)
        .first()
    )
    if locked is None:
        raise NotFound(_("No such pair."))
    return locked


@transaction.atomic
def agreement_save(
    mentorship: Mentorship,
    *,
    data: AgreementInput,
    acting_user: AnyUser,
    now: datetime | None = None,
) -> Agreement:
    """Create or change the pair's agreement and its 1-3 goals.

    A change after a signature clears both signatures (they sign the same text).
    """
    _partner_side(acting_user, mentorship)
    now = now or timezone.now()
    mentorship = _lock_pair(mentorship)
    _partner_side(acting_user, mentorship)
    agreement = Agreement.objects.filter(mentorship=mentorship).first() or agreement_prefill(
        mentorship
    )
    values: dict[str, Any] = {
        "mentor_gains": _text(data.mentor_gains, field="mentor_gains"),
        "ground_rules": _text(data.ground_rules, field="ground_rules"),
        "channel": _choice(data.channel, field="channel", choices=Communication.values, blank=True),
    }
    for name in ("confidentiality", "mentor_expectations", "mentee_expectations"):
        if getattr(data, name) is not None:
            values[name] = _text(getattr(data, name), field=name)
    if data.cadence_days is not None:
        values["cadence_days"] = _int(data.cadence_days, field="cadence_days", low=1, high=90)
    if data.session_minutes is not None:
        values["session_minutes"] = _int(
            data.session_minutes, field="session_minutes", low=5, high=480
        )
    if data.format is not None:
        values["format"] = _choice(data.format, field="format", choices=Format.values)
    goals = _clean_goals(data.goals)

    is_new = agreement.pk is None
    changed = [name for name, value in values.items() if getattr(agreement, name) != value]
    for name in changed:
        setattr(agreement, name, values[name])
    if is_new:
        agreement.save()
    goals_changed = _sync_goals(mentorship, goals, user=acting_user, now=now)
    if goals_changed:
        changed.append("goals")
    if changed and not is_new:
        agreement.version += 1
        cleared = agreement.mentor_signed_at is not None or agreement.mentee_signed_at is not None
        agreement.mentor_signed_at = agreement.mentee_signed_at = agreement.signed_at = None
        agreement.save()
        if cleared:
            changed.append("signatures cleared")
    if is_new or changed:
        audit_record(
            actor=acting_user,
            event=EngagementEvent.AGREEMENT_UPDATED,
            target=agreement,
            changes={"fields": (None, sorted(changed))},
            message=_("version %(v)d") % {"v": agreement.version},
        )
    return agreement


@transaction.atomic
def agreement_sign(
    mentorship: Mentorship, *, acting_user: AnyUser, now: datetime | None = None
) -> Agreement:
    """One partner signs; the agreement is signed once both have."""
    side = _partner_side(acting_user, mentorship)
    now = now or timezone.now()
    mentorship = _lock_pair(mentorship)
    agreement = Agreement.objects.select_for_update().filter(mentorship=mentorship).first()
    if agreement is None or not PairGoal.objects.filter(mentorship=mentorship).exists():
        raise ValidationFailed(_("Fill in the agreement with at least one goal before signing it."))
    field_name = "mentor_signed_at" if side == Side.MENTOR else "mentee_signed_at"
    if getattr(agreement, field_name) is not None:
        return agreement
    setattr(agreement, field_name, now)
    fields = [field_name, "updated_at"]
    if agreement.mentor_signed_at and agreement.mentee_signed_at:
        agreement.signed_at = now
        fields.append("signed_at")
    agreement.save(update_fields=fields)
    audit_record(
        actor=acting_user,
        event=EngagementEvent.AGREEMENT_SIGNED,
        target=agreement,
        changes={field_name: (None, now)},
        message=_("by the %(side)s, version %(v)d") % {"side": side, "v": agreement.version},
    )
    return agreement


# --- Sessions ---------------------------------------------------------------------------


def _video_url(value: Any) -> str:
    url = _text(value, field="video_url", max_length=500)
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except DjangoValidationError as exc:
            raise ValidationFailed(
                _("Give the video link as a full web address (https://…)."),
                details={"field": "video_url"},
            ) from exc
    return url


def _guide(mentorship: Mentorship, guide_id: int | None) -> ConversationGuide | None:
    if guide_id is None:
        return None
    guide = ConversationGuide.objects.filter(
        pk=guide_id, program_id=mentorship.cohort.program_id
    ).first()
    if guide is None:
        raise ValidationFailed(
            _("Choose a conversation guide of this program."), details={"field": "guide"}
        )
    return guide


def _starts_at(value: Any, now: datetime) -> datetime:
    starts_at = _aware(value, field="starts_at")
    if starts_at <= now:
        raise ValidationFailed(_("Choose a time in the future."), details={"field": "starts_at"})
    if starts_at > now + MAX_AHEAD:
        raise ValidationFailed(_("Schedule at most a year ahead."), details={"field": "starts_at"})
    return starts_at.replace(second=0, microsecond=0)


def _send_invite(session: MentoringSession) -> None:
    from turnabout.engagement.tasks import send_session_invite

    transaction.on_commit(partial(send_session_invite.enqueue, session.pk, session.sequence))


@transaction.atomic
def session_schedule(
    mentorship: Mentorship,
    *,
    starts_at: datetime,
    minutes: int,
    format: str,
    place: str = "",
    video_url: str = "",
    agenda: str = "",
    guide_id: int | None = None,
    acting_user: AnyUser,
    now: datetime | None = None,
    notify: bool = True,
) -> MentoringSession:
    """Either partner schedules a session; both get an email with a calendar invite."""
    _partner_side(acting_user, mentorship)
    now = now or timezone.now()
    session = MentoringSession.objects.create(
        mentorship=mentorship,
        uid=f"{uuid.uuid4()}@turnabout",
        sequence=0,
        starts_at=_starts_at(starts_at, now),
        minutes=_int(minutes, field="minutes", low=5, high=480),
        format=_choice(format, field="format", choices=Format.values),
        place=_text(place, field="place", max_length=200),
        video_url=_video_url(video_url),
        agenda=_text(agenda, field="agenda"),
        guide=_guide(mentorship, guide_id),
        scheduled_by=_me(acting_user),
    )
    audit_record(
        actor=acting_user,
        event=EngagementEvent.SESSION_SCHEDULED,
        target=session,
        changes={"starts_at": (None, session.starts_at)},
    )
    if notify:
        _send_invite(session)
    return session


def _locked_session(session: MentoringSession) -> MentoringSession:
    found = MentoringSession.objects.select_for_update().filter(pk=session.pk).first()
    if found is None:
        raise NotFound(_("No such session."))
    found.mentorship = session.mentorship  # loaded by the caller's selector
    return found


def _still_changeable(session: MentoringSession, now: datetime) -> None:
    if session.status == MentoringSession.Status.CANCELLED:
        raise Conflict(_("This session was cancelled; schedule a new one."))
    if session.logs.exists():
        raise Conflict(_("This session has been logged already; it can no longer change."))
    if session.starts_at <= now:
        raise Conflict(_("This session has started already: log it instead."))


_UNSET: Any = object()


@transaction.atomic
def session_update(
    session: MentoringSession,
    *,
    starts_at: datetime | None = None,
    minutes: int | None = None,
    format: str | None = None,
    place: str | None = None,
    video_url: str | None = None,
    agenda: str | None = None,
    guide_id: int | None = _UNSET,
    acting_user: AnyUser,
    now: datetime | None = None,
    notify: bool = True,
) -> MentoringSession:
    """Move or change a session (None leaves a field alone); the invite is updated with the
    same UID and a higher SEQUENCE."""
    _partner_side(acting_user, session.mentorship)
    now = now or timezone.now()
    session = _locked_session(session)
    _still_changeable(session, now)
    new: dict[str, Any] = {}
    if starts_at is not None:
        new["starts_at"] = _starts_at(starts_at, now)
    if minutes is not None:
        new["minutes"] = _int(minutes, field="minutes", low=5, high=480)
    if format is not None:
        new["format"] = _choice(format, field="format", choices=Format.values)
    if place is not None:
        new["place"] = _text(place, field="place", max_length=200)
    if video_url is not None:
        new["video_url"] = _video_url(video_url)
    if agenda is not None:
        new["agenda"] = _text(agenda, field="agenda")
    if guide_id is not _UNSET:
        new["guide"] = _guide(session.mentorship, guide_id)
    changes = {
        name: (getattr(session, name), value)
        for name, value in new.items()
        if getattr(session, name) != value
    }
    if not changes:
        return session
    for name, (_old, value) in changes.items():
        setattr(session, name, value)
    session.sequence += 1
    session.save(update_fields=[*changes, "sequence", "updated_at"])
    audit_record(
        actor=acting_user,
        event=EngagementEvent.SESSION_UPDATED,
        target=session,
        changes={
            name: change
            for name, change in changes.items()
            if name in ("starts_at", "minutes", "format")
        }
        | {"sequence": (session.sequence - 1, session.sequence)},
    )
    if notify:
        _send_invite(session)
    return session


@transaction.atomic
def session_cancel(
    session: MentoringSession,
    *,
    note: str = "",
    acting_user: AnyUser,
    now: datetime | None = None,
    notify: bool = True,
) -> MentoringSession:
    """Cancel ahead of time; both get a CANCEL invite (same UID, higher SEQUENCE)."""
    _partner_side(acting_user, session.mentorship)
    now = now or timezone.now()
    session = _locked_session(session)
    _still_changeable(session, now)
    session.status = MentoringSession.Status.CANCELLED
    session.outcome = MentoringSession.Outcome.CANCELLED
    session.cancelled_at = now
    session.cancel_note = _text(note, field="note", max_length=1000)
    session.sequence += 1
    session.save(
        update_fields=["status", "outcome", "cancelled_at", "cancel_note", "sequence", "updated_at"]
    )
    audit_record(
        actor=acting_user,
        event=EngagementEvent.SESSION_CANCELLED,
        target=session,
        changes={"status": ("scheduled", "cancelled")},
    )
    if notify:
        _send_invite(session)
    return session


OUTCOME_PRIORITY = (
    MentoringSession.Outcome.HELD,
    MentoringSession.Outcome.NO_SHOW,
    MentoringSession.Outcome.CANCELLED,
)


@transaction.atomic
def session_log(
    session: MentoringSession,
    *,
    outcome: str,
    topic_ids: Iterable[int] = (),
    other_topics: str = "",
    rating: int | None = None,
    comment: str = "",
    acting_user: AnyUser,
    now: datetime | None = None,
) -> SessionLog:
    """One partner's account of a session (again to correct it). The rating and comment
    are private to the author; the session's outcome is "held" once either says so."""
    side = _partner_side(acting_user, session.mentorship)
    now = now or timezone.now()
    session = _locked_session(session)
    if session.status == MentoringSession.Status.CANCELLED:
        raise Conflict(_("This session was cancelled ahead of time: there is nothing to log."))
    if session.starts_at > now:
        raise ValidationFailed(_("Log the session once its time has come."))
    outcome = _choice(outcome, field="outcome", choices=MentoringSession.Outcome.values)
    if rating is not None:
        rating = _int(rating, field="rating", low=1, high=5)
    if outcome != MentoringSession.Outcome.HELD:
        rating = None
    topics = _skills(topic_ids, field="topics")
    log, _created = SessionLog.objects.update_or_create(
        session=session,
        side=side,
        defaults={
            "author": _me(acting_user),
            "outcome": outcome,
            "other_topics": _text(other_topics, field="other_topics", max_length=300),
            "rating": rating,
            "comment": _text(comment, field="comment", max_length=2000),
        },
    )
    log.topics.set(topics)
    outcomes = set(session.logs.values_list("outcome", flat=True))
    new_outcome = next((o for o in OUTCOME_PRIORITY if o in outcomes), "")
    if new_outcome != session.outcome:
        session.outcome = new_outcome
        session.save(update_fields=["outcome", "updated_at"])
    audit_record(
        actor=acting_user,
        event=EngagementEvent.SESSION_LOGGED,
        target=session,
        changes={"outcome": (None, outcome)},
        message=_("by the %(side)s") % {"side": side},
    )
    return log


# --- Goals ------------------------------------------------------------------------------


@transaction.atomic
def goal_update(
    goal: PairGoal,
    *,
    status: str | None = None,
    progress: int | None = None,
    note: str = "",
    acting_user: AnyUser,
    now: datetime | None = None,
) -> PairGoal:
    """Either partner moves a goal on; every change is kept in the goal's history."""
    _partner_side(acting_user, goal.mentorship)
    now = now or timezone.now()
    goal = PairGoal.objects.select_for_update().select_related("mentorship").get(pk=goal.pk)
    new_status = (
        _choice(status, field="status", choices=PairGoal.Status.values)
        if status is not None
        else goal.status
    )
    new_progress = (
        _int(progress, field="progress", low=0, high=100) if progress is not None else goal.progress
    )
    if new_status == PairGoal.Status.ACHIEVED:
        new_progress = 100
    elif new_status == PairGoal.Status.NOT_STARTED and new_progress > 0:
        new_status = PairGoal.Status.IN_PROGRESS
    note = _text(note, field="note", max_length=1000)
    if (new_status, new_progress) == (goal.status, goal.progress) and not note:
        return goal
    event = _goal_event(
        goal,
        kind=GoalEvent.Kind.UPDATED,
        user=acting_user,
        now=now,
        status_from=goal.status,
        status_to=new_status,
        progress_from=goal.progress,
        progress_to=new_progress,
        note=note,
    )
    old = (goal.status, goal.progress)
    goal.status, goal.progress = new_status, new_progress
    goal.save(update_fields=["status", "progress", "updated_at"])
    audit_record(
        actor=acting_user,
        event=EngagementEvent.GOAL_UPDATED,
        target=goal.mentorship,
        changes={"status": (old[0], new_status), "progress": (old[1], new_progress)},
        message=_("goal %(n)d, history %(e)d") % {"n": goal.position, "e": event.pk},
    )
    return goal


@transaction.atomic
def milestone_add(
    goal: PairGoal,
    *,
    title: str,
    due_on: Any = None,
    acting_user: AnyUser,
    now: datetime | None = None,
) -> GoalMilestone:
    _partner_side(acting_user, goal.mentorship)
    now = now or timezone.now()
    if goal.milestones.count() >= 20:
        raise ValidationFailed(_("A goal has at most 20 milestones."))
    milestone = GoalMilestone.objects.create(
        goal=goal, title=_text(title, field="title", max_length=200, required=True), due_on=due_on
    )
    _goal_event(
        goal, kind=GoalEvent.Kind.MILESTONE_ADDED, user=acting_user, now=now, note=milestone.title
    )
    audit_record(actor=acting_user, event=EngagementEvent.MILESTONE_ADDED, target=goal.mentorship)
    return milestone


@transaction.atomic
def milestone_set_done(
    milestone: GoalMilestone, *, done: bool, acting_user: AnyUser, now: datetime | None = None
) -> GoalMilestone:
    goal = milestone.goal
    _partner_side(acting_user, goal.mentorship)
    now = now or timezone.now()
    milestone = GoalMilestone.objects.select_for_update().get(pk=milestone.pk)
    if (milestone.done_at is not None) == done:
        return milestone
    milestone.done_at = now if done else None
    milestone.save(update_fields=["done_at"])
    _goal_event(
        goal,
        kind=GoalEvent.Kind.MILESTONE_DONE if done else GoalEvent.Kind.MILESTONE_REOPENED,
        user=acting_user,
        now=now,
        note=milestone.title,
    )
    PairGoal.objects.filter(pk=goal.pk).update(updated_at=now)
    audit_record(
        actor=acting_user,
        event=EngagementEvent.MILESTONE_DONE,
        target=goal.mentorship,
        changes={"done": (not done, done)},
    )
    return milestone


# --- Learning log and reflections ---------------------------------------------------------


@transaction.atomic
def learning_add(
    mentorship: Mentorship,
    *,
    text: str,
    skill_ids: Iterable[int] = (),
    session_id: int | None = None,
    acting_user: AnyUser,
) -> LearningEntry:
    """A partner notes what they learned from the other, tagged with skills."""
    side = _partner_side(acting_user, mentorship)
    session = None
    if session_id is not None:
        session = MentoringSession.objects.filter(pk=session_id, mentorship=mentorship).first()
        if session is None:
            raise ValidationFailed(
                _("Choose a session of this pair."), details={"field": "session"}
            )
    entry = LearningEntry.objects.create(
        mentorship=mentorship,
        author=_me(acting_user),
        side=side,
        text=_text(text, field="text", required=True),
        session=session,
    )
    entry.skills.set(_skills(skill_ids))
    audit_record(
        actor=acting_user,
        event=EngagementEvent.LEARNING_ADDED,
        target=mentorship,
        message=_("by the %(side)s") % {"side": side},
    )
    return entry


@transaction.atomic
def reflection_add(
    *, body: str, mentorship_id: int | None = None, acting_user: AnyUser
) -> Reflection:
    """A private journal entry, visible to its author alone."""
    require(acting_user.is_authenticated, _("Log in to write a reflection."))
    mentorship = None
    if mentorship_id is not None:
        mentorship = Mentorship.objects.select_related("cohort").filter(pk=mentorship_id).first()
        if mentorship is None or not permissions.can_view_pair(acting_user, mentorship):
            raise ValidationFailed(
                _("Choose one of your own pairs."), details={"field": "mentorship"}
            )
    author_id = acting_user.pk
    assert author_id is not None
    reflection = Reflection.objects.create(
        author_id=author_id,
        mentorship=mentorship,
        body=_text(body, field="body", max_length=MAX_REFLECTION, required=True),
    )
    audit_record(actor=acting_user, event=EngagementEvent.REFLECTION_ADDED, target=reflection)
    return reflection


@transaction.atomic
def reflection_delete(reflection: Reflection, *, acting_user: AnyUser) -> None:
    require(
        acting_user.is_authenticated and reflection.author_id == acting_user.pk,
        _("Only the author can delete a reflection."),
    )
    audit_record(actor=acting_user, event=EngagementEvent.REFLECTION_DELETED, target=reflection)
    reflection.delete()


# --- Reminders --------------------------------------------------------------------------


@dataclass
class TickResult:
    created: dict[str, int] = field(default_factory=dict)
    reminders: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.reminders)


@dataclass(frozen=True)
class _Due:
    kind: str
    target: str
    period: str
    mentorship_id: int
    recipients: list[int]
    session_id: int | None = None


def _stamp(value: datetime) -> str:
    return value.astimezone(timezone.get_current_timezone()).strftime("%Y%m%dT%H%M")


def _manager_ids(mentorship: Mentorship) -> list[int]:
    return sorted(u.pk for u in mentorship.cohort.program.managers.all())


def _due_for_pairs(now: datetime) -> list[_Due]:
    scheduled = Q(sessions__status=MentoringSession.Status.SCHEDULED)
    pairs = (
        Mentorship.objects.filter(status=Mentorship.Status.ACTIVE, activated_at__isnull=False)
        .select_related("cohort__program", "agreement")
        .prefetch_related("cohort__program__managers")
        .annotate(
            last_session=Max("sessions__starts_at", filter=scheduled),
            upcoming=Min("sessions__starts_at", filter=scheduled & Q(sessions__starts_at__gt=now)),
            last_held=Max(
                "sessions__starts_at", filter=Q(sessions__outcome=MentoringSession.Outcome.HELD)
            ),
        )
        .order_by("pk")
    )
    due: list[_Due] = []
    for m in pairs.iterator(chunk_size=500):
        agreement: Agreement | None
        try:
            agreement = m.agreement
        except Agreement.DoesNotExist:
            agreement = None
        cadence = timedelta(
            days=agreement.cadence_days if agreement else m.cohort.program.meeting_every_days
        )
        activated: datetime = m.activated_at  # type: ignore[assignment]
        both = [m.mentor_id, m.mentee_id]
        target = f"mentorship:{m.pk}"
        # 1. No session scheduled within the cadence plus a grace period: nudge both,
        #    again every cadence period until one is scheduled.
        if m.upcoming is None:
            reference: datetime = m.last_session or activated
            overdue = now - reference - cadence - timedelta(days=GRACE_DAYS)
            if overdue >= timedelta(0):
                n = overdue // cadence
                due.append(
                    _Due(Reminder.Kind.NO_SESSION, target, f"{_stamp(reference)}#{n}", m.pk, both)
                )
        # 2. Agreement unsigned 7 days after the pair became active: weekly reminder.
        if agreement is None or not agreement.is_signed:
            age = now - activated
            if age >= UNSIGNED_AFTER:
                unsigned = [
                    person
                    for person, side in ((m.mentor_id, Side.MENTOR), (m.mentee_id, Side.MENTEE))
                    if agreement is None or not agreement.signed_by(side)
                ]
                due.append(
                    _Due(
                        Reminder.Kind.AGREEMENT_UNSIGNED,
                        target,
                        f"week{age // UNSIGNED_AFTER}",
                        m.pk,
                        unsigned,
                    )
                )
        # A pair that stopped meeting reaches its managers through the insights app's
        # daily pair-health digest (one email per manager per day), not a per-pair email.
    return due


def _due_logs(now: datetime) -> list[_Due]:
    sessions = (
        MentoringSession.objects.filter(
            status=MentoringSession.Status.SCHEDULED,
            mentorship__status=Mentorship.Status.ACTIVE,
            starts_at__lte=now - LOG_AFTER,
            starts_at__gte=now - LOG_WINDOW,
        )
        .select_related("mentorship")
        .prefetch_related("logs")
        .order_by("pk")
    )
    due = []
    for s in sessions:
        if s.ends_at + LOG_AFTER > now:
            continue
        logged = {log.side for log in s.logs.all()}
        for side, person in (
            (Side.MENTOR, s.mentorship.mentor_id),
            (Side.MENTEE, s.mentorship.mentee_id),
        ):
            if side not in logged:
                due.append(
                    _Due(
                        Reminder.Kind.LOG_SESSION,
                        f"session:{s.pk}",
                        side,
                        s.mentorship_id,
                        [person],
                        s.pk,
                    )
                )
    return due


def reminders_due(*, now: datetime | None = None) -> list[_Due]:
    """Every reminder whose trigger holds now (sent or not)."""
    now = now or timezone.now()
    return _due_for_pairs(now) + _due_logs(now)


def reminders_run(*, now: datetime | None = None, notify: bool = True) -> TickResult:
    """The periodic tick: record each due reminder once and queue its email.

    Idempotent and safe to run concurrently: the unique (kind, target, period) constraint
    decides who records a reminder, and only the one who inserted it queues the email.
    """
    now = now or timezone.now()
    due = [d for d in reminders_due(now=now) if d.recipients]
    result = TickResult()
    if not due:
        return result
    existing = set(
        Reminder.objects.filter(target__in={d.target for d in due}).values_list(
            "kind", "target", "period"
        )
    )
    for d in due:
        if (d.kind, d.target, d.period) in existing:
            continue
        try:
            with transaction.atomic():
                reminder = Reminder.objects.create(
                    kind=d.kind,
                    target=d.target,
                    period=d.period,
                    mentorship_id=d.mentorship_id,
                    session_id=d.session_id,
                    recipients=d.recipients,
                    created_at=now,
                )
                if notify:
                    from turnabout.engagement.tasks import send_reminder

                    transaction.on_commit(partial(send_reminder.enqueue, reminder.pk))
        except IntegrityError:
            continue  # another tick recorded it first
        result.reminders.append(reminder.pk)
        result.created[d.kind] = result.created.get(d.kind, 0) + 1
    if result.reminders:
        audit_record(
            actor=None,
            event=EngagementEvent.REMINDERS_SENT,
            changes={kind: (0, n) for kind, n in sorted(result.created.items())},
            message=_("%(n)d reminders queued") % {"n": result.total},
        )
    return result


def reminder_mark_sent(reminder_id: int, *, now: datetime | None = None) -> None:
    Reminder.objects.filter(pk=reminder_id, sent_at__isnull=True).update(
        sent_at=now or timezone.now()
    )
