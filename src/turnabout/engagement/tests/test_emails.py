"""Every engagement email renders from its templates, in text and in HTML."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from turnabout.common.email import render_email
from turnabout.engagement.models import MentoringSession
from turnabout.pairing.models import Mentorship
from turnabout.people.models import Employee
from turnabout.programs.models import Cohort, Program

COHORT = Cohort(name="Autumn", program=Program(name="Digital Fluency"))
ANA = Employee(pk=1, first_name="Ana", last_name="O'Hara", email="ana@example.com")
BEN = Employee(pk=2, first_name="Ben", last_name="Ng", email="ben@example.com")
PAIR = Mentorship(pk=5, mentor=ANA, mentee=BEN, cohort=COHORT)
WHEN = "Tue 15 Sep 2026, 10:00-11:00 (Europe/London)"


def _session(**fields):
    return MentoringSession(
        pk=9,
        mentorship=PAIR,
        starts_at=datetime(2026, 9, 15, 9, tzinfo=UTC),
        minutes=60,
        **fields,
    )


@pytest.mark.parametrize(
    ("change", "subject", "intro"),
    [
        ("scheduled", "Reverse mentoring session with Ben Ng", f"is scheduled for {WHEN}."),
        (
            "updated",
            "Updated: reverse mentoring session with Ben Ng",
            f"has changed: it is now {WHEN}.",
        ),
        ("cancelled", "Cancelled: reverse mentoring session with Ben Ng", "is cancelled."),
    ],
)
def test_the_session_invite_renders_each_change(change, subject, intro):
    session = _session(
        place="Room <4>", agenda="Hooks\nTrends", cancel_note="Sorry, ill" * (change == "cancelled")
    )
    email = render_email(
        "engagement/emails/session_invite",
        {
            "person": ANA,
            "partner": BEN,
            "session": session,
            "change": change,
            "when": WHEN,
            "action_url": "https://t.example/engagement/sessions/9/",
        },
    )
    assert email.subject == subject
    for part in (email.text, email.html):
        assert "Hello Ana," in part and intro in part
    assert "Where: Room <4>" in email.text and "Agenda:\nHooks\nTrends" in email.text
    assert "Room &lt;4&gt;" in email.html and "Hooks<br>Trends" in email.html
    assert "Details: https://t.example/engagement/sessions/9/" in email.text
    assert ("Sorry, ill" in email.text) == (change == "cancelled")


def test_a_session_without_a_place_is_to_be_agreed():
    email = render_email(
        "engagement/emails/session_invite",
        {"person": ANA, "partner": BEN, "session": _session(), "change": "scheduled", "when": WHEN},
    )
    assert "Where: to be agreed" in email.text and "Agenda" not in email.text


@pytest.mark.parametrize(
    ("template", "subject", "body"),
    [
        ("reminder_no_session", "Time to plan your next session with Ben", "no session in the"),
        ("reminder_log_session", "How did your session with Ben go?", f"Ben Ng ({WHEN}) is over"),
        ("reminder_agreement", "Your mentoring agreement with Ben is not signed yet", "then both"),
    ],
)
def test_each_participant_reminder_renders(template, subject, body):
    email = render_email(
        f"engagement/emails/{template}",
        {
            "person": ANA,
            "partner": BEN,
            "mentorship": PAIR,
            "when": WHEN,
            "action_url": "https://t.example/act/",
            "action_label": "Go",
            "pair_url": "https://t.example/pair/",
        },
    )
    assert email.subject == subject
    for part in (email.text, email.html):
        assert "Hello Ana," in part and body in part
    assert "https://t.example/act/" in email.text
    assert 'href="https://t.example/act/"' in email.html


def test_the_stalled_pair_email_to_managers_renders():
    email = render_email(
        "engagement/emails/pair_stalled",
        {"mentorship": PAIR, "action_url": "https://t.example/program/", "action_label": "Pairs"},
    )
    assert email.subject == "A pair in Digital Fluency · Autumn has not met for a while"
    for part in (email.text, email.html):
        assert "(mentee) have held no session for two meeting periods" in part
    assert "Ana O'Hara (mentor)" in email.text and "Ana O&#x27;Hara (mentor)" in email.html
    assert "you manage a reverse mentoring program" in email.html
