"""The pages: a manager runs, reviews, adjusts and publishes; a participant accepts."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from turnabout.pairing import explain, services
from turnabout.pairing.models import MatchRun, Mentorship
from turnabout.pairing.tests.helpers import run_now

pytestmark = pytest.mark.django_db


def test_manager_runs_reviews_and_publishes_through_the_pages(
    client: Any, build_cohort: Any, django_capture_on_commit_callbacks: Any
) -> None:
    setup = build_cohort(mentors=4, mentees=3)
    client.force_login(setup.manager)
    cohort_page = client.get(f"/pairing/cohorts/{setup.cohort.pk}/")
    assert cohort_page.status_code == 200 and b"Run the matching" in cohort_page.content
    form = {
        "objective": "max_matched",
        "min_level_gap": "1",
        "max_tz_hours": "",
        "reporting_line": "on",
        **{
            f"w_{n}": "1"
            for n in (
                "skills",
                "interests",
                "goals",
                "availability",
                "timezone",
                "format",
                "seniority",
                "diversity",
                "affinity",
                "language",
            )
        },
    }
    with django_capture_on_commit_callbacks() as callbacks:
        started = client.post(f"/pairing/cohorts/{setup.cohort.pk}/runs/", form)
    assert started.status_code == 302 and len(callbacks) == 1  # the run task, after commit
    run = MatchRun.objects.get()
    waiting = client.get(started["Location"])
    assert b'hx-trigger="every 1s"' in waiting.content
    services.match_run_execute(run.pk)
    status = client.get(f"/pairing/runs/{run.pk}/status/", HTTP_HX_REQUEST="true")
    assert status["HX-Refresh"] == "true"

    page = client.get(f"/pairing/runs/{run.pk}/")
    html = page.content.decode()
    assert "Unmatched, and why" in html and "Publish pairs" in html
    proposal = run.proposals.order_by("pk").first()
    assert proposal is not None
    first_reason = explain.reason_text(proposal.reasons[0])
    assert first_reason and escape(first_reason) in html

    partial = client.get(
        f"/pairing/runs/{run.pk}/?sort=score&criterion=skills",
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="proposals",
    )
    assert partial.status_code == 200 and b"<html" not in partial.content
    assert b'id="proposals"' in partial.content

    client.post(f"/pairing/proposals/{proposal.pk}/exclude/", {"reason": "same team"})
    check = client.get(
        f"/pairing/runs/{run.pk}/check/",
        {
            "mentor_application": proposal.mentor_application_id,
            "mentee_application": proposal.mentee_application_id,
        },
        HTTP_HX_REQUEST="true",
    )
    assert b"breaks a hard constraint" in check.content and b"excluded" in check.content
    refused = client.post(
        f"/pairing/runs/{run.pk}/pair/",
        {
            "mentor_application": proposal.mentor_application_id,
            "mentee_application": proposal.mentee_application_id,
        },
        follow=True,
    )
    assert b"Give a reason to override it" in refused.content
    made = client.post(
        f"/pairing/runs/{run.pk}/pair/",
        {
            "mentor_application": proposal.mentor_application_id,
            "mentee_application": proposal.mentee_application_id,
            "override_reason": "asked",
        },
        follow=True,
    )
    assert b"Pair made by hand" in made.content
    published = client.post(f"/pairing/runs/{run.pk}/publish/", follow=True)
    assert published.status_code == 200 and b"pairs published" in published.content
    assert Mentorship.objects.count() == 3


def test_participant_sees_and_accepts_their_match(client: Any, build_cohort: Any) -> None:
    setup = build_cohort(mentors=1, mentees=1)
    run = run_now(setup)
    (pair,) = services.match_run_publish(run, acting_user=setup.manager, notify=False)
    mentee = setup.user_of(pair.mentee_application)
    client.force_login(mentee)
    home = client.get("/")
    assert b"Your match" in home.content and b"Accept or decline" in home.content
    mine = client.get("/pairing/me/")
    assert (
        b"Why you were matched" in mine.content and pair.mentor.full_name.encode() in mine.content
    )
    assert b"score" not in mine.content.lower().replace(b"scores", b"")
    accepted = client.post(
        f"/pairing/pairs/{pair.pk}/accept/", {"next": "/pairing/me/"}, follow=True
    )
    assert b"You accepted" in accepted.content
    pair.refresh_from_db()
    assert pair.mentee_accepted_at is not None and pair.status == "proposed"
    declined = client.post(f"/pairing/pairs/{pair.pk}/decline/", {"reason": "x"}, follow=True)
    assert declined.status_code == 200
    pair.refresh_from_db()
    assert pair.status == "declined"


def _review_queries(client: Any, setup: Any) -> int:
    run = run_now(setup)
    client.force_login(setup.manager)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/pairing/runs/{run.pk}/?department=Finance")
        assert response.status_code == 200
        response = client.get(f"/pairing/runs/{run.pk}/")
        assert response.status_code == 200
    return len(queries)


def test_review_page_queries_do_not_grow_with_the_proposals(client: Any, build_cohort: Any) -> None:
    # Both leave somebody unmatched, so both pages read a page of the unmatched list.
    small = _review_queries(client, build_cohort(mentors=2, mentees=3, name="Small"))
    large = _review_queries(client, build_cohort(mentors=9, mentees=12, name="Large"))
    assert small == large, (small, large)
    assert large == 28  # two page loads: 14 queries each, whatever the number of pairs
