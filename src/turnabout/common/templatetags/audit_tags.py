"""`{{ record.event|event_label }}`: an audit event in words."""

from __future__ import annotations

from django import template

from turnabout.common.audit import event_label as _event_label

register = template.Library()


@register.filter
def event_label(code: str) -> str:
    return _event_label(code)
