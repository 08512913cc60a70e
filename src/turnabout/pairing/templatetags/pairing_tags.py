from __future__ import annotations

from typing import Any

from django import template

from turnabout.pairing import explain, permissions, selectors
from turnabout.pairing.explain import CRITERION_LABELS
from turnabout.pairing.models import Mentorship

register = template.Library()


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
    return explain.slot_label(slot)


@register.filter
def reason_text(reason: Any) -> str:
    """One stored reason (an unmatched person's), for a manager."""
    return explain.reason_text(reason) or ""


@register.filter
def reason_texts(reasons: Any) -> list[str]:
    """A pair's stored reasons, for a manager (every criterion)."""
    return explain.reason_texts(reasons or [])


@register.filter
def participant_reasons(reasons: Any) -> list[str]:
    """A pair's stored reasons as its participants may read them (no sensitive criteria)."""
    return explain.reason_texts(reasons or [], audience="participant")


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
