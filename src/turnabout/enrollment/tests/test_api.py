from __future__ import annotations

import pytest

from turnabout.accounts.services import token_create
from turnabout.common.testing import api_error
from turnabout.enrollment.models import Application
from turnabout.people.models import Employee
from turnabout.programs.tests.factories import make_cohort, make_program, mentor_profile, move_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(program_manager):
    return make_cohort(make_program(program_manager), program_manager, phase="applications_open")


def bearer(user):
    return {
        "HTTP_AUTHORIZATION": f"Bearer {token_create(user=user, name='t', acting_user=None).secret}"
    }


def apply(client, cohort, headers, **overrides):
    payload = {"role": "mentor", **mentor_profile(), **overrides}
    return client.post(
        f"/api/v1/cohorts/{cohort.pk}/applications",
        payload,
        content_type="application/json",
        **headers,
    )


def test_apply_read_update_withdraw_over_the_api(client, cohort, participant):
    headers = bearer(participant)
    created = apply(client, cohort, headers)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "submitted" and body["skills"] == {
        "Generative AI tools": 3,
        "TikTok": 2,
    }
    assert body["person"]["level"] == 3
    url = f"/api/v1/applications/{body['id']}"
    assert client.get(url, **headers).json()["capacity"] == 2
    patched = client.patch(
        url, {"capacity": 1, "interests": ["chess"]}, content_type="application/json", **headers
    )
    assert patched.status_code == 200 and patched.json()["capacity"] == 1
    assert patched.json()["interests"] == ["chess"] and patched.json()["goals"] == body["goals"]
    withdrawn = client.post(f"{url}/withdraw", **headers)
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"


def test_duplicate_application_is_a_409(client, cohort, participant):
    headers = bearer(participant)
    assert apply(client, cohort, headers).status_code == 201
    again = apply(client, cohort, headers)
    assert again.status_code == 409 and again.json()["code"] == "application_exists"
    assert Application.objects.count() == 1


def test_ineligible_and_bad_input_get_422_with_a_reason(client, cohort, make_user):
    senior = make_user()
    Employee.objects.filter(user=senior).update(level=9)
    headers = bearer(senior)
    refused = apply(client, cohort, headers)
    assert api_error(refused) == (422, "not_eligible")
    assert refused.json()["message"].startswith(
        "Mentors in Digital Fluency are at level 4 or below"
    )
    junior_headers = bearer(make_user())
    for overrides, code in (
        ({"goals": "a\x00b"}, "invalid_input"),
        ({"capacity": 9}, "invalid_input"),
        ({"availability": ["sun-am"]}, "invalid_input"),
        ({"skills": {"Juggling": 1}}, "validation_failed"),
        ({"role": "sponsor"}, "invalid_input"),
        ({"agreed_to_guidelines": False}, "validation_failed"),
    ):
        response = apply(client, cohort, junior_headers, **overrides)
        assert api_error(response) == (422, code), (overrides, response.json())
    assert not Application.objects.exists()


def test_applicants_see_only_their_own_applications(client, cohort, participant, make_user):
    mine = apply(client, cohort, bearer(participant)).json()
    theirs = apply(client, cohort, bearer(make_user())).json()
    headers = bearer(participant)
    listing = client.get(f"/api/v1/cohorts/{cohort.pk}/applications", **headers).json()
    assert [a["id"] for a in listing["items"]] == [mine["id"]]
    assert api_error(client.get(f"/api/v1/applications/{theirs['id']}", **headers)) == (
        404,
        "not_found",
    )
    patched = client.patch(
        f"/api/v1/applications/{theirs['id']}",
        {"capacity": 1},
        content_type="application/json",
        **headers,
    )
    assert api_error(patched) == (404, "not_found")
    decided = client.post(
        f"/api/v1/applications/{theirs['id']}/decision",
        {"decision": "accepted"},
        content_type="application/json",
        **headers,
    )
    assert api_error(decided) == (404, "not_found")
    own_decision = client.post(
        f"/api/v1/applications/{mine['id']}/decision",
        {"decision": "accepted"},
        content_type="application/json",
        **headers,
    )
    assert api_error(own_decision) == (403, "permission_denied")


def test_manager_lists_filters_and_decides(client, cohort, program_manager, make_user):
    ids = [apply(client, cohort, bearer(make_user())).json()["id"] for _ in range(3)]
    headers = bearer(program_manager)
    listing = client.get(
        f"/api/v1/cohorts/{cohort.pk}/applications", {"role": "mentor", "level_max": 3}, **headers
    ).json()
    assert listing["count"] == 3
    assert (
        client.get(
            f"/api/v1/cohorts/{cohort.pk}/applications", {"role": "mentee"}, **headers
        ).json()["count"]
        == 0
    )
    one = client.post(
        f"/api/v1/applications/{ids[0]}/decision",
        {"decision": "declined", "message": "Sorry"},
        content_type="application/json",
        **headers,
    )
    assert (
        one.status_code == 200
        and one.json()["status"] == "declined"
        and one.json()["decision_message"] == "Sorry"
    )
    bulk = client.post(
        f"/api/v1/cohorts/{cohort.pk}/applications/decisions",
        {"application_ids": ids[1:], "decision": "accepted"},
        content_type="application/json",
        **headers,
    )
    assert bulk.status_code == 200 and bulk.json()["decided"] == 2
    assert {a["status"] for a in bulk.json()["applications"]} == {"accepted"}
    bad = client.post(
        f"/api/v1/applications/{ids[0]}/decision",
        {"decision": "maybe"},
        content_type="application/json",
        **headers,
    )
    assert api_error(bad) == (422, "invalid_input")


def test_edits_after_applications_close_are_refused(client, cohort, participant, program_manager):
    headers = bearer(participant)
    application = apply(client, cohort, headers).json()
    move_to(cohort, "applications_closed", program_manager)
    response = client.patch(
        f"/api/v1/applications/{application['id']}",
        {"capacity": 1},
        content_type="application/json",
        **headers,
    )
    assert api_error(response) == (422, "applications_closed")
    assert "not open" in response.json()["message"]
    withdrawn = client.post(f"/api/v1/applications/{application['id']}/withdraw", **headers)
    assert api_error(withdrawn) == (422, "applications_closed")
