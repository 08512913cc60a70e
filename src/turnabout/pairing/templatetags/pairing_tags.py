from __future__ import annotations

from typing import Any

from django import template

from turnabout.pairing import permissions, selectors
from turnabout.pairing.forms import CRITERION_LABELS
from turnabout.pairing.models import Mentorship

register = template.Library()

SLOT_DAYS = {"mon": "Mon", "tue": "Tue", "wed": "Wed", "thu": "Thu", "fri": "Fri"}
SLOT_HALVES = {"am": "morning", "pm": "afternoon"}


@register.filter
def criterion_label(name: str) -> str:
    return str(CRITERION_LABELS.get(name, name))


@register.filter
def percent(value: Any) -> str:
    """0.634 -> "63"."""
    try:
        return f"{float(value) * 100:.0f}"
    except (TypeError, ValueError):
        return ""


@register.filter
def slot_label(slot: str) -> str:
    day, _sep, half = slot.partition("-")
    return f"{SLOT_DAYS.get(day, day)} {SLOT_HALVES.get(half, half)}"


@register.simple_tag(takes_context=True)
def my_matches(context: template.Context) -> list[dict[str, Any]]:
    """The signed-in person's live mentorships, for the home page."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return []
    items = selectors.mentorships_of_user(user=request.user).filter(
        status__in=[Mentorship.Status.PROPOSED, Mentorship.Status.ACTIVE]
    )[:5]
    out = []
    for mentorship in items:
        side = permissions.side_of(request.user, mentorship)
        if side is None:
            continue
        partner = mentorship.mentee if side == "mentor" else mentorship.mentor
        accepted = (
            mentorship.mentor_accepted_at if side == "mentor" else mentorship.mentee_accepted_at
        )
        out.append(
            {"m": mentorship, "side": side, "partner": partner, "i_accepted": accepted is not None}
        )
    return out
