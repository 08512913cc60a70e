"""Templated emails: subject, plain text and HTML from one set of templates."""

from __future__ import annotations

from pathlib import Path

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


def test_every_email_has_its_three_templates_and_a_test_that_renders_it():
    """An email is `<name>.subject.txt`, `.txt` and `.html`; some test renders it by name."""
    root = Path(__file__).resolve().parents[2]
    subjects = sorted(root.glob("*/templates/*/emails/*.subject.txt"))
    assert len(subjects) >= 9
    tests = "\n".join(p.read_text() for p in root.glob("*/tests/test_*.py"))
    for subject in subjects:
        name = subject.name.removesuffix(".subject.txt")
        for suffix in (".txt", ".html"):
            assert subject.with_name(name + suffix).exists(), subject
        app = subject.parent.parent.name
        # By its full name, or by its short name in a parametrised test of the app's emails.
        named = f"{app}/emails/{name}" in tests or f'"{name}"' in tests
        assert named and f"{app}/emails/" in tests, name


def test_plain_text_parts_are_not_html_escaped():
    email = render_email(
        "accounts/emails/invitation",
        {"first_name": "Zoë O'Neil & co", "action_url": "https://x.example/?a=1&b=2"},
    )
    assert "Hello Zoë O'Neil & co," in email.text and "?a=1&b=2" in email.text
    assert "O&#x27;Neil &amp; co" in email.html


def test_the_password_reset_renders_with_and_without_a_name():
    context = {"email": "ana@example.com", "action_url": "https://x.example/reset/"}
    named = render_email("accounts/emails/password_reset", {**context, "first_name": "Ana"})
    assert named.subject == "Choose a new Turnabout password"
    assert named.text.startswith("Hello Ana,")
    assert "(ana@example.com)" in named.text and "https://x.example/reset/" in named.text
    assert "(ana@example.com)" in named.html
    unnamed = render_email("accounts/emails/password_reset", context)
    assert not unnamed.text.startswith("Hello")
