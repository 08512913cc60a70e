"""Privacy, per role: reflections are their author's alone; a partner's rating never reaches
the other partner; managers see whether the agreement is signed, never what it says; the
program sees counts and tags of learning entries."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from turnabout.accounts.models import Role
from turnabout.common.errors import NotFound
from turnabout.common.models import AuditRecord
from turnabout.common.testing import api_error
from turnabout.engagement import selectors, services
from turnabout.people.models import Skill

pytestmark = pytest.mark.django_db

SECRET = "I worry my team sees me as out of touch"
RATING_COMMENT = "Honestly a bit boring today"


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def outsiders(make_user: Any, pair: Any) -> dict[str, Any]:
    """Everybody who is not the author: partner, manager, org admin (also a superuser)."""
    admin = make_user(Role.ORG_ADMIN)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    return {"partner": pair.mentor, "manager": pair.manager, "org admin": admin}


def test_reflections_are_visible_to_their_author_only(pair: Any, outsiders: dict[str, Any]) -> None:
    reflection = services.reflection_add(
        body=SECRET, mentorship_id=pair.mentorship.pk, acting_user=pair.mentee
    )
    assert [r.body for r in selectors.reflections_of_user(user=pair.mentee)] == [SECRET]
    mine = _client(pair.mentee)
    assert SECRET in mine.get("/engagement/journal/").content.decode()
    api = mine.get("/api/v1/reflections")
    assert api.status_code == 200 and api.json()["items"][0]["body"] == SECRET

    for role, user in outsiders.items():
        assert not selectors.reflections_of_user(user=user).exists(), role
        with pytest.raises(NotFound):
            selectors.reflection_get(user=user, reflection_id=reflection.pk)
        client = _client(user)
        assert api_error(client.get(f"/api/v1/reflections/{reflection.pk}")) == (
            404,
            "not_found",
        ), role
        listed = client.get("/api/v1/reflections")
        assert listed.status_code == 200 and listed.json()["items"] == [], role
        assert api_error(client.delete(f"/api/v1/reflections/{reflection.pk}")) == (
            404,
            "not_found",
        ), role
        for page in ("/engagement/journal/", f"/engagement/pairs/{pair.mentorship.pk}/", "/"):
            response = client.get(page)
            assert SECRET not in response.content.decode(), (role, page)
    # Not in the admin site either, not even for a superuser.
    admin = _client(outsiders["org admin"])
    assert admin.get("/admin/engagement/reflection/").status_code == 404
    assert SECRET not in admin.get("/admin/").content.decode()
    # Nor in the audit log that org admins read.
    assert not any(SECRET in str(r.__dict__) for r in AuditRecord.objects.all())


def test_a_partners_rating_is_never_shown_to_the_other(pair: Any) -> None:
    start = timezone.now() - timedelta(days=1)
    session = services.session_schedule(
        pair.mentorship,
        starts_at=start,
        minutes=45,
        format="video",
        acting_user=pair.mentor,
        now=start - timedelta(days=2),
        notify=False,
    )
    skill = Skill.objects.get(name="TikTok")
    services.session_log(
        session,
        outcome="held",
        topic_ids=[skill.pk],
        rating=2,
        comment=RATING_COMMENT,
        acting_user=pair.mentee,
    )
    # The author sees it.
    author = _client(pair.mentee)
    assert RATING_COMMENT in author.get(f"/engagement/sessions/{session.pk}/").content.decode()
    own = author.get(f"/api/v1/sessions/{session.pk}").json()
    assert own["my_log"]["rating"] == 2 and own["my_log"]["comment"] == RATING_COMMENT

    # The partner sees what happened and the topics, never the rating or comment.
    partner = _client(pair.mentor)
    for page in (
        f"/engagement/sessions/{session.pk}/",
        f"/engagement/pairs/{pair.mentorship.pk}/sessions/",
    ):
        html = partner.get(page).content.decode()
        assert "TikTok" in html or "sessions/" in page
        assert RATING_COMMENT not in html and "2/5" not in html
    data = partner.get(f"/api/v1/sessions/{session.pk}").json()
    assert data["my_log"] is None
    assert data["partner_log"] == {"outcome": "held", "topics": ["TikTok"], "other_topics": ""}
    assert "rating" not in json.dumps(data["partner_log"])
    listed = partner.get(f"/api/v1/mentorships/{pair.mentorship.pk}/sessions").json()
    assert RATING_COMMENT not in json.dumps(listed)
    # The manager sees counts, not the session's content.
    manager = _client(pair.manager)
    assert api_error(manager.get(f"/api/v1/sessions/{session.pk}")) == (404, "not_found")
    assert (
        RATING_COMMENT
        not in manager.get(f"/engagement/programs/{pair.program.pk}/").content.decode()
    )


def test_the_manager_sees_signed_or_not_and_never_the_content(pair: Any) -> None:
    data = services.AgreementInput(
        goals=[services.GoalInput("Stop micromanaging the launch team")],
        mentor_gains="Understand the budget cycle",
    )
    services.agreement_save(pair.mentorship, data=data, acting_user=pair.mentee)
    manager = _client(pair.manager)
    status = manager.get(f"/api/v1/mentorships/{pair.mentorship.pk}/agreement/status")
    assert status.status_code == 200
    assert status.json()["signed"] is False and status.json()["exists"] is True
    assert api_error(manager.get(f"/api/v1/mentorships/{pair.mentorship.pk}/agreement")) == (
        404,
        "not_found",
    )
    assert manager.get(f"/engagement/pairs/{pair.mentorship.pk}/agreement/").status_code == 404
    assert api_error(manager.get(f"/api/v1/mentorships/{pair.mentorship.pk}/goals")) == (
        404,
        "not_found",
    )

    services.agreement_sign(pair.mentorship, acting_user=pair.mentee)
    services.agreement_sign(pair.mentorship, acting_user=pair.mentor)
    assert manager.get(f"/api/v1/mentorships/{pair.mentorship.pk}/agreement/status").json()[
        "signed"
    ]
    page = manager.get(f"/engagement/programs/{pair.program.pk}/").content.decode()
    assert "Signed" in page and pair.mentorship.mentee.full_name in page
    assert "micromanaging" not in page and "budget cycle" not in page


def test_the_program_sees_counts_and_tags_of_learning_entries(
    pair: Any, sponsor: Any, participant: Any
) -> None:
    tiktok = Skill.objects.get(name="TikTok")
    services.learning_add(
        pair.mentorship,
        text="Hooks in the first second",
        skill_ids=[tiktok.pk],
        acting_user=pair.mentee,
    )
    services.learning_add(pair.mentorship, text="How budgets are set", acting_user=pair.mentor)
    for viewer in (pair.manager, sponsor):
        response = _client(viewer).get(f"/api/v1/programs/{pair.program.pk}/engagement")
        assert response.status_code == 200
        body = response.json()
        # One pair is below the privacy floor: its counts are about two people, so hidden
        # (tests/api/test_privacy_floor.py; the figures themselves: test_program_figures).
        assert body["shown"] is False and body["active_pairs"] == 1
        assert body["learning_entries_by_mentors"] is None
        assert body["learning_entries_by_mentees"] is None
        assert body["tags"] == []
        assert "Hooks" not in response.content.decode()
    # A sponsor sees the figures but not the per-pair table.
    sponsor_page = _client(sponsor).get(f"/engagement/programs/{pair.program.pk}/").content.decode()
    assert pair.mentorship.mentee.full_name not in sponsor_page
    assert (
        _client(participant).get(f"/api/v1/programs/{pair.program.pk}/engagement").status_code
        == 404
    )
    # The pair sees both sides, with the text.
    html = (
        _client(pair.mentor)
        .get(f"/engagement/pairs/{pair.mentorship.pk}/learning/")
        .content.decode()
    )
    assert "Hooks in the first second" in html and "How budgets are set" in html


def test_outsiders_get_404_everywhere(pair: Any, participant: Any) -> None:
    data = services.AgreementInput(goals=[services.GoalInput("Learn TikTok")])
    services.agreement_save(pair.mentorship, data=data, acting_user=pair.mentee)
    goal = pair.mentorship.goals.get()
    stranger = _client(participant)
    m = pair.mentorship.pk
    for url in (
        f"/engagement/pairs/{m}/",
        f"/engagement/pairs/{m}/agreement/",
        f"/engagement/pairs/{m}/sessions/",
        f"/engagement/pairs/{m}/sessions/new/",
        f"/engagement/pairs/{m}/learning/",
        f"/engagement/goals/{goal.pk}/",
        f"/api/v1/mentorships/{m}/agreement",
        f"/api/v1/mentorships/{m}/agreement/status",
        f"/api/v1/mentorships/{m}/sessions",
        f"/api/v1/mentorships/{m}/learning",
    ):
        response = stranger.get(url)
        assert response.status_code == 404, url
        if url.startswith("/api/"):
            assert response.json()["code"] == "not_found", url
    assert (
        stranger.post(
            f"/engagement/goals/{goal.pk}/update/", {"status": "achieved", "progress": 100}
        ).status_code
        == 404
    )


def test_program_figures_count_learning_by_side_and_tags_above_the_floor(
    pair: Any, sponsor: Any, settings: Any
) -> None:
    settings.TURNABOUT_MIN_GROUP_SIZE = 3
    tiktok = Skill.objects.get(name="TikTok")
    for n in range(3):
        services.learning_add(
            pair.mentorship, text=f"Hook {n}", skill_ids=[tiktok.pk], acting_user=pair.mentee
        )
    services.learning_add(pair.mentorship, text="Budgets", acting_user=pair.mentor)
    figures = selectors.program_engagement(user=sponsor, program=pair.program)
    assert figures.shown is False  # one pair
    from unittest import mock

    # As if the single pair met the floor: the figures underneath are right.
    with mock.patch.object(selectors, "meets_floor", return_value=True):
        shown = selectors.program_engagement(user=sponsor, program=pair.program)
    assert shown.learning_by_side == {"mentor": 1, "mentee": 3}
    assert shown.tags == [("TikTok", 3)]
