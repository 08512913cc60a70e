"""The pair's agreement: its frame, its one to three goals, and both signatures."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from turnabout.common.audit import audit_record
from turnabout.common.errors import ErrorCode, ValidationFailed
from turnabout.common.schemas import clean_text
from turnabout.common.types import AnyUser
from turnabout.engagement.audit import EngagementEvent
from turnabout.engagement.models import (
    Agreement,
    GoalEvent,
    MentoringSession,
    PairGoal,
    Side,
)
from turnabout.engagement.selectors import agreement_prefill
from turnabout.engagement.services._shared import (
    MAX_TEXT,
    _choice,
    _goal_event,
    _int,
    _lock_pair,
    _partner_side,
)
from turnabout.enrollment.models import Communication
from turnabout.pairing.models import Mentorship
from turnabout.programs.models import Format


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
        title = clean_text(goal.title, field=f"goal_{n}_title", max_length=PairGoal.TITLE_MAX)
        evidence = clean_text(
            goal.evidence, field=f"goal_{n}_evidence", max_length=PairGoal.EVIDENCE_MAX
        )
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
                    code=ErrorCode.GOAL_HAS_PROGRESS,
                    params={"goal": goal.pk},
                    details={"field": f"goal_{position}_title"},
                    field=f"goal_{position}_title",
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
        "mentor_gains": clean_text(data.mentor_gains, field="mentor_gains", max_length=MAX_TEXT),
        "ground_rules": clean_text(data.ground_rules, field="ground_rules", max_length=MAX_TEXT),
        "channel": _choice(data.channel, field="channel", choices=Communication.values, blank=True),
    }
    for name in ("confidentiality", "mentor_expectations", "mentee_expectations"):
        if getattr(data, name) is not None:
            values[name] = clean_text(getattr(data, name), field=name, max_length=MAX_TEXT)
    if data.cadence_days is not None:
        values["cadence_days"] = _int(
            data.cadence_days,
            field="cadence_days",
            low=Agreement.CADENCE_DAYS_MIN,
            high=Agreement.CADENCE_DAYS_MAX,
        )
    if data.session_minutes is not None:
        values["session_minutes"] = _int(
            data.session_minutes,
            field="session_minutes",
            low=MentoringSession.MINUTES_MIN,
            high=MentoringSession.MINUTES_MAX,
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
        raise ValidationFailed(
            _("Fill in the agreement with at least one goal before signing it."),
            code=ErrorCode.AGREEMENT_EMPTY,
        )
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
