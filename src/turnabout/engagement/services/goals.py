"""Goal progress and milestones; every change is kept in the goal's history."""

from __future__ import annotations

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
    GoalEvent,
    GoalMilestone,
    PairGoal,
)
from turnabout.engagement.services._shared import (
    _choice,
    _goal_event,
    _int,
    _partner_side,
)


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
        _int(progress, field="progress", low=PairGoal.PROGRESS_MIN, high=PairGoal.PROGRESS_MAX)
        if progress is not None
        else goal.progress
    )
    if new_status == PairGoal.Status.ACHIEVED:
        new_progress = 100
    elif new_status == PairGoal.Status.NOT_STARTED and new_progress > 0:
        new_status = PairGoal.Status.IN_PROGRESS
    note = clean_text(note, field="note", max_length=PairGoal.NOTE_MAX)
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
    if goal.milestones.count() >= PairGoal.MILESTONES_MAX:
        raise ValidationFailed(
            _("A goal has at most %(n)d milestones.") % {"n": PairGoal.MILESTONES_MAX},
            code=ErrorCode.TOO_MANY_MILESTONES,
            params={"max": PairGoal.MILESTONES_MAX},
        )
    milestone = GoalMilestone.objects.create(
        goal=goal,
        title=clean_text(title, field="title", max_length=GoalMilestone.TITLE_MAX, required=True),
        due_on=due_on,
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
