"""The pages, without JavaScript: a pair runs its relationship with forms and redirects."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from turnabout.engagement import services
from turnabout.engagement.models import MentoringSession, PairGoal
from turnabout.learning.models import ConversationGuide
from turnabout.people.models import Skill

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_pair_fills_in_and_signs_the_agreement(pair: Any) -> None:
    m = pair.mentorship.pk
    mentee = _client(pair.mentee)
    page = mentee.get(f"/engagement/pairs/{m}/agreement/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "What is said in the pair stays in the pair." not in html  # the form comes first
    assert 'value="14"' in html and 'value="45"' in html  # prefilled cadence and length
    response = mentee.post(
        f"/engagement/pairs/{m}/agreement/",
        {
            "goal_1_title": "Use AI for my board updates",
            "goal_1_evidence": "The March update is drafted with it",
            "goal_2_title": "",
            "goal_2_evidence": "",
            "goal_3_title": "",
            "goal_3_evidence": "",
            "mentor_gains": "How priorities are set",
            "channel": "chat",
            "ground_rules": "Cameras on",
            "cadence_days": "14",
            "session_minutes": "45",
            "format": "video",
        },
    )
    assert response.status_code == 302
    shown = mentee.get(f"/engagement/pairs/{m}/agreement/").content.decode()
    assert "Use AI for my board updates" in shown
    assert "What is said in the pair stays in the pair." in shown
    assert "Sign the agreement" in shown
    assert mentee.post(f"/engagement/pairs/{m}/agreement/sign/").status_code == 302
    _client(pair.mentor).post(f"/engagement/pairs/{m}/agreement/sign/")
    pair.mentorship.agreement.refresh_from_db()
    assert pair.mentorship.agreement.is_signed


def test_scheduling_reads_the_time_in_the_schedulers_zone(pair: Any) -> None:
    guide = ConversationGuide.objects.create(
        program=pair.program,
        title="First session",
        agenda=["Introductions", "Goals"],
        questions=["What would you stop doing tomorrow?"],
    )
    m = pair.mentorship.pk
    mentor = _client(pair.mentor)  # Europe/London
    form = mentor.get(f"/engagement/pairs/{m}/sessions/new/").content.decode()
    assert "What would you stop doing tomorrow?" in form
    assert "Europe/London" in form and "Asia/Kolkata" in form
    day = (timezone.now() + timedelta(days=30)).date()
    response = mentor.post(
        f"/engagement/pairs/{m}/sessions/new/",
        {
            "day": day.isoformat(),
            "start": "10:00",
            "minutes": "45",
            "format": "video",
            "place": "",
            "video_url": "https://meet.example.com/x",
            "guide": str(guide.pk),
            "agenda": "",
        },
    )
    assert response.status_code == 302, response.content.decode()
    session = MentoringSession.objects.get()
    from zoneinfo import ZoneInfo

    assert session.starts_at == datetime.combine(
        day, datetime.min.time().replace(hour=10), tzinfo=ZoneInfo("Europe/London")
    )
    assert session.agenda == "- Introductions\n- Goals"  # from the guide
    # The mentee in Kolkata sees the same session in their own time.
    local = session.starts_at.astimezone(ZoneInfo("Asia/Kolkata"))
    html = _client(pair.mentee).get(f"/engagement/sessions/{session.pk}/").content.decode()
    assert f"{local:%H:%M}" in html and "Asia/Kolkata" in html
    ics = _client(pair.mentee).get(f"/engagement/sessions/{session.pk}/invite.ics")
    assert ics["Content-Type"].startswith("text/calendar")
    assert session.uid in ics.content.decode()


def test_a_time_in_the_past_is_refused_on_the_form(pair: Any) -> None:
    response = _client(pair.mentor).post(
        f"/engagement/pairs/{pair.mentorship.pk}/sessions/new/",
        {"day": "2020-01-06", "start": "10:00", "minutes": "45", "format": "video"},
    )
    assert response.status_code == 200
    assert "Choose a time in the future." in response.content.decode()


def test_logging_a_session_and_updating_a_goal(pair: Any) -> None:
    start = timezone.now() - timedelta(hours=3)
    session = services.session_schedule(
        pair.mentorship,
        starts_at=start,
        minutes=45,
        format="video",
        acting_user=pair.mentor,
        now=start - timedelta(days=1),
        notify=False,
    )
    skill = Skill.objects.get(name="TikTok")
    mentor = _client(pair.mentor)
    assert "Log this session" in mentor.get(f"/engagement/sessions/{session.pk}/").content.decode()
    response = mentor.post(
        f"/engagement/sessions/{session.pk}/log/",
        {"outcome": "held", "topics": [str(skill.pk)], "rating": "5", "comment": "Great"},
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.outcome == "held"

    services.agreement_save(
        pair.mentorship,
        data=services.AgreementInput(goals=[services.GoalInput("Post a video")]),
        acting_user=pair.mentee,
    )
    goal = PairGoal.objects.get()
    mentee = _client(pair.mentee)
    response = mentee.post(
        f"/engagement/goals/{goal.pk}/update/",
        {"status": "in_progress", "progress": "40", "note": "Filmed a draft"},
    )
    assert response.status_code == 302
    page = mentee.get(f"/engagement/goals/{goal.pk}/").content.decode()
    assert "Filmed a draft" in page and "40%" in page
    # htmx: adding a milestone swaps the list in place.
    partial = mentee.post(
        f"/engagement/goals/{goal.pk}/milestones/", {"title": "Post it"}, HTTP_HX_REQUEST="true"
    )
    body = partial.content.decode()
    assert partial.status_code == 200 and "Post it" in body and "<html" not in body


def test_session_list_has_a_fixed_number_of_queries(
    pair: Any, django_assert_num_queries: Any
) -> None:
    skill = Skill.objects.get(name="TikTok")
    base = timezone.now() - timedelta(days=60)

    def add(n: int) -> None:
        for i in range(n):
            start = base + timedelta(days=i, hours=len(MentoringSession.objects.all()))
            session = services.session_schedule(
                pair.mentorship, starts_at=start, minutes=30, format="video",
                acting_user=pair.mentor, now=start - timedelta(hours=1), notify=False,
            )  # fmt: skip
            for user in (pair.mentor, pair.mentee):
                services.session_log(
                    session, outcome="held", topic_ids=[skill.pk], rating=4,
                    acting_user=user, now=start,
                )  # fmt: skip

    client = _client(pair.mentee)
    url = f"/engagement/pairs/{pair.mentorship.pk}/sessions/"
    add(2)
    client.get(url)  # warm the session and the user caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    add(8)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("4/5") == 10
    assert len(few.captured_queries) <= 16


def test_home_page_shows_the_pair_and_what_to_do_next(pair: Any) -> None:
    html = _client(pair.mentee).get("/").content.decode()
    assert "mentors you" in html
    assert "Fill in your agreement together" in html
    assert "Schedule your next session" in html
    hub = _client(pair.mentee).get("/engagement/")
    assert hub.status_code == 200  # the hub, even with one pair: it links to the pair
    assert f'href="/engagement/pairs/{pair.mentorship.pk}/"' in hub.content.decode()


def test_journal_page_saves_privately(pair: Any) -> None:
    client = _client(pair.mentor)
    response = client.post("/engagement/journal/", {"body": "Nervous before the first session"})
    assert response.status_code == 302
    assert "Nervous before the first session" in client.get("/engagement/journal/").content.decode()


@pytest.mark.parametrize("path", ["/engagement/programs/", "/engagement/journal/"])
def test_pages_for_people_without_a_place_there_are_404(
    path: str, make_user: Any, pair: Any
) -> None:
    nobody = make_user(employee=False)
    assert _client(nobody).get(path).status_code == 404


def test_program_page_flags_a_stalled_pair(make_pair: Any) -> None:
    old = make_pair(activated_at=datetime.now(UTC) - timedelta(days=40))
    page = _client(old.manager).get(f"/engagement/programs/{old.program.pk}/").content.decode()
    assert "Stalled" in page and "Not signed" in page


def test_a_milestone_change_over_htmx_refreshes_the_goal_history(pair: Any) -> None:
    services.agreement_save(
        pair.mentorship,
        data=services.AgreementInput(goals=[services.GoalInput("Post a video")]),
        acting_user=pair.mentee,
    )
    goal = PairGoal.objects.get()
    mentee = _client(pair.mentee)
    added = mentee.post(
        f"/engagement/goals/{goal.pk}/milestones/",
        {"title": "Film a draft"},
        HTTP_HX_REQUEST="true",
    )
    body = added.content.decode()
    assert added.status_code == 200 and "<html" not in body
    assert '<div id="milestones">' in body  # the list, swapped in place
    history = body[body.index('<div id="goal-history" hx-swap-oob="true">') :]
    assert "milestone added" in history and "Film a draft" in history  # and the history

    milestone = goal.milestones.get()
    ticked = mentee.post(
        f"/engagement/milestones/{milestone.pk}/toggle/", {"done": "1"}, HTTP_HX_REQUEST="true"
    )
    body = ticked.content.decode()
    history = body[body.index('<div id="goal-history" hx-swap-oob="true">') :]
    assert "milestone--done" in body
    assert "milestone done" in history
    # The full page has the same history, not marked out of band.
    page = mentee.get(f"/engagement/goals/{goal.pk}/").content.decode()
    assert '<div id="goal-history">' in page and "hx-swap-oob" not in page


def test_a_refused_milestone_over_htmx_shows_the_reason_in_place(pair: Any) -> None:
    services.agreement_save(
        pair.mentorship,
        data=services.AgreementInput(goals=[services.GoalInput("Post a video")]),
        acting_user=pair.mentee,
    )
    goal = PairGoal.objects.get()
    mentee = _client(pair.mentee)
    response = mentee.post(
        f"/engagement/goals/{goal.pk}/milestones/", {"title": ""}, HTTP_HX_REQUEST="true"
    )
    assert "Name the milestone." in response.content.decode()
    # Not left behind as a flash message for the next page.
    page = mentee.get(f"/engagement/goals/{goal.pk}/").content.decode()
    assert "Name the milestone." not in page


def test_a_refused_goal_update_keeps_the_typed_values(pair: Any) -> None:
    services.agreement_save(
        pair.mentorship,
        data=services.AgreementInput(goals=[services.GoalInput("Post a video")]),
        acting_user=pair.mentee,
    )
    goal = PairGoal.objects.get()
    response = _client(pair.mentee).post(
        f"/engagement/goals/{goal.pk}/update/",
        {"status": "in_progress", "progress": "140", "note": "Filmed a draft"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "progress": ["Ensure this value is less than or equal to 100."]
    }
    body = response.content.decode()
    assert 'value="140"' in body and "Filmed a draft</textarea>" in body
    goal.refresh_from_db()
    assert goal.progress == 0
