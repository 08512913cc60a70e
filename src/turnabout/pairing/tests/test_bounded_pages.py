"""Pages and endpoints stay bounded at any cohort size (issue 11): the run resource keeps
summary figures and pages its proposals and unmatched people; hand pairing searches
instead of listing everybody; the unmatched and waiting lists are paginated and counted in
SQL; the number of queries does not grow with the cohort."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from turnabout.pairing import selectors, services, views
from turnabout.pairing.models import LIVE_STATUSES, Mentorship
from turnabout.pairing.tests.helpers import bearer, run_now
from turnabout.programs.models import Phase

pytestmark = pytest.mark.django_db


def _queries(client: Any, *paths: str, **headers: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        for path in paths:
            response = client.get(path, **headers)
            assert response.status_code == 200, (path, response.content[:300])
    return len(captured)


def test_run_resource_keeps_summary_figures_and_pages_its_lists(
    client: Any, build_cohort: Any
) -> None:
    setup = build_cohort(mentors=6, mentees=14)
    run = run_now(setup)
    auth = bearer(setup.manager)
    detail = client.get(f"/api/v1/match-runs/{run.pk}", **auth).json()
    assert (detail["proposal_count"], detail["unmatched_count"]) == (6, 8)
    assert "proposals" not in detail and "unmatched" not in detail

    first = client.get(f"/api/v1/match-runs/{run.pk}/proposals?page_size=4", **auth).json()
    last = client.get(f"/api/v1/match-runs/{run.pk}/proposals?page_size=4&page=2", **auth).json()
    assert first["count"] == last["count"] == 6
    assert (len(first["items"]), len(last["items"])) == (4, 2)
    ids = [p["id"] for p in first["items"] + last["items"]]
    assert len(set(ids)) == 6
    scores = [p["score"] for p in first["items"] + last["items"]]
    assert scores == sorted(scores, reverse=True)  # best first, across pages

    unmatched = client.get(f"/api/v1/match-runs/{run.pk}/unmatched?page_size=5&page=2", **auth)
    body = unmatched.json()
    assert body["count"] == 8 and len(body["items"]) == 3
    assert all(item["role"] == "mentee" and item["reason_code"]["code"] for item in body["items"])
    too_big = client.get(f"/api/v1/match-runs/{run.pk}/unmatched?page_size=1000", **auth)
    assert too_big.status_code == 422


def test_run_endpoints_for_an_outsider_are_404(client: Any, build_cohort: Any, make_user: Any):
    setup = build_cohort(mentors=2, mentees=2)
    run = run_now(setup)
    outsider = bearer(make_user())
    for tail in ("", "/proposals", "/unmatched"):
        assert client.get(f"/api/v1/match-runs/{run.pk}{tail}", **outsider).status_code == 404


def test_run_endpoints_queries_do_not_grow_with_the_run(
    client: Any, build_cohort: Any, django_assert_max_num_queries: Any
) -> None:
    def count(setup: Any) -> int:
        run = run_now(setup)
        auth = bearer(setup.manager)
        base = f"/api/v1/match-runs/{run.pk}"
        return _queries(client, base, f"{base}/proposals", f"{base}/unmatched", **auth)

    small = count(build_cohort(mentors=2, mentees=3, name="Small"))
    large = count(build_cohort(mentors=30, mentees=45, name="Large"))
    assert small == large, (small, large)
    setup = build_cohort(mentors=30, mentees=45, name="Larger")
    run = run_now(setup)
    auth = bearer(setup.manager)
    with django_assert_max_num_queries(12):
        client.get(f"/api/v1/match-runs/{run.pk}/proposals", **auth)


def test_run_page_pages_the_unmatched_and_has_no_select_of_everybody(
    client: Any, build_cohort: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "UNMATCHED_PAGE_SIZE", 5)
    setup = build_cohort(mentors=3, mentees=11)
    run = run_now(setup)
    client.force_login(setup.manager)
    page = client.get(f"/pairing/runs/{run.pk}/").content.decode()
    section = page[page.index('id="unmatched"') : page.index('id="manual"')]
    assert section.count("<li>") == 5 and "(8)" in section and "Page 1 of 2" in section
    assert "unmatched_page=2" in section
    second = client.get(f"/pairing/runs/{run.pk}/?unmatched_page=2").content.decode()
    section = second[second.index('id="unmatched"') : second.index('id="manual"')]
    assert section.count("<li>") == 3
    assert "<select" not in page[page.index('id="manual"') :]  # people are searched, not listed
    assert page.count('type="radio"') == 0  # nothing searched yet: no list at all


def test_hand_pairing_searches_people_with_and_without_javascript(
    client: Any, build_cohort: Any
) -> None:
    setup = build_cohort(mentors=3, mentees=5)
    run = run_now(setup)
    freed = run.proposals.select_related(
        "mentor_application__person", "mentee_application__person"
    ).first()
    assert freed is not None
    services.proposal_remove(freed, acting_user=setup.manager)  # both are free again
    mentor_app, mentee_app = freed.mentor_application, freed.mentee_application
    client.force_login(setup.manager)

    # htmx: the search field asks for a small list of one role.
    found = client.get(
        f"/pairing/runs/{run.pk}/people/",
        {"role": "mentee", "mentee_q": mentee_app.person.last_name},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "<html" not in found and 'id="mentee-choices"' in found
    assert re.findall(r'name="mentee_application" value="(\d+)"', found) == [str(mentee_app.pk)]
    assert "unmatched" in found
    assert client.get(f"/pairing/runs/{run.pk}/people/", {"role": "x"}).status_code == 400
    # A mentor is not found among mentees.
    other = client.get(
        f"/pairing/runs/{run.pk}/people/",
        {"role": "mentee", "mentee_q": mentor_app.person.email},
    ).content.decode()
    assert 'type="radio"' not in other and "Nobody found" in other

    # Without JavaScript: the search form reloads the run page with the choices.
    page = client.get(
        f"/pairing/runs/{run.pk}/",
        {"mentor_q": mentor_app.person.email, "mentee_q": mentee_app.person.employee_id},
    ).content.decode()
    assert f'name="mentor_application" value="{mentor_app.pk}"' in page
    assert f'name="mentee_application" value="{mentee_app.pk}"' in page

    before = run.proposals.count()
    made = client.post(
        f"/pairing/runs/{run.pk}/pair/",
        {
            "mentor_application": mentor_app.pk,
            "mentee_application": mentee_app.pk,
            "override_reason": "Asked for it",
        },
    )
    assert made.status_code == 302
    assert run.proposals.count() == before + 1
    assert run.proposals.filter(mentee_application=mentee_app, manual=True).exists()


def test_waiting_list_is_paginated_and_counted_in_sql(
    client: Any, build_cohort: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "WAITING_PAGE_SIZE", 4)
    setup = build_cohort(mentors=3, mentees=10)
    run = run_now(setup)
    services.match_run_publish(run, acting_user=setup.manager, notify=False)
    setup.cohort.refresh_from_db()
    assert setup.cohort.phase != Phase.MATCHING
    waiting = selectors.waiting_for_partner(user=setup.manager, cohort=setup.cohort)
    live = Mentorship.objects.filter(cohort=setup.cohort, status__in=LIVE_STATUSES)
    paired = set(live.values_list("mentee_application_id", flat=True))
    expected = {a.pk for _u, a in setup.mentees if a.pk not in paired}
    assert {a.pk for a in waiting} == expected and len(expected) == 7
    assert waiting.filter(role="mentor").count() == 0  # every mentor (capacity 1) is paired

    client.force_login(setup.manager)
    page = client.get(f"/pairing/cohorts/{setup.cohort.pk}/").content.decode()
    section = page[page.index('id="waiting"') :]
    assert "(7)" in section and "Page 1 of 2" in section and "mentees_page=2" in section
    second = client.get(f"/pairing/cohorts/{setup.cohort.pk}/?mentees_page=2").content.decode()
    assert second[second.index('id="waiting"') :].count("<li>") == 3


def test_cohort_page_queries_do_not_grow_with_the_cohort(
    client: Any, build_cohort: Any, django_assert_max_num_queries: Any
) -> None:
    def count(setup: Any) -> int:
        run = run_now(setup)
        services.match_run_publish(run, acting_user=setup.manager, notify=False)
        client.force_login(setup.manager)
        return _queries(client, f"/pairing/cohorts/{setup.cohort.pk}/")

    small = count(build_cohort(mentors=2, mentees=4, name="Small"))
    large = count(build_cohort(mentors=20, mentees=45, name="Large"))
    assert small == large, (small, large)
    assert large <= 20


def test_run_page_queries_do_not_grow_with_the_run(client: Any, build_cohort: Any) -> None:
    def count(setup: Any) -> int:
        run = run_now(setup)
        client.force_login(setup.manager)
        return _queries(client, f"/pairing/runs/{run.pk}/?mentor_q=a&mentee_q=e")

    small = count(build_cohort(mentors=2, mentees=4, name="Small"))
    large = count(build_cohort(mentors=30, mentees=60, name="Large"))
    assert small == large, (small, large)


def test_waiting_list_counts_a_pair_ended_since_acceptance(build_cohort: Any) -> None:
    setup = build_cohort(mentors=2, mentees=2)
    run = run_now(setup)
    pairs = services.match_run_publish(run, acting_user=setup.manager, notify=False)
    first = pairs[0]
    services.mentorship_decline(
        first, reason="Not now", acting_user=setup.user_of(first.mentee_application)
    )
    waiting = list(selectors.waiting_for_partner(user=setup.manager, cohort=setup.cohort))
    assert first.mentee_application in waiting and first.mentor_application in waiting
    # Freed by the decline: waiting since then, so after anybody waiting since acceptance.
    assert getattr(waiting[-1], "waiting_since") >= getattr(waiting[0], "waiting_since")  # noqa: B009
