"""Mentoring sessions: schedule, move, cancel (each with a calendar invite) and log."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from turnabout.common.audit import audit_record
from turnabout.common.errors import Conflict, ErrorCode, NotFound, ValidationFailed
from turnabout.common.schemas import clean_text
from turnabout.common.types import AnyUser
from turnabout.engagement.audit import EngagementEvent
from turnabout.engagement.models import (
    MentoringSession,
    SessionLog,
)
from turnabout.engagement.services._shared import (
    _aware,
    _choice,
    _int,
    _me,
    _partner_side,
    _skills,
)
from turnabout.engagement.tasks import send_session_invite as send_session_invite_task
from turnabout.learning.models import ConversationGuide
from turnabout.pairing.models import Mentorship
from turnabout.programs.models import Format
from turnabout.programs.services import cohort_activate_on_first_session

MAX_AHEAD = timedelta(days=366)


def _video_url(value: Any) -> str:
    url = clean_text(value, field="video_url", max_length=MentoringSession.VIDEO_URL_MAX)
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
        raise ValidationFailed(
            _("Choose a time in the future."),
            code=ErrorCode.SESSION_TIME_INVALID,
            details={"field": "starts_at"},
            field="starts_at",
        )
    if starts_at > now + MAX_AHEAD:
        raise ValidationFailed(
            _("Schedule at most a year ahead."),
            code=ErrorCode.SESSION_TIME_INVALID,
            details={"field": "starts_at"},
            field="starts_at",
        )
    return starts_at.replace(second=0, microsecond=0)


def _send_invite(session: MentoringSession) -> None:
    transaction.on_commit(partial(send_session_invite_task.enqueue, session.pk, session.sequence))


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
        minutes=_int(
            minutes,
            field="minutes",
            low=MentoringSession.MINUTES_MIN,
            high=MentoringSession.MINUTES_MAX,
        ),
        format=_choice(format, field="format", choices=Format.values),
        place=clean_text(place, field="place", max_length=MentoringSession.PLACE_MAX),
        video_url=_video_url(video_url),
        agenda=clean_text(agenda, field="agenda", max_length=MentoringSession.AGENDA_MAX),
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
        raise Conflict(
            _("This session was cancelled; schedule a new one."),
            code=ErrorCode.SESSION_NOT_CHANGEABLE,
            params={"because": "cancelled"},
        )
    if session.logs.exists():
        raise Conflict(
            _("This session has been logged already; it can no longer change."),
            code=ErrorCode.SESSION_NOT_CHANGEABLE,
            params={"because": "logged"},
        )
    if session.starts_at <= now:
        raise Conflict(
            _("This session has started already: log it instead."),
            code=ErrorCode.SESSION_NOT_CHANGEABLE,
            params={"because": "started"},
        )


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
        new["minutes"] = _int(
            minutes,
            field="minutes",
            low=MentoringSession.MINUTES_MIN,
            high=MentoringSession.MINUTES_MAX,
        )
    if format is not None:
        new["format"] = _choice(format, field="format", choices=Format.values)
    if place is not None:
        new["place"] = clean_text(place, field="place", max_length=MentoringSession.PLACE_MAX)
    if video_url is not None:
        new["video_url"] = _video_url(video_url)
    if agenda is not None:
        new["agenda"] = clean_text(agenda, field="agenda", max_length=MentoringSession.AGENDA_MAX)
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
    session.cancel_note = clean_text(
        note, field="note", max_length=MentoringSession.CANCEL_NOTE_MAX
    )
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
        raise Conflict(
            _("This session was cancelled ahead of time: there is nothing to log."),
            code=ErrorCode.SESSION_CANCELLED,
        )
    if session.starts_at > now:
        raise ValidationFailed(
            _("Log the session once its time has come."), code=ErrorCode.SESSION_NOT_DUE
        )
    outcome = _choice(outcome, field="outcome", choices=MentoringSession.Outcome.values)
    if rating is not None:
        rating = _int(rating, field="rating", low=SessionLog.RATING_MIN, high=SessionLog.RATING_MAX)
    if outcome != MentoringSession.Outcome.HELD:
        rating = None
    topics = _skills(topic_ids, field="topics")
    log, _created = SessionLog.objects.update_or_create(
        session=session,
        side=side,
        defaults={
            "author": _me(acting_user),
            "outcome": outcome,
            "other_topics": clean_text(
                other_topics, field="other_topics", max_length=SessionLog.OTHER_TOPICS_MAX
            ),
            "rating": rating,
            "comment": clean_text(comment, field="comment", max_length=SessionLog.COMMENT_MAX),
        },
    )
    log.topics.set(topics)
    outcomes = set(session.logs.values_list("outcome", flat=True))
    new_outcome = next((o for o in OUTCOME_PRIORITY if o in outcomes), "")
    if new_outcome != session.outcome:
        session.outcome = new_outcome
        session.save(update_fields=["outcome", "updated_at"])
        if new_outcome == MentoringSession.Outcome.HELD:
            cohort_activate_on_first_session(session.mentorship.cohort)
    audit_record(
        actor=acting_user,
        event=EngagementEvent.SESSION_LOGGED,
        target=session,
        changes={"outcome": (None, outcome)},
        message=_("by the %(side)s") % {"side": side},
    )
    return log
