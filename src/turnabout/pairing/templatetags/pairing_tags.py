from __future__ import annotations

from typing import Any

from django import template

from turnabout.pairing import explain
from turnabout.pairing.explain import CRITERION_LABELS

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
