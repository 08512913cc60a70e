"""The learning and recognition emails render (subject, text, HTML) with their links."""

from __future__ import annotations

from types import SimpleNamespace

from turnabout.common.email import render_email


def test_training_reminder_renders() -> None:
    email = render_email(
        "learning/emails/readiness_reminder",
        {
            "person": SimpleNamespace(first_name="Maya"),
            "program": SimpleNamespace(name="Digital Fluency"),
            "done": 2,
            "required": 3,
            "url": "https://turnabout.example/learning/programs/1/",
        },
    )
    assert email.subject == "Digital Fluency: finish your training to be matched"
    assert "2 of the 3 training modules" in email.text
    assert 'href="https://turnabout.example/learning/programs/1/"' in email.html


def test_certificate_email_renders() -> None:
    email = render_email(
        "recognition/emails/certificate",
        {
            "c": SimpleNamespace(person=SimpleNamespace(first_name="Raj"), program_name="DF"),
            "verify_url": "https://turnabout.example/certificates/abc/",
        },
    )
    assert email.subject == "Your certificate for DF"
    assert "https://turnabout.example/certificates/abc/" in email.text
    assert "Hello Raj" in email.html
