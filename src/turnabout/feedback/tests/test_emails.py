"""The feedback emails render from their templates, in text and in HTML."""

from __future__ import annotations

from turnabout.common.email import render_email


def test_the_fit_flag_email_to_managers_renders():
    email = render_email(
        "feedback/emails/fit_flag",
        {
            "mentor": "Ana Lee",
            "mentee": "Ben Ng",
            "side": "mentee",
            "action_url": "https://t.example/pairing/pairs/5/",
            "action_label": "See the pair",
        },
    )
    assert email.subject == "A pair says it is not a good fit"
    for part in (email.text, email.html):
        assert "Ana Lee (mentor) and Ben Ng (mentee)" in part
    assert "https://t.example/pairing/pairs/5/" in email.text
    assert 'href="https://t.example/pairing/pairs/5/"' in email.html


def test_the_rematch_offer_to_the_mentee_renders():
    email = render_email(
        "feedback/emails/rematch_offer",
        {"first_name": "Ben", "action_url": "https://t.example/f/1/", "action_label": "Options"},
    )
    assert email.subject == "Would you like a new mentoring match?"
    for part in (email.text, email.html):
        assert "Hello Ben," in part and "ask for a new match" in part
    assert "https://t.example/f/1/" in email.text


def test_the_survey_invitation_and_its_reminder_render():
    context = {
        "first_name": "Ana",
        "title": "Midpoint check",
        "cohort": "Digital Fluency · Autumn",
        "privacy": "Your answers are anonymous.",
        "due_on": "2026-12-01",
        "action_url": "https://t.example/answer/3/",
        "action_label": "Answer now",
    }
    first = render_email("feedback/emails/invitation", {**context, "step": 0})
    assert first.subject == "A short survey: Midpoint check"
    assert "The program team of Digital Fluency · Autumn asks you" in first.text
    assert "Please answer by 2026-12-01: https://t.example/answer/3/" in first.text
    assert "Hello Ana," in first.html
    reminder = render_email("feedback/emails/invitation", {**context, "step": 1})
    assert reminder.subject == "Reminder: Midpoint check"
    assert "is still waiting for your answers" in reminder.text
