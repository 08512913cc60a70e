"""The API: a pair's whole cycle through /api/v1 with a bearer token."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from turnabout.accounts.services import token_create
from turnabout.common.testing import api_error
from turnabout.people.models import Skill

pytestmark = pytest.mark.django_db


def _api(user: Any) -> Client:
    secret = token_create(user=user, name="test", acting_user=None).secret
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_a_pair_runs_its_cycle_through_the_api(pair: Any) -> None:
    m = pair.mentorship.pk
    mentee, mentor = _api(pair.mentee), _api(pair.mentor)
    draft = mentee.get(f"/api/v1/mentorships/{m}/agreement").json()
    assert draft["saved"] is False and draft["cadence_days"] == 14

    saved = mentee.put(
        f"/api/v1/mentorships/{m}/agreement",
        {"goals": [{"title": "Use AI weekly", "evidence": "Monthly update drafted with it"}]},
        content_type="application/json",
    )
    assert saved.status_code == 200 and saved.json()["goals"][0]["title"] == "Use AI weekly"
    for client in (mentee, mentor):
        signed = client.post(f"/api/v1/mentorships/{m}/agreement/sign")
        assert signed.status_code == 200
    assert signed.json()["signed_at"] is not None

    starts = (timezone.now() + timedelta(days=7)).replace(microsecond=0)
    created = mentor.post(
        f"/api/v1/mentorships/{m}/sessions",
        {"starts_at": starts.isoformat(), "minutes": 45, "format": "video"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    session = created.json()
    assert session["sequence"] == 0
    moved = mentee.patch(
        f"/api/v1/sessions/{session['id']}",
        {"starts_at": (starts + timedelta(hours=1)).isoformat()},
        content_type="application/json",
    )
    assert moved.json()["sequence"] == 1 and moved.json()["uid"] == session["uid"]
    ics = mentee.get(f"/api/v1/sessions/{session['id']}/ics")
    assert ics.status_code == 200 and ics["Content-Type"].startswith("text/calendar")
    event = Calendar.from_ical(ics.content).walk("VEVENT")[0]
    assert int(str(event["SEQUENCE"])) == 1

    early = mentee.put(
        f"/api/v1/sessions/{session['id']}/log",
        {"outcome": "held"},
        content_type="application/json",
    )
    assert api_error(early) == (422, "session_not_due")
    past = mentee.post(
        f"/api/v1/mentorships/{m}/sessions",
        {"starts_at": (starts - timedelta(days=30)).isoformat(), "minutes": 45, "format": "video"},
        content_type="application/json",
    )
    assert api_error(past) == (422, "session_time_invalid")

    goals = mentor.get(f"/api/v1/mentorships/{m}/goals").json()
    goal_id = goals[0]["id"]
    updated = mentor.patch(
        f"/api/v1/goals/{goal_id}", {"progress": 30}, content_type="application/json"
    )
    assert updated.json()["status"] == "in_progress"
    milestone = mentee.post(
        f"/api/v1/goals/{goal_id}/milestones",
        {"title": "First try"},
        content_type="application/json",
    )
    assert milestone.status_code == 201
    done = mentee.patch(
        f"/api/v1/milestones/{milestone.json()['id']}",
        {"done": True},
        content_type="application/json",
    )
    assert done.json()["done_at"] is not None

    skill = Skill.objects.get(name="TikTok")
    learned = mentee.post(
        f"/api/v1/mentorships/{m}/learning",
        {"text": "Hooks matter", "skill_ids": [skill.pk]},
        content_type="application/json",
    )
    assert learned.status_code == 201 and learned.json()["skills"] == ["TikTok"]
    assert mentor.get(f"/api/v1/mentorships/{m}/learning").json()["count"] == 1

    reflection = mentee.post(
        "/api/v1/reflections", {"body": "Private thought"}, content_type="application/json"
    )
    assert reflection.status_code == 201
    assert mentee.delete(f"/api/v1/reflections/{reflection.json()['id']}").status_code == 204


def test_nul_characters_and_naive_times_are_refused(pair: Any) -> None:
    client = _api(pair.mentor)
    m = pair.mentorship.pk
    nul = client.post("/api/v1/reflections", {"body": "a\x00b"}, content_type="application/json")
    assert api_error(nul) == (422, "invalid_input")
    naive = client.post(
        f"/api/v1/mentorships/{m}/sessions",
        {"starts_at": "2030-01-01T10:00:00", "minutes": 45, "format": "video"},
        content_type="application/json",
    )
    assert api_error(naive) == (422, "invalid_input")
    old = client.post(
        f"/api/v1/mentorships/{m}/sessions",
        {"starts_at": "0001-01-01T00:00:00+14:00", "minutes": 45, "format": "video"},
        content_type="application/json",
    )
    assert api_error(old) == (422, "validation_failed")


def test_a_cancelled_session_cannot_change_and_an_empty_agreement_cannot_be_signed(
    pair: Any,
) -> None:
    m = pair.mentorship.pk
    mentor = _api(pair.mentor)
    unsigned = mentor.post(f"/api/v1/mentorships/{m}/agreement/sign")
    assert api_error(unsigned) == (422, "agreement_empty")
    starts = (timezone.now() + timedelta(days=3)).replace(microsecond=0)
    session = mentor.post(
        f"/api/v1/mentorships/{m}/sessions",
        {"starts_at": starts.isoformat(), "minutes": 30, "format": "video"},
        content_type="application/json",
    ).json()
    cancelled = mentor.post(
        f"/api/v1/sessions/{session['id']}/cancel", {}, content_type="application/json"
    )
    assert cancelled.status_code == 200
    moved = mentor.patch(
        f"/api/v1/sessions/{session['id']}",
        {"minutes": 60},
        content_type="application/json",
    )
    assert api_error(moved) == (409, "session_not_changeable")
    assert moved.json()["params"] == {"because": "cancelled"}
