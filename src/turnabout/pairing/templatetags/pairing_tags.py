from __future__ import annotations

from typing import Any

from django import template

from turnabout.pairing.forms import CRITERION_LABELS

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
