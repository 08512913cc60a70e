"""The participant hub ("My mentoring"): each section shows when it has something to show,
most urgent first, and the one hub link in the top bar is current on every page it leads to."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from turnabout.accounts.models import Role
from turnabout.engagement import services
from turnabout.engagement.tests.factories import Pair
from turnabout.enrollment.models import Application
from turnabout.enrollment.services import application_create, application_withdraw
from turnabout.pairing import services as pairing_services
from turnabout.programs.models import Phase
from turnabout.programs.tests.factories import make_cohort, make_program, mentor_profile

pytestmark = pytest.mark.django_db

SECTIONS = ("hub-match", "pair-home-", "hub-applications", "hub-join", "hub-earlier")


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _hub(user: Any) -> str:
    response = _client(user).get("/engagement/")
    assert response.status_code == 200
    return str(response.content.decode())


def _sections(html: str) -> list[str]:
    """The hub's sections present on the page, in page order."""
    found = [(html.find(f'id="{name}'), name) for name in SECTIONS]
    return [name for at, name in sorted(found) if at >= 0]


def _open_cohort(manager: Any, name: str) -> Any:
    program = make_program(manager, name=name)
    return make_cohort(program, manager, phase=Phase.APPLICATIONS_OPEN, name=f"{name} cohort")


def test_a_newcomer_sees_only_the_programs_open_to_join(participant: Any, program_manager: Any):
    cohort = _open_cohort(program_manager, "Digital Fluency")
    make_cohort(make_program(program_manager, name="Still a draft"), program_manager)
    html = _hub(participant)
    assert _sections(html) == ["hub-join"]
    assert f'href="/programs/cohorts/{cohort.pk}/about/"' in html
    assert "Still a draft" not in html
    assert 'href="/applications/join/"' in html  # "All open programs"
    assert "Nothing here yet" not in html


def test_with_nothing_open_the_hub_says_where_programs_will_appear(participant: Any):
    html = _hub(participant)
    assert _sections(html) == []
    assert "Nothing here yet" in html
    assert 'href="/engagement/journal/"' in html  # participants keep their journal


def test_an_application_moves_from_open_to_join_to_my_applications(
    participant: Any, program_manager: Any
):
    cohort = _open_cohort(program_manager, "Digital Fluency")
    application = application_create(
        cohort, role="mentor", profile=mentor_profile(), acting_user=participant
    )
    html = _hub(participant)
    assert _sections(html) == ["hub-applications"]  # applied: no longer offered to join
    assert f'href="/applications/{application.pk}/"' in html
    assert "app-status--submitted" in html and "Submitted" in html

    application_withdraw(application, acting_user=participant)
    html = _hub(participant)
    assert _sections(html) == ["hub-applications", "hub-join"]  # open again after withdrawing
    assert "app-status--withdrawn" in html


def test_a_match_waiting_for_my_answer_comes_first(
    make_pair: Callable[..., Pair], participant: Any
):
    pair = make_pair(accept=False)
    mentorship = pair.mentorship
    html = _hub(pair.mentee)
    assert _sections(html) == ["hub-match", "hub-applications"]
    assert "A match is waiting for your answer" in html
    assert "Maya Okafor mentors you" in html
    assert f'href="/pairing/pairs/{mentorship.pk}/"' in html  # where to accept or decline
    assert "pair-home" not in html  # not a pair yet

    pairing_services.mentorship_accept(mentorship, acting_user=pair.mentee)
    html = _hub(pair.mentee)
    assert "Your new match" in html and "You accepted. Waiting for Maya." in html
    assert "waiting for your answer" not in html
    assert "A match is waiting for your answer" in _hub(pair.mentor)

    pairing_services.mentorship_accept(mentorship, acting_user=pair.mentor)
    html = _hub(pair.mentee)
    assert _sections(html) == ["pair-home-", "hub-applications"]
    assert f'href="/engagement/pairs/{mentorship.pk}/"' in html  # "Open your pair"


def test_an_active_pair_shows_next_session_agreement_and_goals(pair: Pair):
    services.agreement_save(
        pair.mentorship,
        data=services.AgreementInput(goals=[services.GoalInput("Post one short video")]),
        acting_user=pair.mentee,
    )
    session = services.session_schedule(
        pair.mentorship,
        starts_at=timezone.now() + timedelta(days=3),
        minutes=45,
        format="video",
        acting_user=pair.mentor,
        notify=False,
    )
    services.agreement_sign(pair.mentorship, acting_user=pair.mentee)
    html = _hub(pair.mentee)
    assert _sections(html) == ["pair-home-", "hub-applications"]
    assert f'href="/engagement/sessions/{session.pk}/"' in html  # the next session
    assert "Waiting for your partner" in html  # the agreement's state
    assert "Post one short video" in html  # the goals
    assert "Waiting for your signature" in _hub(pair.mentor)


def test_an_ended_pair_is_listed_under_earlier_pairs(pair: Pair):
    pairing_services.mentorship_end(pair.mentorship, reason="Moved teams", acting_user=pair.mentee)
    html = _hub(pair.mentee)
    assert _sections(html) == ["hub-applications", "hub-earlier"]
    assert f'href="/engagement/pairs/{pair.mentorship.pk}/"' in html


def test_an_account_without_an_employee_record_gets_an_empty_hub(make_user: Any):
    manager = make_user(Role.PROGRAM_MANAGER, employee=False)
    html = _hub(manager)
    assert _sections(html) == [] and "Nothing here yet" in html
    assert "/engagement/journal/" not in html  # the journal is for participants


def test_hub_queries_do_not_grow_with_applications_and_open_cohorts(
    participant: Any, program_manager: Any
):
    def add(n: int, start: int) -> None:
        for i in range(start, start + n):
            cohort = _open_cohort(program_manager, f"Program {i}")
            if i % 2:
                application_create(
                    cohort, role="mentor", profile=mentor_profile(), acting_user=participant
                )

    client = _client(participant)
    add(2, 0)
    client.get("/engagement/")  # warm the session and the user caches
    with CaptureQueriesContext(connection) as few:
        assert client.get("/engagement/").status_code == 200
    add(6, 2)
    with CaptureQueriesContext(connection) as many:
        html = client.get("/engagement/").content.decode()
    assert html.count("app-status--submitted") == 4
    assert len(many.captured_queries) == len(few.captured_queries)


# --- The top bar -------------------------------------------------------------------------


NAV = re.compile(r'<nav class="nav".*?</nav>', re.S)
CURRENT = re.compile(r'<a href="[^"]*" aria-current="page">([^<]*)</a>')


def _current(client: Client, path: str) -> list[str]:
    """The labels of the top bar's links marked as the current page."""
    response = client.get(path)
    assert response.status_code == 200, path
    nav = NAV.search(response.content.decode())
    assert nav is not None, path
    return CURRENT.findall(nav.group())


def test_the_hub_link_is_current_on_every_page_it_leads_to(pair: Pair, program_manager: Any):
    other = _open_cohort(program_manager, "Open elsewhere")
    application = Application.objects.get(person__user=pair.mentee)
    m = pair.mentorship.pk
    client = _client(pair.mentee)
    labels = [link.label for link in client.get("/").context["nav_links"]]
    assert labels == ["Home", "My mentoring"]
    for path in (
        "/engagement/",
        "/applications/",  # the old "My programs"
        "/applications/join/",  # the old "Join a program"
        "/pairing/me/",  # the old "My match"
        f"/pairing/pairs/{m}/",
        f"/applications/{application.pk}/",
        f"/programs/cohorts/{other.pk}/about/",
        f"/engagement/pairs/{m}/",
        f"/engagement/pairs/{m}/agreement/",
        "/engagement/journal/",
    ):
        assert _current(client, path) == ["My mentoring"], path
    assert _current(client, "/") == ["Home"]


def test_a_manager_who_also_takes_part_sees_each_page_under_its_own_section(
    pair: Pair, make_user: Any
):
    manager = pair.manager  # a program manager with an employee record: a participant too
    elsewhere = _open_cohort(make_user(Role.PROGRAM_MANAGER), "Someone else's program")
    own_cohort = pair.mentorship.cohort
    mentee_application = Application.objects.get(person__user=pair.mentee)
    client = _client(manager)
    labels = [link.label for link in client.get("/").context["nav_links"]]
    assert labels == ["Home", "People", "Programs", "Matching", "My mentoring"]
    assert _current(client, "/engagement/") == ["My mentoring"]
    assert _current(client, "/applications/join/") == ["My mentoring"]
    assert _current(client, f"/programs/cohorts/{elsewhere.pk}/about/") == ["My mentoring"]
    assert _current(client, f"/programs/cohorts/{own_cohort.pk}/about/") == ["Programs"]
    assert _current(client, f"/applications/{mentee_application.pk}/") == ["Programs"]
    assert _current(client, f"/pairing/pairs/{pair.mentorship.pk}/") == ["Matching"]
    assert _current(client, f"/engagement/programs/{pair.program.pk}/") == ["Programs"]
    assert _current(client, f"/programs/{pair.program.pk}/") == ["Programs"]
