"""The periodic reminder tick: what is due, recorded once, emailed after commit."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import Max, Min, Q
from django.utils import timezone
from django.utils.translation import ngettext

from turnabout.common.audit import audit_record
from turnabout.engagement.audit import EngagementEvent
from turnabout.engagement.models import (
    Agreement,
    MentoringSession,
    Reminder,
    Side,
)
from turnabout.engagement.selectors import GRACE_DAYS
from turnabout.engagement.tasks import send_reminder as send_reminder_task
from turnabout.pairing.models import Mentorship

UNSIGNED_AFTER = timedelta(days=7)
LOG_AFTER = timedelta(hours=1)
LOG_WINDOW = timedelta(days=30)


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
                    transaction.on_commit(partial(send_reminder_task.enqueue, reminder.pk))
        except IntegrityError:
            continue  # another tick recorded it first
        result.reminders.append(reminder.pk)
        result.created[d.kind] = result.created.get(d.kind, 0) + 1
    if result.reminders:
        audit_record(
            actor=None,
            event=EngagementEvent.REMINDERS_SENT,
            changes={kind: (0, n) for kind, n in sorted(result.created.items())},
            message=ngettext("%(n)d reminder queued", "%(n)d reminders queued", result.total)
            % {"n": result.total},
        )
    return result


def reminder_mark_sent(reminder_id: int, *, now: datetime | None = None) -> None:
    Reminder.objects.filter(pk=reminder_id, sent_at__isnull=True).update(
        sent_at=now or timezone.now()
    )
