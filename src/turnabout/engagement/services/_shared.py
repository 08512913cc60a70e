"""Checks and helpers every engagement service shares."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from turnabout.common.errors import NotFound, PermissionDenied, ValidationFailed, require
from turnabout.common.types import AnyUser
from turnabout.engagement import permissions
from turnabout.engagement.models import (
    GoalEvent,
    PairGoal,
)
from turnabout.engagement.selectors import employee_of
from turnabout.pairing.models import Mentorship
from turnabout.people.models import Employee, Skill

MAX_TEXT = 4000


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
