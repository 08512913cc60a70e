"""Every enrollment email renders from its templates, in text and in HTML."""

from __future__ import annotations

import pytest

from turnabout.common.email import render_email
from turnabout.enrollment.models import Application
from turnabout.people.models import Employee
from turnabout.programs.models import Cohort, Program


def _application(status: str, message: str = "") -> Application:
    cohort = Cohort(name="Autumn", program=Program(name="Digital Fluency"))
    person = Employee(first_name="Zoë", last_name="O'Neil", email="zoe@example.com")
    return Application(
        pk=7, person=person, cohort=cohort, role="mentor", status=status, decision_message=message
    )


@pytest.mark.parametrize(
    ("status", "subject"),
    [
        ("accepted", "You are in: Digital Fluency · Autumn"),
        ("waitlisted", "You are on the waiting list: Digital Fluency · Autumn"),
        ("declined", "About your application: Digital Fluency · Autumn"),
    ],
)
def test_the_decision_email_renders_each_decision(status, subject):
    email = render_email(
        "enrollment/emails/decision",
        {
            "application": _application(status, "Welcome <aboard>!"),
            "action_url": "https://t.example/applications/7/",
            "action_label": "See it",
        },
    )
    assert email.subject == subject
    assert "Hello Zoë," in email.text
    assert f"as mentor to Digital Fluency · Autumn is now: {status}." in email.text
    assert "Welcome <aboard>!" in email.text  # plain text is not HTML-escaped
    assert "https://t.example/applications/7/" in email.text
    assert "Hello Zoë," in email.html and "Welcome &lt;aboard&gt;!" in email.html
    assert 'href="https://t.example/applications/7/"' in email.html


def test_the_decision_email_without_a_message_has_no_empty_quote():
    email = render_email(
        "enrollment/emails/decision",
        {"application": _application("accepted"), "action_url": "https://t.example/a/"},
    )
    assert "border-left" not in email.html
    assert "\n\n\n" not in email.text
