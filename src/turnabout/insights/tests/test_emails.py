"""The insights emails render from their templates, in text and in HTML."""

from __future__ import annotations

from turnabout.common.email import render_email


def test_the_pair_health_digest_renders():
    rows = [
        {
            "mentor": "Ana O'Hara",
            "mentee": "Ben Ng",
            "cohort": "Digital Fluency · Autumn",
            "state": "at risk",
            "reasons": ["no session for 6 weeks"],
            "link": "https://t.example/pairs/5/",
        }
    ]
    email = render_email(
        "insights/emails/digest",
        {
            "first_name": "Cy",
            "count": 1,
            "rows": rows,
            "health_link": "https://t.example/health/",
            "action_url": "https://t.example/health/",
        },
    )
    assert email.subject == "Pair health: 1 pair changed state today"
    assert "- Ana O'Hara & Ben Ng (Digital Fluency · Autumn): at risk: no session" in email.text
    assert "https://t.example/pairs/5/" in email.text and "Hello Cy," in email.html


def test_the_rematch_offer_renders():
    email = render_email(
        "insights/emails/rematch_offer",
        {
            "first_name": "Ben",
            "program": "Digital Fluency",
            "partner": "Ana O'Hara",
            "message": "Talk to us any time.",
            "link": "https://t.example/pairs/5/",
            "action_url": "https://t.example/pairs/5/",
        },
    )
    assert email.subject == "A new match is available to you in Digital Fluency"
    assert "your pairing with Ana O'Hara is not working" in email.text
    assert "Talk to us any time." in email.text and "Hello Ben," in email.html
