"""Every pairing email renders from its templates, in text and in HTML."""

from __future__ import annotations

import pytest

from turnabout.common.email import render_email
from turnabout.pairing.models import Mentorship
from turnabout.people.models import Employee
from turnabout.programs.models import Cohort, Program

COHORT = Cohort(name="Autumn", program=Program(name="Digital Fluency"))
ANA = Employee(pk=1, first_name="Ana", last_name="O'Hara", email="ana@example.com")
BEN = Employee(pk=2, first_name="Ben", last_name="Ng", email="ben@example.com")
CY = Employee(pk=3, first_name="Cy", last_name="Lee", email="cy@example.com")


def test_the_match_email_lists_each_partner_from_the_persons_side():
    pairs = [Mentorship(mentor=ANA, mentee=BEN), Mentorship(mentor=CY, mentee=ANA)]
    email = render_email(
        "pairing/emails/match",
        {"person": ANA, "cohort": COHORT, "pairs": pairs, "action_url": "https://t.example/me/"},
    )
    assert email.subject == "Your reverse mentoring match: Digital Fluency · Autumn"
    assert "Hello Ana," in email.text
    assert "- you mentor Ben Ng" in email.text and "- Cy Lee mentors you" in email.text
    assert "accept or decline here: https://t.example/me/" in email.text
    assert "you mentor <strong>Ben Ng</strong>" in email.html
    assert "<strong>Cy Lee</strong> mentors you" in email.html


@pytest.mark.parametrize(
    ("declined", "by_manager", "rematch", "subject", "what", "next_step"),
    [
        (
            True,
            False,
            True,
            "Your reverse mentoring match with Ben Ng will not go ahead",
            "was declined",
            "flagged for re-matching",
        ),
        (
            False,
            True,
            True,
            "Your reverse mentoring pair with Ben Ng has ended",
            "The program team has ended your mentorship with Ben Ng",
            "Ben Ng will not be proposed to you again",
        ),
        (
            False,
            False,
            False,
            "Your reverse mentoring pair with Ben Ng has ended",
            "Your mentorship with Ben Ng in Digital Fluency · Autumn has ended.",
            "past its matching phase",
        ),
    ],
)
def test_the_pair_closed_email_says_what_happened_and_what_next(
    declined, by_manager, rematch, subject, what, next_step
):
    email = render_email(
        "pairing/emails/pair_closed",
        {
            "person": ANA,
            "partner": BEN,
            "cohort": COHORT,
            "declined": declined,
            "ended_by_manager": by_manager,
            "rematch": rematch,
            "action_url": "https://t.example/pairing/me/",
        },
    )
    assert email.subject == subject
    for part in (email.text, email.html):
        assert "Hello Ana," in part and what in part and next_step in part
    assert "Your mentoring page: https://t.example/pairing/me/" in email.text
    assert "&#x27;" not in email.text
