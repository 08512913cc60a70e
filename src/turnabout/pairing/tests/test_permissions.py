"""Privacy: a participant sees only their own match (no scores, no reasons of declines);
a sponsor sees counts only; a manager of another program sees nothing (404)."""

from __future__ import annotations

from typing import Any

import pytest

from turnabout.accounts.models import Role
from turnabout.common.errors import NotFound, PermissionDenied
from turnabout.common.testing import api_error
from turnabout.pairing import explain, selectors, services
from turnabout.pairing.tests.helpers import bearer, published, run_now

pytestmark = pytest.mark.django_db


def test_a_mentor_sees_only_their_own_match_and_never_a_score(
    client: Any, build_cohort: Any
) -> None:
    setup = build_cohort(mentors=3, mentees=3)
    mine, other, *_ = published(setup)
    mentor = setup.user_of(mine.mentor_application)
    headers = bearer(mentor)

    listed = client.get("/api/v1/mentorships", **headers).json()
    assert [m["id"] for m in listed["items"]] == [mine.pk]
    body = listed["items"][0]
    assert body["my_role"] == "mentor"
    assert body["reasons"] == explain.reason_texts(mine.reasons, audience="participant")
    assert body["reasons"] and all(isinstance(r, str) for r in body["reasons"])
    assert body["score"] is None and body["reason"] is None and body["override_reason"] is None
    assert body["partner"]["name"] == mine.mentee.full_name
    assert body["partner"]["email"] == ""  # shared once the pair is active

    assert api_error(client.get(f"/api/v1/mentorships/{other.pk}", **headers)) == (404, "not_found")
    assert api_error(
        client.post(
            f"/api/v1/mentorships/{other.pk}/decline",
            {},
            content_type="application/json",
            **headers,
        )
    ) == (404, "not_found")
    assert api_error(client.get(f"/api/v1/match-runs/{mine.run_id}", **headers)) == (
        404,
        "not_found",
    )
    assert api_error(client.get(f"/api/v1/cohorts/{setup.cohort.pk}/match-runs", **headers)) == (
        404,
        "not_found",
    )
    assert api_error(client.get(f"/api/v1/mentorships?cohort_id={setup.cohort.pk}", **headers)) == (
        404,
        "not_found",
    )

    client.force_login(mentor)
    page = client.get("/pairing/me/")
    assert page.status_code == 200
    html = page.content.decode()
    assert mine.mentee.full_name in html and other.mentee.full_name not in html
    assert client.get(f"/pairing/runs/{mine.run_id}/").status_code == 404
    assert client.get(f"/pairing/pairs/{other.pk}/").status_code == 404
    assert client.get(f"/pairing/cohorts/{setup.cohort.pk}/").status_code == 404


def test_a_decline_reason_is_for_the_managers_only(client: Any, build_cohort: Any) -> None:
    setup = build_cohort(mentors=2, mentees=2)
    pair, _other = published(setup)
    mentee = setup.user_of(pair.mentee_application)
    mentor = setup.user_of(pair.mentor_application)
    services.mentorship_decline(pair, reason="Personal reasons", acting_user=mentee)
    as_mentor = client.get(f"/api/v1/mentorships/{pair.pk}", **bearer(mentor)).json()
    assert as_mentor["status"] == "declined" and as_mentor["reason"] is None
    as_manager = client.get(f"/api/v1/mentorships/{pair.pk}", **bearer(setup.manager)).json()
    assert as_manager["reason"] == "Personal reasons" and as_manager["ended_by"] == "mentee"
    assert as_manager["score"] is not None


def test_a_sponsor_sees_counts_only(client: Any, build_cohort: Any, sponsor: Any) -> None:
    setup = build_cohort(mentors=2, mentees=2)
    pair, _other = published(setup)
    headers = bearer(sponsor)
    counts = client.get(f"/api/v1/cohorts/{setup.cohort.pk}/pairing-counts", **headers)
    assert counts.status_code == 200
    # Two pairs are below the privacy floor: the sponsor sees the runs, not the pair counts.
    assert counts.json() == {
        "runs": 1,
        "published_runs": 1,
        "proposed": None,
        "active": None,
        "declined": None,
        "ended": None,
        "floored": True,
    }
    assert api_error(client.get(f"/api/v1/match-runs/{pair.run_id}", **headers)) == (
        404,
        "not_found",
    )
    assert api_error(client.get(f"/api/v1/mentorships/{pair.pk}", **headers)) == (404, "not_found")
    assert api_error(client.get(f"/api/v1/mentorships?cohort_id={setup.cohort.pk}", **headers)) == (
        404,
        "not_found",
    )
    assert client.get("/api/v1/mentorships", **headers).json()["items"] == []


def test_a_manager_of_another_program_sees_nothing(
    client: Any, build_cohort: Any, make_user: Any
) -> None:
    setup = build_cohort(mentors=2, mentees=2)
    run = run_now(setup)
    stranger = make_user(Role.PROGRAM_MANAGER)
    headers = bearer(stranger)
    proposal = run.proposals.first()
    assert proposal is not None
    for url in (
        f"/api/v1/match-runs/{run.pk}",
        f"/api/v1/cohorts/{setup.cohort.pk}/match-runs",
        f"/api/v1/cohorts/{setup.cohort.pk}/pairing-counts",
    ):
        assert api_error(client.get(url, **headers)) == (404, "not_found"), url
    assert api_error(client.post(f"/api/v1/match-runs/{run.pk}/publish", **headers)) == (
        404,
        "not_found",
    )
    assert api_error(
        client.post(
            f"/api/v1/proposals/{proposal.pk}/lock",
            {"locked": True},
            content_type="application/json",
            **headers,
        )
    ) == (404, "not_found")
    with pytest.raises(PermissionDenied):
        services.match_run_publish(run, acting_user=stranger)
    with pytest.raises(NotFound):
        selectors.run_get(user=stranger, run_id=run.pk)
    client.force_login(stranger)
    assert client.get(f"/pairing/runs/{run.pk}/").status_code == 404
    assert client.get(f"/pairing/cohorts/{setup.cohort.pk}/pairs/").status_code == 404


def test_only_partners_answer_and_managers_can_end(build_cohort: Any, participant: Any) -> None:
    setup = build_cohort(mentors=2, mentees=2)
    pair, _other = published(setup)
    with pytest.raises(PermissionDenied):
        services.mentorship_accept(pair, acting_user=participant)
    with pytest.raises(PermissionDenied):
        services.mentorship_accept(pair, acting_user=setup.manager)
    with pytest.raises(PermissionDenied):
        services.mentorship_end(pair, reason="x", acting_user=participant)
    ended = services.mentorship_end(
        pair, reason="Mentor left the company", acting_user=setup.manager
    )
    assert ended.status == "ended" and ended.ended_by_role == "program manager"
