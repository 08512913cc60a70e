"""Writes on match runs, proposals, exclusions and mentorships.

Every function checks permission through `pairing.permissions`, writes in one transaction,
records an audit event and sends side effects (the run itself, emails) after commit.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from datetime import timedelta
from functools import partial
from typing import Any

from django.conf import settings as django_settings
from django.db import IntegrityError, close_old_connections, transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from turnabout.common import leases
from turnabout.common.audit import audit_record
from turnabout.common.errors import Conflict, ErrorCode, NotFound, ValidationFailed, require
from turnabout.common.types import AnyUser
from turnabout.enrollment.models import Application, ParticipantRole
from turnabout.pairing import adapter, explain, permissions
from turnabout.pairing.audit import PairingEvent
from turnabout.pairing.models import (
    LIVE_STATUSES,
    MatchRun,
    Mentorship,
    PairExclusion,
    Proposal,
    UnmatchedEntry,
)
from turnabout.pairing.tasks import run_match as run_match_task
from turnabout.pairing.tasks import send_match_email as send_match_email_task
from turnabout.pairing.tasks import send_pair_closed_email as send_pair_closed_email_task
from turnabout.people.models import Employee
from turnabout.programs.models import Cohort, Phase
from turnabout.programs.services import cohort_change_phase

logger = logging.getLogger(__name__)


REMATCH_PHASES = (Phase.MATCHED, Phase.ACTIVE)
ABANDONED_AFTER = timedelta(hours=1)
MAX_REASON = Mentorship.REASON_MAX
REMOVED_REASON = {"code": explain.REMOVED, "params": {}}
EXCLUDED_REASON = {"code": explain.EXCLUDED, "params": {}}


class OverrideRequired(ValidationFailed):
    """A hand-made pair breaks a hard constraint: a manager must give a reason to override."""

    code = ErrorCode.OVERRIDE_REQUIRED


def _clean_reason(value: Any, *, field: str = "reason") -> str:
    if not isinstance(value, str):
        raise ValidationFailed(_("The reason must be text."), details={"field": field})
    if "\x00" in value:
        raise ValidationFailed(
            _("The reason must not contain NUL characters."), details={"field": field}
        )
    text: str = value.strip()
    if len(text) > MAX_REASON:
        raise ValidationFailed(
            _("The reason is too long (at most %(n)d characters).") % {"n": MAX_REASON},
            details={"field": field},
        )
    return text


# --- Runs -------------------------------------------------------------------------------


def _run_kind(cohort: Cohort) -> str:
    if cohort.phase == Phase.MATCHING:
        return MatchRun.Kind.INITIAL
    if cohort.phase in REMATCH_PHASES:
        return MatchRun.Kind.REMATCH
    raise ValidationFailed(
        _(
            "Match runs start when the cohort is in the Matching phase (or, to re-match, "
            "Matched or Active); %(cohort)s is in the %(phase)s phase."
        )
        % {"cohort": cohort, "phase": cohort.get_phase_display()},
        code=ErrorCode.RUN_NOT_ALLOWED_IN_PHASE,
        params={"phase": cohort.phase},
    )


def run_is_current(run: MatchRun) -> bool:
    """Whether the run still fits the cohort's phase (an initial run before publishing, a
    re-match after): only then can it be adjusted, re-run or published."""
    phase = run.cohort.phase
    if run.kind == MatchRun.Kind.INITIAL:
        return phase == Phase.MATCHING
    return phase in REMATCH_PHASES


@transaction.atomic
def match_run_start(
    cohort: Cohort,
    *,
    settings: Mapping[str, Any] | None = None,
    based_on: MatchRun | None = None,
    acting_user: AnyUser,
    enqueue: bool = True,
) -> MatchRun:
    """Queue a run for the cohort; the task worker executes it (see `match_run_execute`).

    `settings` changes the program's matching settings for this run only (weights,
    constraints, objective, fairness...). `based_on` re-runs an earlier run of the cohort
    with its settings, keeping its locked pairs ("re-run around locks"). After publishing,
    a run is a re-match: every live pair stays fixed and only the others are matched.
    """
    require(
        permissions.can_manage_pairing(acting_user, cohort),
        _("Only this program's managers can run the matching."),
    )
    locked_cohort = Cohort.objects.select_for_update().select_related("program").get(pk=cohort.pk)
    kind = _run_kind(locked_cohort)
    if based_on is not None and based_on.cohort_id != cohort.pk:
        raise ValidationFailed(_("The run to re-run belongs to another cohort."))
    _fail_abandoned_runs(cohort)
    if MatchRun.objects.filter(
        cohort=cohort, status__in=[MatchRun.Status.QUEUED, MatchRun.Status.RUNNING]
    ).exists():
        raise Conflict(
            _(
                "A run of this cohort is in progress; wait for it to finish (is the task "
                "worker running?)."
            ),
            code=ErrorCode.RUN_IN_PROGRESS,
        )
    base = based_on.config if based_on is not None else locked_cohort.program.matching_settings
    config = adapter.config_mapping(base, settings)
    accepted = Counter(
        Application.objects.filter(cohort=cohort, status=Application.Status.ACCEPTED)
        .exclude(person__status=Employee.Status.TERMINATED)  # the adapter leaves them out too
        .values_list("role", flat=True)
    )
    if not accepted[ParticipantRole.MENTOR] or not accepted[ParticipantRole.MENTEE]:
        raise ValidationFailed(
            _(
                "Accept at least one mentor and one mentee who still work here "
                "before running the matching."
            ),
            code=ErrorCode.RUN_NO_PARTICIPANTS,
        )
    locks: list[dict[str, Any]] = []
    if based_on is not None:
        locks = [
            {"mentor_application": m, "mentee_application": e, "override_reason": reason}
            for m, e, reason in based_on.proposals.filter(locked=True, kept=False)
            .order_by("pk")
            .values_list("mentor_application_id", "mentee_application_id", "override_reason")
        ]
    number = (MatchRun.objects.filter(cohort=cohort).aggregate(n=Max("number"))["n"] or 0) + 1
    run = MatchRun.objects.create(
        cohort=cohort,
        number=number,
        kind=kind,
        config=config,
        objective=config["objective"],
        locks=locks,
        based_on=based_on,
        created_by_id=acting_user.pk if acting_user.is_authenticated else None,
    )
    audit_record(
        actor=acting_user,
        event=PairingEvent.RUN_STARTED,
        target=run,
        changes={"settings": (None, config)} if settings else {},
        message=_("Re-run of run %(n)d around %(locks)d locked pairs.")
        % {"n": based_on.number, "locks": len(locks)}
        if based_on is not None
        else "",
    )
    if enqueue:
        transaction.on_commit(partial(run_match_task.enqueue, run.pk))
    return run


WORKER_STOPPED = "The worker stopped; start the run again."


def _fail_abandoned_runs(cohort: Cohort) -> None:
    """Runs whose worker died stop blocking new ones: a running run whose lease lapsed
    (`match_runs_reap`), and a run queued for longer than ABANDONED_AFTER (no worker)."""
    match_runs_reap(cohort=cohort)
    cutoff = timezone.now() - ABANDONED_AFTER
    for run in MatchRun.objects.filter(
        cohort=cohort, status=MatchRun.Status.QUEUED, created_at__lt=cutoff
    ):
        _run_failed(run, _("Abandoned: no worker picked the run up within an hour."))


def match_runs_reap(*, cohort: Cohort | None = None) -> int:
    """Fail the running runs whose lease (`heartbeat_at`, renewed every few seconds by the
    worker running them) has lapsed: the worker died. Returns how many were failed."""
    cutoff = timezone.now() - timedelta(seconds=leases.lease_seconds())
    dead = MatchRun.objects.filter(status=MatchRun.Status.RUNNING).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    )
    if cohort is not None:
        dead = dead.filter(cohort=cohort)
    failed = 0
    for run in dead:
        with transaction.atomic():
            locked = MatchRun.objects.select_for_update().get(pk=run.pk)
            if locked.status != MatchRun.Status.RUNNING:
                continue
            _run_failed(locked, _(WORKER_STOPPED))
            failed += 1
    return failed


class _RunLease:
    """Renews a running run's `heartbeat_at` from a thread while the engine works."""

    def __init__(self, run_id: int) -> None:
        self.run_id = run_id
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._beat, daemon=True)

    def _beat(self) -> None:
        while not self.stop.wait(leases.HEARTBEAT):
            try:
                MatchRun.objects.filter(pk=self.run_id, status=MatchRun.Status.RUNNING).update(
                    heartbeat_at=timezone.now()
                )
            except Exception:  # the next beat retries
                logger.exception("Match run heartbeat failed")
            finally:
                close_old_connections()

    def __enter__(self) -> _RunLease:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()


class _ProgressWriter:
    """Writes the engine's progress to the run row, at most a few times a second."""

    STAGES = {"scoring": (5, 80), "solving": (80, 95)}

    def __init__(self, run_id: int) -> None:
        self.run_id = run_id
        self.last = 0.0
        self.percent = 0

    def __call__(self, stage: str, fraction: float) -> None:
        low, high = self.STAGES.get(stage, (5, 95))
        percent = int(low + (high - low) * max(0.0, min(1.0, fraction)))
        now = time.monotonic()
        if percent <= self.percent or (now - self.last < 0.25 and fraction < 1.0):
            return
        self.percent, self.last = percent, now
        MatchRun.objects.filter(pk=self.run_id).update(progress=percent, stage=stage)


def match_run_execute(run_id: int) -> MatchRun | None:
    """Run the engine for a queued run and store its proposals (called by the task worker).

    A run that is no longer queued (already run, or picked up twice) is left alone.
    """
    with transaction.atomic():
        run = (
            MatchRun.objects.select_for_update()
            .select_related("cohort__program")
            .filter(pk=run_id)
            .first()
        )
        if run is None or run.status != MatchRun.Status.QUEUED:
            return run
        run.status = MatchRun.Status.RUNNING
        run.started_at = run.heartbeat_at = timezone.now()
        run.progress = 1
        run.stage = "preparing"
        run.save(
            update_fields=[
                "status",
                "started_at",
                "heartbeat_at",
                "progress",
                "stage",
                "updated_at",
            ]
        )
    try:
        with _RunLease(run.pk):
            pause = float(getattr(django_settings, "TURNABOUT_MATCH_RUN_PAUSE_SECONDS", 0))
            if pause:  # only the crash tests set it: a run slow enough to kill its worker
                time.sleep(pause)
            data = adapter.build_input(
                run.cohort,
                config=run.config,
                locks=run.locks,
                keep_live=run.kind == MatchRun.Kind.REMATCH,
            )
            output = adapter.run_engine(data, progress=_ProgressWriter(run.pk))
    except (adapter.MatchInputError, adapter.MatchConfigError, ValidationFailed) as exc:
        return _run_failed(run, str(getattr(exc, "message", exc)))
    except Exception as exc:
        logger.exception("Match run %s failed", run.pk)
        return _run_failed(run, _("Internal error: %(error)s") % {"error": exc})
    with transaction.atomic():
        Proposal.objects.bulk_create(
            Proposal(
                run=run,
                mentor_application=row.mentor_application,
                mentee_application=row.mentee_application,
                score=row.score,
                breakdown=row.breakdown,
                reasons=row.reasons,
                locked=row.locked,
                manual=False,
                kept=row.kept,
                violations=row.violations,
                override_reason=row.override_reason,
            )
            for row in output.proposals
        )
        UnmatchedEntry.objects.bulk_create(
            UnmatchedEntry(run=run, application=row.application, reason=row.reason)
            for row in output.unmatched
        )
        quality = output.result.quality
        run.status = MatchRun.Status.DONE
        run.progress = 100
        run.stage = "done"
        run.finished_at = timezone.now()
        run.seconds = round(quality.seconds, 3)
        run.mentors = quality.mentors
        run.mentees = quality.mentees
        run.blocking_pairs = quality.blocking_pairs
        run.total_score = quality.total_score
        run.mode = quality.mode
        run.certified = quality.certified
        run.gap_bound = quality.gap_bound
        run.save()
        _refresh_quality(run)
        audit_record(
            actor=None,
            event=PairingEvent.RUN_FINISHED,
            target=run,
            message=_("%(pairs)s, %(unmatched)s unmatched.")
            % {
                "pairs": ngettext("%(n)d pair", "%(n)d pairs", len(output.proposals))
                % {"n": len(output.proposals)},
                "unmatched": ngettext("%(n)d person", "%(n)d people", len(output.unmatched))
                % {"n": len(output.unmatched)},
            },
        )
    return run


def _run_failed(run: MatchRun, message: str) -> MatchRun:
    with transaction.atomic():
        run.status = MatchRun.Status.FAILED
        run.error = message[:5000]
        run.finished_at = timezone.now()
        run.stage = "failed"
        run.save(update_fields=["status", "error", "finished_at", "stage", "updated_at"])
        audit_record(actor=None, event=PairingEvent.RUN_FAILED, target=run, message=run.error)
    return run


def _refresh_quality(run: MatchRun) -> None:
    """Pairs, mean and weakest score after the manager's edits (blocking pairs stay)."""
    scores = list(run.proposals.values_list("score", flat=True))
    run.matched = len(scores)
    run.mean_score = round(sum(scores) / len(scores), 4) if scores else None
    run.min_score = round(min(scores), 4) if scores else None
    run.total_score = round(sum(scores), 4)
    run.save(update_fields=["matched", "mean_score", "min_score", "total_score", "updated_at"])


# --- Review -----------------------------------------------------------------------------


def _editable_run(run: MatchRun, acting_user: AnyUser) -> MatchRun:
    require(
        permissions.can_manage_pairing(acting_user, run.cohort),
        _("Only this program's managers can change proposals."),
    )
    locked = MatchRun.objects.select_for_update().select_related("cohort").get(pk=run.pk)
    if locked.status != MatchRun.Status.DONE:
        raise ValidationFailed(
            _("This run has not finished: its proposals cannot change yet."),
            code=ErrorCode.RUN_NOT_FINISHED,
        )
    if locked.is_published:
        raise Conflict(
            _("This run is published: its proposals cannot change any more."),
            code=ErrorCode.RUN_ALREADY_PUBLISHED,
        )
    if not run_is_current(locked):
        raise Conflict(
            _("Pairs were published since this run: start a re-match run to change pairs."),
            code=ErrorCode.RUN_SUPERSEDED,
        )
    return locked


def _editable_proposal(proposal: Proposal, acting_user: AnyUser) -> Proposal:
    _editable_run(proposal.run, acting_user)
    if proposal.kept:
        raise ValidationFailed(
            _("This pair is a published mentorship that a re-match keeps; end it instead."),
            code=ErrorCode.PAIR_KEPT,
        )
    return proposal


def _label(proposal: Proposal) -> str:
    mentor, mentee = proposal.mentor_application.person, proposal.mentee_application.person
    return f"{mentor.full_name} → {mentee.full_name}"


@transaction.atomic
def proposal_set_locked(proposal: Proposal, *, locked: bool, acting_user: AnyUser) -> Proposal:
    """Lock a pair (a re-run keeps it) or unlock it."""
    _editable_proposal(proposal, acting_user)
    if proposal.locked == locked:
        return proposal
    if not locked and proposal.manual:
        raise ValidationFailed(
            _("A pair made by hand stays locked; remove it instead."),
            code=ErrorCode.MANUAL_PAIR_LOCKED,
        )
    proposal.locked = locked
    proposal.save(update_fields=["locked"])
    audit_record(
        actor=acting_user,
        event=PairingEvent.PROPOSAL_LOCKED if locked else PairingEvent.PROPOSAL_UNLOCKED,
        target=proposal.run,
        changes={"locked": (not locked, locked)},
        message=_label(proposal),
    )
    return proposal


def _remove(proposal: Proposal, *, reason: dict[str, Any]) -> None:
    run = proposal.run
    mentor_id, mentee_id = proposal.mentor_application_id, proposal.mentee_application_id
    proposal.delete()
    UnmatchedEntry.objects.update_or_create(
        run=run, application_id=mentee_id, defaults={"reason": reason}
    )
    if not run.proposals.filter(mentor_application_id=mentor_id).exists():
        UnmatchedEntry.objects.update_or_create(
            run=run, application_id=mentor_id, defaults={"reason": reason}
        )
    _refresh_quality(run)


@transaction.atomic
def proposal_remove(proposal: Proposal, *, acting_user: AnyUser) -> None:
    """Take a pair out of the proposals: both people become unmatched in this run."""
    _editable_proposal(proposal, acting_user)
    label = _label(proposal)
    run = proposal.run
    _remove(proposal, reason=REMOVED_REASON)
    audit_record(actor=acting_user, event=PairingEvent.PROPOSAL_REMOVED, target=run, message=label)


@transaction.atomic
def pair_exclude(proposal: Proposal, *, reason: str = "", acting_user: AnyUser) -> PairExclusion:
    """Never pair these two again in this cohort, and take the pair out of the proposals."""
    _editable_proposal(proposal, acting_user)
    reason = _clean_reason(reason)
    run = proposal.run
    exclusion, _created = PairExclusion.objects.get_or_create(
        cohort_id=run.cohort_id,
        mentor_id=proposal.mentor_application.person_id,
        mentee_id=proposal.mentee_application.person_id,
        defaults={
            "reason": reason or _("Excluded by the program manager."),
            "created_by_id": acting_user.pk,
        },
    )
    label = _label(proposal)
    _remove(proposal, reason=EXCLUDED_REASON)
    audit_record(
        actor=acting_user,
        event=PairingEvent.PAIR_EXCLUDED,
        target=run.cohort,
        message=f"{label}: {reason}" if reason else label,
    )
    return exclusion


@transaction.atomic
def proposal_create_manual(
    run: MatchRun,
    *,
    mentor_application_id: int,
    mentee_application_id: int,
    override_reason: str = "",
    acting_user: AnyUser,
) -> Proposal:
    """Pair two people by hand. A pair that breaks a hard constraint needs an override
    reason, which is recorded in the audit log."""
    run = _editable_run(run, acting_user)
    override_reason = _clean_reason(override_reason, field="override_reason")
    apps = {
        a.pk: a
        for a in Application.objects.select_related("person").filter(
            cohort_id=run.cohort_id,
            status=Application.Status.ACCEPTED,
            pk__in=[mentor_application_id, mentee_application_id],
        )
    }
    mentor, mentee = apps.get(mentor_application_id), apps.get(mentee_application_id)
    if mentor is None or mentor.role != ParticipantRole.MENTOR:
        raise ValidationFailed(
            _("Choose an accepted mentor of this cohort."),
            details={"field": "mentor_application"},
            field="mentor_application",
        )
    if mentee is None or mentee.role != ParticipantRole.MENTEE:
        raise ValidationFailed(
            _("Choose an accepted mentee of this cohort."),
            details={"field": "mentee_application"},
            field="mentee_application",
        )
    existing = (
        run.proposals.select_related("mentor_application__person")
        .filter(mentee_application=mentee)
        .first()
    )
    if existing is not None:
        raise Conflict(
            _("%(mentee)s is already paired with %(mentor)s in this run; remove that pair first.")
            % {
                "mentee": mentee.person.full_name,
                "mentor": existing.mentor_application.person.full_name,
            },
            code=ErrorCode.MENTEE_ALREADY_PAIRED,
            params={"proposal": existing.pk},
        )
    if run.proposals.filter(mentor_application=mentor).count() >= mentor.capacity:
        raise Conflict(
            _("%(mentor)s already has %(n)d mentee(s), their capacity; remove a pair first.")
            % {"mentor": mentor.person.full_name, "n": mentor.capacity},
            code=ErrorCode.MENTOR_OVER_CAPACITY,
            params={"mentor_application": mentor.pk, "capacity": mentor.capacity},
        )
    check = adapter.pair_violations(
        run.cohort, config=run.config, mentor_application=mentor, mentee_application=mentee
    )
    explanations = explain.violation_texts(check.violations, run.config)
    if check.violations and not override_reason:
        raise OverrideRequired(
            _("This pair breaks a hard constraint: %(list)s. Give a reason to override it.")
            % {"list": "; ".join(explanations)},
            details={"violations": check.violations, "explanations": explanations},
        )
    proposal = Proposal.objects.create(
        run=run,
        mentor_application=mentor,
        mentee_application=mentee,
        score=check.score,
        breakdown=check.breakdown,
        reasons=[{"code": explain.MANUAL, "params": {}}, *check.reasons],
        locked=True,
        manual=True,
        violations=check.violations,
        override_reason=override_reason if check.violations else "",
    )
    UnmatchedEntry.objects.filter(run=run, application__in=[mentor, mentee]).delete()
    _refresh_quality(run)
    label = _label(proposal)
    audit_record(actor=acting_user, event=PairingEvent.PROPOSAL_MANUAL, target=run, message=label)
    if check.violations:
        audit_record(
            actor=acting_user,
            event=PairingEvent.CONSTRAINT_OVERRIDDEN,
            target=run,
            changes={"violations": (None, check.violations)},
            message=f"{label}: {override_reason}",
        )
    return proposal


# --- Publish ----------------------------------------------------------------------------


def _lock_mentor_capacity(proposals: list[Proposal]) -> None:
    """Lock each mentor's application row, then check live + new pairs <= capacity."""
    wanted = Counter(p.mentor_application_id for p in proposals)
    mentors = {
        a.pk: a
        for a in Application.objects.select_for_update()
        .filter(pk__in=sorted(wanted))
        .order_by("pk")
    }
    live = Counter(
        Mentorship.objects.filter(
            mentor_application_id__in=list(wanted), status__in=LIVE_STATUSES
        ).values_list("mentor_application_id", flat=True)
    )
    for mentor_id, count in sorted(wanted.items()):
        mentor = mentors[mentor_id]
        if live[mentor_id] + count > mentor.capacity:
            raise Conflict(
                _(
                    "A mentor would have more mentees than their capacity (%(n)d): somebody "
                    "published other pairs meanwhile. Start a new run."
                )
                % {"n": mentor.capacity},
                code=ErrorCode.MENTOR_OVER_CAPACITY,
                params={"mentor_application": mentor_id, "capacity": mentor.capacity},
                details={"mentor_application": mentor_id},
            )


def _check_run_publishable(run: MatchRun) -> None:
    """A finished, unpublished run whose cohort is in a phase that takes its kind of run."""
    cohort = run.cohort
    if run.status != MatchRun.Status.DONE:
        raise ValidationFailed(
            _("Only a finished run can be published."), code=ErrorCode.RUN_NOT_FINISHED
        )
    if run.is_published:
        raise Conflict(_("This run is published already."), code=ErrorCode.RUN_ALREADY_PUBLISHED)
    if run.kind == MatchRun.Kind.INITIAL and cohort.phase != Phase.MATCHING:
        raise Conflict(
            _(
                "The cohort is in the %(phase)s phase: pairs were published already. Start a "
                "re-match run to pair the people still waiting."
            )
            % {"phase": cohort.get_phase_display()},
            code=ErrorCode.COHORT_ALREADY_MATCHED,
            params={"phase": cohort.phase},
        )
    if run.kind == MatchRun.Kind.REMATCH and cohort.phase not in REMATCH_PHASES:
        raise ValidationFailed(
            _("Re-match runs are published while the cohort is Matched or Active."),
            code=ErrorCode.RUN_NOT_ALLOWED_IN_PHASE,
            params={"phase": cohort.phase},
        )


def _proposals_to_publish(run: MatchRun) -> list[Proposal]:
    """The run's new pairs (kept pairs exist already), or ValidationFailed when none."""
    proposals = list(
        run.proposals.filter(kept=False)
        .select_related("mentor_application__person", "mentee_application__person")
        .order_by("pk")
    )
    if not proposals:
        raise ValidationFailed(
            _("This run has no new pairs to publish."), code=ErrorCode.RUN_NOTHING_TO_PUBLISH
        )
    return proposals


def _check_overrides(proposals: list[Proposal]) -> None:
    """Every pair that breaks a hard constraint has a recorded override."""
    unresolved = [p for p in proposals if p.violations and not p.override_reason]
    if unresolved:
        raise ValidationFailed(
            _("These pairs break a hard constraint without a recorded override: %(pairs)s.")
            % {"pairs": ", ".join(_label(p) for p in unresolved)},
            code=ErrorCode.OVERRIDE_REQUIRED,
            params={"proposals": [p.pk for p in unresolved]},
            details={"proposals": [p.pk for p in unresolved]},
        )


def _check_exclusions(cohort: Cohort, proposals: list[Proposal]) -> None:
    """No pair was excluded after the run (unless its override says why it stays)."""
    excluded = set(
        PairExclusion.objects.filter(cohort=cohort).values_list("mentor_id", "mentee_id")
    )
    newly_excluded = [
        p
        for p in proposals
        if (p.mentor_application.person_id, p.mentee_application.person_id) in excluded
        and not p.override_reason
    ]
    if newly_excluded:
        raise Conflict(
            _("These pairs were excluded after the run: %(pairs)s. Start a new run.")
            % {"pairs": ", ".join(_label(p) for p in newly_excluded)},
            code=ErrorCode.PAIR_EXCLUDED,
            params={"proposals": [p.pk for p in newly_excluded]},
        )


def _create_mentorships(run: MatchRun, proposals: list[Proposal]) -> list[Mentorship]:
    """One proposed mentorship per proposal; Conflict when a partner was taken meanwhile
    (the database's unique live-mentorship constraint decides)."""
    try:
        with transaction.atomic():
            return Mentorship.objects.bulk_create(
                Mentorship(
                    cohort=run.cohort,
                    mentor_id=p.mentor_application.person_id,
                    mentee_id=p.mentee_application.person_id,
                    mentor_application=p.mentor_application,
                    mentee_application=p.mentee_application,
                    run=run,
                    score=p.score,
                    reasons=p.reasons,
                    violations=p.violations,
                    override_reason=p.override_reason if p.violations else "",
                )
                for p in proposals
            )
    except IntegrityError as exc:
        raise Conflict(
            _(
                "Somebody in this run has a partner already (another publish got there "
                "first). Start a re-match run: it keeps the existing pairs."
            ),
            code=ErrorCode.PARTNER_TAKEN,
        ) from exc


@transaction.atomic
def match_run_publish(
    run: MatchRun, *, acting_user: AnyUser, notify: bool = True
) -> list[Mentorship]:
    """Turn a run's proposals into mentorships, move the cohort to Matched and tell people.

    Refuses a pair that breaks a hard constraint without a recorded override, and anything
    that would give a mentee two live mentorships or a mentor more than their capacity
    (the database and a row lock enforce both, even for two publishes at once).
    """
    require(
        permissions.can_manage_pairing(acting_user, run.cohort),
        _("Only this program's managers can publish pairs."),
    )
    run = MatchRun.objects.select_for_update().select_related("cohort__program").get(pk=run.pk)
    cohort = run.cohort
    _check_run_publishable(run)
    proposals = _proposals_to_publish(run)
    _check_overrides(proposals)
    _check_exclusions(cohort, proposals)
    _lock_mentor_capacity(proposals)
    mentorships = _create_mentorships(run, proposals)
    run.published_at = timezone.now()
    run.published_by_id = acting_user.pk
    run.save(update_fields=["published_at", "published_by", "updated_at"])
    if cohort.phase == Phase.MATCHING:
        cohort_change_phase(
            cohort,
            to_phase=Phase.MATCHED,
            note=ngettext(
                "Run %(n)d published: %(pairs)d pair.",
                "Run %(n)d published: %(pairs)d pairs.",
                len(mentorships),
            )
            % {"n": run.number, "pairs": len(mentorships)},
            acting_user=acting_user,
        )
    audit_record(
        actor=acting_user,
        event=PairingEvent.RUN_PUBLISHED,
        target=run,
        message=ngettext(
            "%(pairs)d pair published.", "%(pairs)d pairs published.", len(mentorships)
        )
        % {"pairs": len(mentorships)},
    )
    if notify:
        people = sorted({m.mentor_id for m in mentorships} | {m.mentee_id for m in mentorships})
        for person_id in people:
            transaction.on_commit(partial(send_match_email_task.enqueue, person_id, run.pk))
    return mentorships


# --- Mentorships ------------------------------------------------------------------------


def _locked_mentorship(mentorship: Mentorship) -> Mentorship:
    found = (
        Mentorship.objects.select_for_update()
        .select_related("cohort__program")
        .filter(pk=mentorship.pk)
        .first()
    )
    if found is None:
        raise NotFound(_("No such mentorship."))
    return found


@transaction.atomic
def mentorship_accept(mentorship: Mentorship, *, acting_user: AnyUser) -> Mentorship:
    """One partner says yes; the pair is active once both have."""
    side = permissions.side_of(acting_user, mentorship)
    require(side is not None, _("Only the two partners can accept a match."))
    mentorship = _locked_mentorship(mentorship)
    if mentorship.status != Mentorship.Status.PROPOSED:
        raise Conflict(
            _("This match is %(status)s: it can no longer be accepted.")
            % {"status": mentorship.get_status_display().lower()},
            code=ErrorCode.MATCH_NOT_PROPOSED,
            params={"status": mentorship.status},
        )
    now = timezone.now()
    field = "mentor_accepted_at" if side == "mentor" else "mentee_accepted_at"
    if getattr(mentorship, field) is not None:
        return mentorship
    setattr(mentorship, field, now)
    fields = [field, "updated_at"]
    if mentorship.mentor_accepted_at and mentorship.mentee_accepted_at:
        mentorship.status = Mentorship.Status.ACTIVE
        mentorship.activated_at = now
        fields += ["status", "activated_at"]
    mentorship.save(update_fields=fields)
    audit_record(
        actor=acting_user,
        event=PairingEvent.MENTORSHIP_ACCEPTED,
        target=mentorship,
        changes={field: (None, now)},
    )
    if mentorship.status == Mentorship.Status.ACTIVE:
        audit_record(
            actor=acting_user,
            event=PairingEvent.MENTORSHIP_ACTIVATED,
            target=mentorship,
            changes={"status": (Mentorship.Status.PROPOSED, Mentorship.Status.ACTIVE)},
        )
    return mentorship


def _close(
    mentorship: Mentorship,
    *,
    status: str,
    side: str,
    reason: str,
    user: AnyUser | None,
    notify: Iterable[int],
) -> None:
    """Decline or end a pair, never propose it again, and tell the people in `notify`
    (employee ids) after commit: one email each, without the confidential reason."""
    old = mentorship.status
    mentorship.status = status
    mentorship.ended_at = timezone.now()
    mentorship.ended_by_role = side
    mentorship.reason = reason
    mentorship.save(update_fields=["status", "ended_at", "ended_by_role", "reason", "updated_at"])
    PairExclusion.objects.get_or_create(
        cohort_id=mentorship.cohort_id,
        mentor_id=mentorship.mentor_id,
        mentee_id=mentorship.mentee_id,
        defaults={
            "reason": _("Declined by the %(side)s.") % {"side": side}
            if status == Mentorship.Status.DECLINED
            else _("Ended early by the %(side)s.") % {"side": side},
            "created_by_id": user.pk if user is not None and user.is_authenticated else None,
        },
    )
    audit_record(
        actor=user,
        event=PairingEvent.MENTORSHIP_DECLINED
        if status == Mentorship.Status.DECLINED
        else PairingEvent.MENTORSHIP_ENDED,
        target=mentorship,
        changes={"status": (old, status)},
        message=_("by the %(side)s (reason kept for the program managers)") % {"side": side},
    )
    for person_id in sorted(set(notify)):
        transaction.on_commit(
            partial(send_pair_closed_email_task.enqueue, person_id, mentorship.pk)
        )


def _partner_of(mentorship: Mentorship, side: str) -> int:
    return mentorship.mentee_id if side == "mentor" else mentorship.mentor_id


@transaction.atomic
def mentorship_decline(
    mentorship: Mentorship, *, reason: str = "", acting_user: AnyUser
) -> Mentorship:
    """One partner says no (the reason is for the managers only). Both are freed and wait
    for a re-match; the two are never proposed to each other again in this cohort."""
    side = permissions.side_of(acting_user, mentorship)
    require(side is not None, _("Only the two partners can decline a match."))
    reason = _clean_reason(reason)
    mentorship = _locked_mentorship(mentorship)
    if mentorship.status != Mentorship.Status.PROPOSED:
        raise Conflict(
            _("This match is %(status)s: it can no longer be declined.")
            % {"status": mentorship.get_status_display().lower()},
            code=ErrorCode.MATCH_NOT_PROPOSED,
            params={"status": mentorship.status},
        )
    assert side is not None
    _close(
        mentorship,
        status=Mentorship.Status.DECLINED,
        side=side,
        reason=reason,
        user=acting_user,
        notify=[_partner_of(mentorship, side)],
    )
    return mentorship


@transaction.atomic
def mentorship_end(mentorship: Mentorship, *, reason: str, acting_user: AnyUser) -> Mentorship:
    """End a pair early (a partner or a manager); the reason is for the managers only.
    Both people are offered re-matching. The other partner is emailed (both partners when
    a manager ends it)."""
    side = permissions.side_of(acting_user, mentorship)
    is_manager = permissions.can_manage_pairing(acting_user, mentorship.cohort)
    require(
        side is not None or is_manager,
        _("Only the two partners and the program's managers can end a mentorship."),
    )
    reason = _clean_reason(reason)
    if not reason:
        raise ValidationFailed(
            _("Say briefly why the mentorship ends (only the program managers see it)."),
            details={"field": "reason"},
            field="reason",
        )
    mentorship = _locked_mentorship(mentorship)
    if mentorship.status not in LIVE_STATUSES:
        raise Conflict(_("This mentorship has ended already."), code=ErrorCode.MENTORSHIP_ENDED)
    _close(
        mentorship,
        status=Mentorship.Status.ENDED,
        side=side or "program manager",
        reason=reason,
        user=acting_user,
        notify=[_partner_of(mentorship, side)]
        if side is not None
        else [mentorship.mentor_id, mentorship.mentee_id],
    )
    return mentorship


# --- Leavers ----------------------------------------------------------------------------

LEAVER_REASON = "left the company"
LEAVER_SIDE = "HR import"
_BATCH = 500


def _live_of_people(person_ids: Iterable[int]) -> Iterator[QuerySet[Mentorship]]:
    ids = sorted(set(person_ids))
    for start in range(0, len(ids), _BATCH):
        chunk = ids[start : start + _BATCH]
        yield Mentorship.objects.filter(
            Q(mentor_id__in=chunk) | Q(mentee_id__in=chunk), status__in=LIVE_STATUSES
        )


def mentorships_of_leavers_count(person_ids: Iterable[int]) -> int:
    """How many live mentorships `mentorships_end_for_leavers` would end now (a preview)."""
    pks: set[int] = set()
    for live in _live_of_people(person_ids):
        pks.update(live.values_list("pk", flat=True))
    return len(pks)


@transaction.atomic
def mentorships_end_for_leavers(person_ids: Iterable[int], *, acting_user: AnyUser | None) -> int:
    """End every live mentorship of people who left the company (the HR import terminated
    them) with the reason "left the company", kept for the managers only. Each partner who
    is still here is free for a re-match and emailed after commit. Returns how many ended;
    a second call ends nothing. `acting_user` None is the system."""
    if acting_user is not None:
        require(
            permissions.can_end_for_leavers(acting_user),
            _("Only org admins end the mentorships of people who left."),
        )
    leavers = set(person_ids)
    pks: set[int] = set()
    for live in _live_of_people(leavers):
        pks.update(live.values_list("pk", flat=True))
    ended = 0
    for pk in sorted(pks):
        mentorship = (
            Mentorship.objects.select_for_update().filter(pk=pk, status__in=LIVE_STATUSES).first()
        )
        if mentorship is None:
            continue
        _close(
            mentorship,
            status=Mentorship.Status.ENDED,
            side=LEAVER_SIDE,
            reason=LEAVER_REASON,
            user=acting_user,
            notify=[
                person
                for person in (mentorship.mentor_id, mentorship.mentee_id)
                if person not in leavers
            ],
        )
        ended += 1
    return ended
