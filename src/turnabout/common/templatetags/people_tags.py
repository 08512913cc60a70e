"""`{% avatar person %}`: initials in a circle, coloured by a stable hash of the person.

The colour comes from a fixed palette of classes (no inline style, so the
Content-Security-Policy needs no exception), every colour dark enough for white initials
to pass WCAG AA. The name is the text alternative; the initials are hidden from screen
readers when the name is written next to the avatar (`decorative=True`).
"""

from __future__ import annotations

import hashlib
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()

PALETTE_SIZE = 8


def initials(name: str) -> str:
    """Up to two letters: first and last word ("Ada Lovelace" -> "AL", "Cher" -> "C")."""
    words = [w for w in name.replace("-", " ").split() if w[:1].isalpha()]
    if not words:
        return "?"
    if len(words) == 1:
        return words[0][0].upper()
    return (words[0][0] + words[-1][0]).upper()


def colour_index(key: str) -> int:
    """A stable palette index for `key` (the same person keeps their colour everywhere)."""
    digest = hashlib.blake2s(key.encode("utf-8"), digest_size=2).digest()
    return int.from_bytes(digest, "big") % PALETTE_SIZE


def _name_of(person: Any) -> str:
    if isinstance(person, str):
        return person
    for attribute in ("full_name", "get_full_name"):
        value = getattr(person, attribute, None)
        if callable(value):
            value = value()
        if value:
            return str(value)
    return str(person)


@register.simple_tag
def avatar(person: Any, size: str = "md", decorative: bool = False) -> SafeString:
    """An initials avatar for an Employee, a User or a plain name."""
    name = _name_of(person)
    key = str(getattr(person, "pk", None) or name)
    css = f"avatar avatar--{size} avatar--c{colour_index(key)}"
    if decorative:
        return format_html('<span class="{}" aria-hidden="true">{}</span>', css, initials(name))
    return format_html(
        '<span class="{}" role="img" aria-label="{}">{}</span>', css, name, initials(name)
    )
