"""The recognition pages run their services through the shared page helper."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from turnabout.recognition import badges
from turnabout.recognition.models import BadgeAward, SuccessStory
from turnabout.recognition.tests.test_stories import _wrap_up

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_manager_awards_recognition_from_the_cohort_page(pair: Any) -> None:
    page = f"/recognition/cohorts/{pair.mentorship.cohort_id}/"
    manager = _client(pair.manager)
    mentee_id = pair.mentorship.mentee_id
    assert f'value="{mentee_id}"' in manager.get(page).content.decode()
    blank = manager.post(page, {"person": mentee_id, "citation": "   "})
    assert blank.status_code == 200 and not BadgeAward.objects.exists()  # refused at the form
    done = manager.post(page, {"person": mentee_id, "citation": "Brave questions"})
    assert done.status_code == 302 and done["Location"] == page
    award = BadgeAward.objects.get()
    assert (award.badge, award.person_id, award.citation) == (
        badges.RECOGNITION,
        mentee_id,
        "Brave questions",
    )
    assert _client(pair.mentor).get(page).status_code == 403


def test_a_partner_writes_the_story_on_its_page(pair: Any) -> None:
    page = f"/recognition/pairs/{pair.mentorship.pk}/story/"
    mentor = _client(pair.mentor)
    early = mentor.post(page, {"title": "T", "body": "B"})
    assert early.status_code == 200 and not SuccessStory.objects.exists()  # not wrap-up yet
    _wrap_up(pair)
    saved = mentor.post(page, {"title": "Two-way street", "body": "We both learned."})
    assert saved.status_code == 302 and SuccessStory.objects.get().title == "Two-way street"
    assert "Two-way street" in mentor.get(page).content.decode()
