"""Templated emails: subject, plain text and HTML from one set of templates."""

from __future__ import annotations

from django.core import mail

from turnabout.common.email import render_email, send_templated_email, site_url


def test_site_url_joins_the_setting_and_a_path(settings):
    settings.SITE_URL = "https://mentoring.example.com/"
    assert site_url("/me/") == "https://mentoring.example.com/me/"
    assert site_url("me/") == "https://mentoring.example.com/me/"


def test_the_invitation_renders_in_text_and_html():
    email = render_email(
        "accounts/emails/invitation",
        {"first_name": "Ada", "action_url": "https://x.example/set", "action_label": "Go"},
    )
    assert email.subject == "You are invited to Turnabout"
    assert "Hello Ada," in email.text and "https://x.example/set" in email.text
    assert "Hello Ada," in email.html and 'href="https://x.example/set"' in email.html
    assert "<script" not in email.html


def test_sending_attaches_the_html_part(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    send_templated_email(
        "accounts/emails/invitation",
        {"first_name": "<b>Bo</b>", "action_url": "https://x.example/", "action_label": "Go"},
        to=["bo@example.com"],
    )
    (message,) = mail.outbox
    assert isinstance(message, mail.EmailMultiAlternatives)
    assert message.to == ["bo@example.com"]
    html, mimetype = message.alternatives[0]
    assert isinstance(html, str)
    assert mimetype == "text/html"
    assert "&lt;b&gt;Bo&lt;/b&gt;" in html
