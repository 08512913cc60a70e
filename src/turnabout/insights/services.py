"""Writes of the insights app: KPI snapshots and hand-entered values, pair health and what
managers do about it, the daily digest, and applying the lessons to matching settings.

The scheduled parts (`insights_tick`: health, snapshots, digests) are idempotent: run them
twice in a day, or from two workers at once, and nothing doubles.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from turnabout.common.audit import audit_record
from turnabout.common.errors import Conflict, ErrorCode, ValidationFailed, require
from turnabout.common.types import AnyUser
from turnabout.insights import health, metrics, permissions
from turnabout.insights.audit import InsightsEvent
from turnabout.insights.models import (
    CheckInNote,
    CohortRollup,
    DigestSent,
    HealthState,
    KpiSnapshot,
    ManualValue,
    PairHealth,
    PairHealthChange,
    RematchOffer,
    SignalSnooze,
)
from turnabout.insights.tasks import digest_email as digest_email_task
from turnabout.insights.tasks import rematch_offer_email as rematch_offer_email_task
from turnabout.pairing.models import Mentorship
from turnabout.programs.models import Cohort, Objective, Phase, Program
from turnabout.programs.services import program_update

# --- KPI values -----------------------------------------------------------------------------


@transaction.atomic
def manual_value_record(
    objective: Objective, *, day: date, value: Any, note: str = "", acting_user: AnyUser
) -> ManualValue:
    """A dated value of a `custom` objective, entered by one of the program's managers."""
    require(
        permissions.can_record_values(acting_user, objective.program),
        _("Only this program's managers can record KPI values."),
    )
    if objective.metric != Objective.Metric.CUSTOM:
        raise ValidationFailed(
            _("Only objectives reported by hand take values; this one is computed."),
            code=ErrorCode.KPI_NOT_CUSTOM,
            params={"objective": objective.pk},
        )
    try:
        number = Decimal(str(value))
    except InvalidOperation as exc:
        raise ValidationFailed(_("The value must be a number."), field="value") from exc
    if not number.is_finite() or abs(number) >= Decimal("1e9"):
        raise ValidationFailed(_("The value must be a number."), field="value")
    if day > timezone.localdate():
        raise ValidationFailed(
            _("A value is reported for today or a past day."),
            code=ErrorCode.KPI_VALUE_IN_FUTURE,
            field="day",
        )
    note = (note or "").strip()
    if "\x00" in note or len(note) > ManualValue.NOTE_MAX:
        raise ValidationFailed(_("The note is too long."), field="note")
    created = ManualValue.objects.create(
        objective=objective,
        day=day,
        value=number.quantize(Decimal("0.001")),
        note=note,
        entered_by_id=acting_user.pk if acting_user.is_authenticated else None,
    )
    audit_record(
        actor=acting_user,
        event=InsightsEvent.KPI_VALUE_RECORDED,
        target=objective,
        changes={"value": (None, str(created.value)), "day": (None, day.isoformat())},
    )
    return created


def snapshot_cohorts(day: date) -> list[Cohort]:
    """Cohorts whose KPIs are recorded on `day`: every cohort past draft that has started
    taking applications, except closed ones already recorded after their end."""
    cohorts = list(
        Cohort.objects.exclude(phase=Phase.DRAFT)
        .select_related("program")
        .filter(Q(applications_open_on__lte=day) | Q(starts_on__lte=day))
    )
    closed_done = set(
        KpiSnapshot.objects.filter(
            cohort__phase=Phase.CLOSED, day__gt=F("cohort__ends_on")
        ).values_list("cohort_id", flat=True)
    )
    return [c for c in cohorts if c.pk not in closed_done]


def kpi_snapshots_take(
    *, day: date, now: datetime | None = None, cohorts: Sequence[Cohort] | None = None
) -> int:
    """Record every objective's value for every current cohort (or for `cohorts`) as of
    `day`, and the cohorts' dashboard rollups; idempotent (a second call the same day
    inserts nothing). Returns the number of KPI rows written."""
    now = now or timezone.now()
    cohorts = snapshot_cohorts(day) if cohorts is None else list(cohorts)
    if not cohorts:
        return 0
    objectives = list(Objective.objects.filter(program__in={c.program_id for c in cohorts}))
    values = metrics.compute(objectives, cohorts, day)
    rows = [
        KpiSnapshot(
            objective=v.objective,
            cohort=v.cohort,
            day=day,
            value=v.value,
            count=v.count,
            state=v.state,
            note=v.note[: KpiSnapshot.NOTE_MAX],
            hidden=v.hidden,
            taken_at=now,
        )
        for v in values.values()
        if v.cohort is not None
    ]
    taken = KpiSnapshot.objects.filter(day=day, cohort__in=[c.pk for c in cohorts])
    before = taken.count()
    KpiSnapshot.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    written = taken.count() - before
    cohort_rollups_take(day=day, now=now, cohorts=cohorts)
    if written:
        audit_record(
            actor=None,
            event=InsightsEvent.KPI_SNAPSHOTS_TAKEN,
            changes={"snapshots": (0, written)},
            message=f"{day.isoformat()}",
        )
    return written


def cohort_rollups_take(*, day: date, now: datetime, cohorts: Sequence[Cohort]) -> int:
    """The dashboard series of each cohort as of the end of `day` (one aggregate query over
    their sessions); idempotent like the KPI snapshot. Returns the rows written."""
    ids = [c.pk for c in cohorts]
    done = set(
        CohortRollup.objects.filter(day=day, cohort__in=ids).values_list("cohort_id", flat=True)
    )
    wanted = [pk for pk in ids if pk not in done]
    if not wanted:
        return 0
    weeks = metrics.sessions_per_week(wanted, day)
    rows = [
        CohortRollup(
            cohort_id=pk,
            day=day,
            weeks=[[w.isoformat(), held, missed] for w, held, missed in weeks.get(pk, [])],
            taken_at=now,
        )
        for pk in wanted
    ]
    CohortRollup.objects.bulk_create(rows, ignore_conflicts=True)
    # Only the latest series is read: older days' rows go.
    CohortRollup.objects.filter(cohort__in=wanted, day__lt=day).delete()
    return len(rows)


# --- Pair health --------------------------------------------------------------------------


def _active_pairs() -> Any:
    return Mentorship.objects.filter(status=Mentorship.Status.ACTIVE).select_related(
        "cohort__program"
    )


def pair_health_refresh(*, now: datetime | None = None, batch: int = 2000) -> int:
    """Recompute the health of every active pair; record each change of state. Returns the
    number of pairs whose state changed. Idempotent: an unchanged state writes no change."""
    now = now or timezone.now()
    changed = 0
    pairs = list(_active_pairs().order_by("pk"))
    for start in range(0, len(pairs), batch):
        chunk = pairs[start : start + batch]
        changed += _refresh_chunk(chunk, now)
    return changed


@transaction.atomic
def _refresh_chunk(pairs: list[Mentorship], now: datetime) -> int:
    facts = health.gather(pairs, now)
    snoozed = health.snoozed_signals([m.pk for m in pairs], now.date())
    current = {
        h.mentorship_id: h
        for h in PairHealth.objects.select_for_update().filter(mentorship__in=pairs)
    }
    to_create, to_update, changes = [], [], []
    for fact in facts:
        fired = health.evaluate(fact, now)
        state = health.state_of(fired, snoozed.get(fact.pair_id, ()))
        signals = [f.as_json() for f in fired]
        record = current.get(fact.pair_id)
        if record is None:
            to_create.append(
                PairHealth(
                    mentorship_id=fact.pair_id,
                    state=state,
                    signals=signals,
                    since=now,
                    computed_at=now,
                )
            )
            if state != HealthState.ON_TRACK:
                changes.append(
                    PairHealthChange(
                        mentorship_id=fact.pair_id,
                        at=now,
                        from_state="",
                        to_state=state,
                        signals=signals,
                    )
                )
            continue
        if record.state != state:
            changes.append(
                PairHealthChange(
                    mentorship_id=fact.pair_id,
                    at=now,
                    from_state=record.state,
                    to_state=state,
                    signals=signals,
                )
            )
            record.since = now
        record.state, record.signals, record.computed_at = state, signals, now
        to_update.append(record)
    PairHealth.objects.bulk_create(to_create, batch_size=1000)
    PairHealth.objects.bulk_update(
        to_update, ["state", "signals", "since", "computed_at"], batch_size=1000
    )
    PairHealthChange.objects.bulk_create(changes, batch_size=1000)
    return len(changes)


def _pair_program(mentorship: Mentorship) -> Program:
    return mentorship.cohort.program


@transaction.atomic
def checkin_note_add(mentorship: Mentorship, *, body: str, acting_user: AnyUser) -> CheckInNote:
    require(
        permissions.can_act_on_pairs(acting_user, _pair_program(mentorship)),
        _("Only this program's managers record check-in notes."),
    )
    text = (body or "").strip()
    if not text:
        raise ValidationFailed(_("Write what was said or agreed."), field="body")
    if "\x00" in text or len(text) > CheckInNote.BODY_MAX:
        raise ValidationFailed(
            _("A note has at most %(n)d characters.") % {"n": CheckInNote.BODY_MAX}, field="body"
        )
    note = CheckInNote.objects.create(
        mentorship=mentorship,
        author_id=acting_user.pk,
        author_label=acting_user.get_username(),
        body=text,
        created_at=timezone.now(),
    )
    audit_record(actor=acting_user, event=InsightsEvent.CHECKIN_NOTE_ADDED, target=note)
    return note


@transaction.atomic
def signal_snooze(
    mentorship: Mentorship, *, signal: str, days: int, acting_user: AnyUser
) -> SignalSnooze:
    """Silence one signal of one pair for some days; the pair's state is recomputed now."""
    require(
        permissions.can_act_on_pairs(acting_user, _pair_program(mentorship)),
        _("Only this program's managers snooze signals."),
    )
    if signal not in health.SIGNALS:
        raise ValidationFailed(
            _("No such signal."), code=ErrorCode.HEALTH_SIGNAL_UNKNOWN, field="signal"
        )
    if not 1 <= int(days) <= SignalSnooze.DAYS_MAX:
        raise ValidationFailed(
            _("Snooze for 1 to %(n)d days.") % {"n": SignalSnooze.DAYS_MAX}, field="days"
        )
    if mentorship.status != Mentorship.Status.ACTIVE:
        raise Conflict(_("Only an active pair's signals can be snoozed."))
    now = timezone.now()
    until = now.date() + timedelta(days=int(days))
    snooze, _created = SignalSnooze.objects.update_or_create(
        mentorship=mentorship,
        signal=signal,
        defaults={"until": until, "created_by_id": acting_user.pk, "created_at": now},
    )
    audit_record(
        actor=acting_user,
        event=InsightsEvent.SIGNAL_SNOOZED,
        target=mentorship,
        changes={"signal": (None, signal), "until": (None, until.isoformat())},
    )
    _refresh_chunk(list(_active_pairs().filter(pk=mentorship.pk)), now)
    return snooze


@transaction.atomic
def rematch_offer(
    mentorship: Mentorship, *, message: str = "", acting_user: AnyUser
) -> RematchOffer:
    """Offer the partners a new match: both are emailed; either may end the pair from their
    pair page, which frees them for the next re-match run."""
    require(
        permissions.can_act_on_pairs(acting_user, _pair_program(mentorship)),
        _("Only this program's managers offer a re-match."),
    )
    if mentorship.status != Mentorship.Status.ACTIVE:
        raise Conflict(
            _("Only an active pair can be offered a re-match."),
            code=ErrorCode.REMATCH_NOT_ACTIVE,
        )
    text = (message or "").strip()
    if "\x00" in text or len(text) > RematchOffer.MESSAGE_MAX:
        raise ValidationFailed(_("The message is too long."), field="message")
    offer = RematchOffer.objects.create(
        mentorship=mentorship, message=text, offered_by_id=acting_user.pk, offered_at=timezone.now()
    )
    audit_record(actor=acting_user, event=InsightsEvent.REMATCH_OFFERED, target=mentorship)
    transaction.on_commit(partial(rematch_offer_email_task.enqueue, offer.pk))
    return offer


# --- The daily digest -----------------------------------------------------------------------


@dataclass
class DigestResult:
    queued: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.queued)


def digests_send(*, now: datetime | None = None, notify: bool = True) -> DigestResult:
    """One email per program manager per day listing the pairs of their programs whose
    health changed since their previous digest. Managers with no change get nothing.
    Idempotent: the (manager, day) row is inserted before the email is queued."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    result = DigestResult()
    window_start = now - timedelta(days=1)
    changes = list(
        PairHealthChange.objects.filter(at__gt=window_start - timedelta(days=6), at__lte=now)
        .select_related("mentorship__cohort")
        .order_by("at", "pk")
    )
    if not changes:
        return result
    program_ids = {c.mentorship.cohort.program_id for c in changes}
    managers: dict[int, set[int]] = defaultdict(set)
    for program_id, user_id in Program.managers.through.objects.filter(
        program_id__in=program_ids
    ).values_list("program_id", "user_id"):
        managers[user_id].add(program_id)
    if not managers:
        return result
    done_today = set(
        DigestSent.objects.filter(day=today, manager__in=managers).values_list(
            "manager_id", flat=True
        )
    )
    last_sent: dict[int, datetime] = {}
    for manager_id, created in DigestSent.objects.filter(manager__in=managers).values_list(
        "manager_id", "created_at"
    ):
        if manager_id not in last_sent or created > last_sent[manager_id]:
            last_sent[manager_id] = created
    active_users = set(
        get_user_model()
        .objects.filter(pk__in=managers, is_active=True)
        .values_list("pk", flat=True)
    )
    for manager_id, programs in sorted(managers.items()):
        if manager_id in done_today or manager_id not in active_users:
            continue
        since = last_sent.get(manager_id, window_start)
        latest: dict[int, PairHealthChange] = {}
        for change in changes:
            if change.at > since and change.mentorship.cohort.program_id in programs:
                latest[change.mentorship_id] = change
        if not latest:
            continue
        try:
            with transaction.atomic():
                digest = DigestSent.objects.create(
                    manager_id=manager_id,
                    day=today,
                    pairs=sorted(latest),
                    created_at=now,
                )
                if notify:
                    transaction.on_commit(partial(digest_email_task.enqueue, digest.pk))
        except IntegrityError:
            continue  # another worker sent today's digest first
        result.queued.append(digest.pk)
    if result.queued:
        audit_record(
            actor=None,
            event=InsightsEvent.DIGESTS_SENT,
            changes={"digests": (0, result.total)},
        )
    return result


def digest_mark_sent(digest_id: int) -> None:
    DigestSent.objects.filter(pk=digest_id, sent_at__isnull=True).update(sent_at=timezone.now())


# --- Lessons --------------------------------------------------------------------------------


@transaction.atomic
def lessons_apply(program: Program, *, weights: dict[str, float], acting_user: AnyUser) -> Program:
    """Put suggested criterion weights into the program's matching settings (audited)."""
    require(
        permissions.can_apply_lessons(acting_user, program),
        _("Only this program's managers change its matching settings."),
    )
    if not weights:
        raise ValidationFailed(
            _("There are no suggested weights to apply."), code=ErrorCode.LESSONS_TOO_LITTLE_DATA
        )
    settings = dict(program.matching_settings or {})
    before = dict(settings.get("weights") or {})
    settings["weights"] = {**before, **{k: round(float(v), 2) for k, v in weights.items()}}
    program_update(program, data={"matching_settings": settings}, acting_user=acting_user)
    audit_record(
        actor=acting_user,
        event=InsightsEvent.LESSONS_APPLIED,
        target=program,
        changes={"weights": (before, settings["weights"])},
    )
    return program


# --- The tick -------------------------------------------------------------------------------


@dataclass
class TickResult:
    health_changes: int = 0
    snapshots: int = 0
    digests: int = 0


def insights_tick(*, now: datetime | None = None, notify: bool = True) -> TickResult:
    """What the worker's tick runs: pair health, today's KPI snapshots, the digests."""
    now = now or timezone.now()
    result = TickResult()
    result.health_changes = pair_health_refresh(now=now)
    result.snapshots = kpi_snapshots_take(day=timezone.localdate(now), now=now)
    result.digests = digests_send(now=now, notify=notify).total
    return result
