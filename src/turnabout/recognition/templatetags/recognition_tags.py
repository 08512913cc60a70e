"""Template helpers: a person's badges and a program's published stories on other pages."""

from __future__ import annotations

from typing import Any

from django import template

from turnabout.people.models import Employee
from turnabout.programs.models import Program
from turnabout.recognition import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def badges_of(context: template.Context, person: Employee | None = None) -> list[Any]:
    """`person`'s badges, or the signed-in user's when no person is given."""
    if person is None:
        request = context.get("request")
        person = selectors.employee_of(request.user) if request is not None else None
    return selectors.badges_of(person) if person is not None else []


@register.simple_tag
def published_stories(program: Program) -> list[Any]:
    return selectors.published_stories(program=program, limit=5)
