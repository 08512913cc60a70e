"""The recognition emails render from their templates, in text and in HTML."""

from __future__ import annotations

from types import SimpleNamespace

from turnabout.common.email import render_email


def test_the_certificate_email_renders():
    certificate = SimpleNamespace(
        program_name="Digital Fluency", person=SimpleNamespace(first_name="Ana")
    )
    email = render_email(
        "recognition/emails/certificate",
        {"c": certificate, "verify_url": "https://t.example/verify/abc/"},
    )
    assert email.subject == "Your certificate for Digital Fluency"
    for part in (email.text, email.html):
        assert "Hello Ana," in part and "Congratulations on completing Digital Fluency" in part
    assert "https://t.example/verify/abc/" in email.text
