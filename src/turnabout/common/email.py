"""Templated, translated emails: one way to render and send every message the product sends.

An email is three templates under an app's `templates/<app>/emails/`:
`<name>.subject.txt` (one line), `<name>.txt` (the plain-text part) and `<name>.html` (the
HTML part, which extends `emails/base.html`: inline styles, table layout, fine in Outlook).
All three are rendered with the same context inside the recipient's language, so the
`{% translate %}`/`{% blocktranslate %}` tags in them pick the right catalogue.

A task fetches its rows by id, builds the context, and calls `send_templated_email`.
Each person's notification choices are applied in `build_email` (see `common.notifications`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import translation

from turnabout.common.notifications import kind_of, recipients_for

DEFAULT_SITE_URL = "http://127.0.0.1:8000"


def site_url(path: str = "") -> str:
    """An absolute link to `path` on this installation (from the `SITE_URL` setting)."""
    base = str(getattr(settings, "SITE_URL", DEFAULT_SITE_URL) or DEFAULT_SITE_URL).rstrip("/")
    if path and not path.startswith("/"):
        path = "/" + path
    return base + path


def absolute_url(viewname: str, *args: Any, **kwargs: Any) -> str:
    """`reverse()` plus `site_url()`: the link to put in an email."""
    return site_url(reverse(viewname, args=args or None, kwargs=kwargs or None))


def _render_plain(name: str, context: dict[str, Any]) -> str:
    """A plain-text template, without HTML escaping: "O'Neil & co" stays as written."""
    # The backend's wrapper escapes always; its compiled template takes a Context that says
    # not to (django-stubs types the wrapper only, hence the ignore).
    compiled = get_template(name).template  # type: ignore[attr-defined]
    return str(compiled.render(Context(context, autoescape=False)))


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def render_email(
    template: str, context: Mapping[str, Any], *, language: str | None = None
) -> RenderedEmail:
    """Render `<template>.subject.txt`, `.txt` and `.html` (e.g. "pairing/emails/match")."""
    full: dict[str, Any] = {"site_url": site_url(), "product_name": "Turnabout", **context}
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = _render_plain(f"{template}.subject.txt", full)
        text = _render_plain(f"{template}.txt", full)
        html = render_to_string(f"{template}.html", full)
    # A subject is one line whatever the template's whitespace.
    return RenderedEmail(subject=" ".join(subject.split()), text=text.strip() + "\n", html=html)


def build_email(
    template: str,
    context: Mapping[str, Any],
    *,
    to: Sequence[str],
    language: str | None = None,
    attachments: Sequence[tuple[str, bytes | str, str]] = (),
) -> EmailMultiAlternatives:
    """The message, ready to send or to add more attachments to.

    The recipients who turned this email's kind of notification off are dropped here, the
    one place every email passes (`common.notifications`); a message left with nobody to
    send to sends nothing.
    """
    to = recipients_for(kind_of(template), list(to))
    if not to:
        return EmailMultiAlternatives(to=[])  # everybody turned this kind off: nothing to send
    rendered = render_email(template, context, language=language)
    message = EmailMultiAlternatives(subject=rendered.subject, body=rendered.text, to=to)
    message.attach_alternative(rendered.html, "text/html")
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    return message


def send_templated_email(
    template: str,
    context: Mapping[str, Any],
    *,
    to: Sequence[str],
    language: str | None = None,
    attachments: Sequence[tuple[str, bytes | str, str]] = (),
) -> None:
    """Render and send one email (plain text with an HTML alternative)."""
    build_email(template, context, to=to, language=language, attachments=attachments).send()
