"""`{% load enrollment_tags %}{% programs_for_home as mine %}`: the home page's program section."""

from __future__ import annotations

from typing import Any

from django import template

from turnabout.accounts import permissions as roles
from turnabout.enrollment import selectors
from turnabout.programs import selectors as program_selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def programs_for_home(context: dict[str, Any]) -> dict[str, Any]:
    """The signed-in user's applications, open cohorts, and the programs they manage."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    result: dict[str, Any] = {}
    if roles.is_participant(user):
        result["applications"] = list(selectors.applications_of_user(user=user)[:10])
        result["joinable"] = list(program_selectors.cohorts_joinable(user=user)[:5])
    if roles.is_org_admin(user) or roles.is_program_manager(user):
        result["managed"] = list(program_selectors.program_list(user=user)[:10])
    return result
