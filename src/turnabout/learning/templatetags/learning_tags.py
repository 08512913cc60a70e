"""Template helpers: safe Markdown, and the learning panels other apps' pages include."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from turnabout.learning import permissions, readiness, selectors
from turnabout.learning.markdown import render_markdown
from turnabout.programs.models import Cohort

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    return render_markdown(text)


@register.simple_tag(takes_context=True)
def cohort_readiness(context: template.Context, cohort: Cohort) -> dict[str, Any] | None:
    """Readiness by role for the manager's cohort page (None for anybody else)."""
    request = context.get("request")
    if request is None or not permissions.can_view_readiness(request.user, cohort):
        return None
    return {
        "by_role": readiness.readiness_by_role(cohort),
        "gate_on": readiness.gate_is_on(cohort.program),
    }


@register.simple_tag(takes_context=True)
def my_training(context: template.Context) -> list[dict[str, Any]]:
    """The signed-in participant's programs with required modules left, for the home page."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return []
    out = []
    for program in selectors.programs_of_user(user=request.user)[:5]:
        if not permissions.participant_roles(request.user, program):
            continue
        progress = selectors.my_progress(user=request.user, program=program)
        out.append(
            {
                "program": program,
                "done": sum(1 for p in progress if p.complete),
                "total": len(progress),
                "guidelines": selectors.cohorts_to_acknowledge(user=request.user, program=program),
            }
        )
    return out
