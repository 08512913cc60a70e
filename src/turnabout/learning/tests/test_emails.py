"""The learning emails render from their templates, in text and in HTML."""

from __future__ import annotations

from turnabout.common.email import render_email
from turnabout.people.models import Employee
from turnabout.programs.models import Program


def test_the_readiness_reminder_renders():
    email = render_email(
        "learning/emails/readiness_reminder",
        {
            "person": Employee(first_name="Ana", last_name="O'Hara"),
            "program": Program(name="Digital Fluency"),
            "done": 1,
            "required": 3,
            "url": "https://t.example/learning/",
            "action_url": "https://t.example/learning/",
        },
    )
    assert email.subject == "Digital Fluency: finish your training to be matched"
    for part in (email.text, email.html):
        assert "Hello Ana," in part and "completed 1 of the 3 training modules" in part
    assert "Continue here: https://t.example/learning/" in email.text
