"""`{% load engagement_tags %}{% engagement_home as pairs %}`: the home page's pair section."""

from __future__ import annotations

from typing import Any

from django import template

from turnabout.engagement import selectors
from turnabout.engagement.ics import zone_of

register = template.Library()


@register.simple_tag(takes_context=True)
def engagement_home(context: dict[str, Any]) -> dict[str, Any]:
    """The signed-in participant's active pairs with what to do next, and for managers
    the programs whose engagement they follow."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    summaries = selectors.home_summaries(user=user)
    me = selectors.employee_of(user)
    programs = list(selectors.engaged_programs(user=user)[:6]) if not summaries else []
    return {
        "pairs": summaries,
        "zone": zone_of(me).key if me is not None else "UTC",
        "programs": programs,
    }
