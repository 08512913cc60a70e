"""The API end to end, with the real task worker: start -> progress -> review -> publish
-> emails -> accept / decline / end."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command

from turnabout.common.testing import api_error
from turnabout.pairing.models import MatchRun, Mentorship
from turnabout.pairing.tests.helpers import bearer, run_now
from turnabout.programs.models import Phase


def work() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_run_publish_and_answer_over_the_api_with_the_worker(
    client: Any, build_cohort: Any
) -> None:
    setup = build_cohort(mentors=3, mentees=3)
    manager = bearer(setup.manager)
    started = client.post(
        f"/api/v1/cohorts/{setup.cohort.pk}/match-runs",
        {"objective": "max_score", "weights": {"skills": 5}, "constraints": {"min_level_gap": 2}},
        content_type="application/json",
        **manager,
    )
    assert started.status_code == 201, started.content
    run_id = started.json()["id"]
    assert started.json()["status"] == "queued"
    assert started.json()["settings"]["weights"]["skills"] == 5
    work()
    detail = client.get(f"/api/v1/match-runs/{run_id}", **manager).json()
    assert detail["status"] == "done" and detail["progress"] == 100
    assert detail["quality"]["matched"] == 3 and detail["proposal_count"] == 3
    assert detail["unmatched_count"] == 0 and "proposals" not in detail
    proposals = client.get(f"/api/v1/match-runs/{run_id}/proposals", **manager).json()
    assert proposals["count"] == 3 and all(p["reasons"] for p in proposals["items"])
    unmatched = client.get(f"/api/v1/match-runs/{run_id}/unmatched", **manager).json()
    assert unmatched == {"items": [], "count": 0}
    assert (
        client.get(f"/api/v1/cohorts/{setup.cohort.pk}/match-runs", **manager).json()[0]["id"]
        == run_id
    )

    mail.outbox.clear()
    publish = client.post(f"/api/v1/match-runs/{run_id}/publish", **manager)
    assert publish.status_code == 200 and publish.json()["published_at"]
    work()
    assert len(mail.outbox) == 6  # one email per person
    assert len({m.to[0] for m in mail.outbox}) == 6
    again = client.post(f"/api/v1/match-runs/{run_id}/publish", **manager)
    assert again.status_code == 409 and again.json()["code"] == "run_already_published"

    pairs = client.get(f"/api/v1/mentorships?cohort_id={setup.cohort.pk}", **manager).json()
    assert pairs["count"] == 3
    first, second, third = (Mentorship.objects.get(pk=p["id"]) for p in pairs["items"])
    for app in (first.mentor_application, first.mentee_application):
        answer = client.post(f"/api/v1/mentorships/{first.pk}/accept", **bearer(setup.user_of(app)))
        assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == "active" and answer.json()["partner"]["email"]
    declined = client.post(
        f"/api/v1/mentorships/{second.pk}/decline",
        {"reason": "Not now"},
        content_type="application/json",
        **bearer(setup.user_of(second.mentor_application)),
    )
    assert declined.status_code == 200 and declined.json()["status"] == "declined"
    ended = client.post(
        f"/api/v1/mentorships/{first.pk}/end",
        {"reason": "Moved abroad"},
        content_type="application/json",
        **bearer(setup.user_of(first.mentee_application)),
    )
    assert ended.status_code == 200 and ended.json()["status"] == "ended"
    late = client.post(
        f"/api/v1/mentorships/{second.pk}/accept",
        **bearer(setup.user_of(second.mentee_application)),
    )
    assert api_error(late) == (409, "match_not_proposed")
    assert third.status == "proposed"


@pytest.mark.django_db
def test_bad_settings_and_wrong_phase_are_4xx(client: Any, build_cohort: Any) -> None:
    setup = build_cohort(mentors=1, mentees=1, phase=Phase.APPLICATIONS_CLOSED)
    headers = bearer(setup.manager)
    url = f"/api/v1/cohorts/{setup.cohort.pk}/match-runs"
    wrong_phase = client.post(url, {}, content_type="application/json", **headers)
    assert api_error(wrong_phase) == (422, "run_not_allowed_in_phase")
    assert "Matching phase" in wrong_phase.json()["message"]
    for payload in (
        {"weights": {"skills": -1}},
        {"weights": {"charisma": 1}},
        {"objective": "everything"},
        {"constraints": {"max_tz_hours": 99}},
    ):
        response = client.post(url, payload, content_type="application/json", **headers)
        assert api_error(response) == (422, "invalid_input"), payload
    missing = client.post(
        "/api/v1/cohorts/999999/match-runs", {}, content_type="application/json", **headers
    )
    assert api_error(missing) == (404, "not_found")
    assert not MatchRun.objects.exists()


@pytest.mark.django_db
def test_all_weights_zero_is_refused_with_the_key(client: Any, build_cohort: Any) -> None:
    setup = build_cohort(mentors=1, mentees=1)
    zero = dict.fromkeys(
        [
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
        ],
        0,
    )
    response = client.post(
        f"/api/v1/cohorts/{setup.cohort.pk}/match-runs",
        {"weights": zero},
        content_type="application/json",
        **bearer(setup.manager),
    )
    assert api_error(response) == (422, "matching_settings_invalid")
    assert response.json()["details"] == {"key": "weights"}
    assert response.json()["params"] == {"key": "weights"}


@pytest.mark.django_db
def test_manual_pair_over_the_api_asks_for_an_override(client: Any, build_cohort: Any) -> None:
    setup = build_cohort(mentors=2, mentees=1)
    run = run_now(setup)
    proposal = run.proposals.get()
    headers = bearer(setup.manager)
    assert (
        client.post(
            f"/api/v1/proposals/{proposal.pk}/exclude",
            {"reason": "same team"},
            content_type="application/json",
            **headers,
        ).status_code
        == 204
    )
    body = {
        "mentor_application_id": proposal.mentor_application_id,
        "mentee_application_id": proposal.mentee_application_id,
    }
    refused = client.post(
        f"/api/v1/match-runs/{run.pk}/proposals", body, content_type="application/json", **headers
    )
    assert refused.status_code == 422 and refused.json()["code"] == "override_required"
    assert refused.json()["details"]["violations"] == ["excluded"]
    made = client.post(
        f"/api/v1/match-runs/{run.pk}/proposals",
        {**body, "override_reason": "Both asked"},
        content_type="application/json",
        **headers,
    )
    assert (
        made.status_code == 201
        and made.json()["manual"]
        and made.json()["violations"] == ["excluded"]
    )
    locked = client.post(
        f"/api/v1/proposals/{made.json()['id']}/lock",
        {"locked": False},
        content_type="application/json",
        **headers,
    )
    assert api_error(locked) == (422, "manual_pair_locked")
    published = client.post(f"/api/v1/match-runs/{run.pk}/publish", **headers)
    assert published.status_code == 200
    pair = Mentorship.objects.get()
    assert pair.violations == ["excluded"] and pair.override_reason == "Both asked"


@pytest.mark.django_db
def test_a_huge_page_number_of_the_mentorships_list_is_a_422_not_a_500(
    client: Any, participant: Any
) -> None:
    headers = bearer(participant)
    assert client.get("/api/v1/mentorships?page=2", **headers).status_code == 200
    huge = client.get(f"/api/v1/mentorships?page={10**18}", **headers)
    assert api_error(huge) == (422, "invalid_input")
