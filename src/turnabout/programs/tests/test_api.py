from __future__ import annotations

import pytest

from turnabout.common.testing import api_error
from turnabout.programs.models import Cohort, Program
from turnabout.programs.tests.factories import make_cohort, make_program

pytestmark = pytest.mark.django_db

KPI = {
    "title": "Pairs meet",
    "metric": "pairs_meeting_min_sessions",
    "parameter": "6",
    "target": 80,
    "unit": "percent",
}


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_create_program_over_the_api(client, program_manager):
    client.force_login(program_manager)
    response = post(
        client,
        "/api/v1/programs",
        {"name": "DF", "purpose": "Learn", "objectives": [KPI], "mentor_max_level": 4},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["objectives"][0]["label"] == "≥ 80%"
    assert body["managers"] == [program_manager.username]
    assert body["mentor_max_level"] == 4 and body["format"] == "hybrid"


def test_a_kpi_without_target_gets_422_and_nothing_is_written(client, program_manager):
    client.force_login(program_manager)
    kpi = {k: v for k, v in KPI.items() if k != "target"}
    response = post(
        client, "/api/v1/programs", {"name": "DF", "purpose": "Learn", "objectives": [kpi]}
    )
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
    assert "target" in str(response.json()["details"])
    assert not Program.objects.exists()


def test_bad_input_gets_a_clear_422(client, program_manager):
    client.force_login(program_manager)
    for payload, needle, code in (
        ({"name": "A\x00", "purpose": "B"}, "NUL", "invalid_input"),
        (
            {"name": "A", "purpose": "B", "matching_settings": {"weights": {"luck": 1}}},
            "weights.luck",
            "matching_settings_invalid",
        ),
        (
            {"name": "A", "purpose": "B", "mentor_max_level": 8, "mentee_min_level": 7},
            "junior",
            "eligibility_levels_invalid",
        ),
        ({"name": "", "purpose": "B"}, "name", "validation_failed"),
    ):
        response = post(client, "/api/v1/programs", payload)
        assert api_error(response) == (422, code), payload
        assert needle in str(response.json()), payload
    assert not Program.objects.exists()


def test_participants_cannot_create_programs(client, participant):
    client.force_login(participant)
    response = post(client, "/api/v1/programs", {"name": "A", "purpose": "B"})
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"


def test_patch_program_and_replace_objectives(client, program_manager):
    program = make_program(program_manager)
    client.force_login(program_manager)
    response = client.patch(
        f"/api/v1/programs/{program.pk}",
        {"session_minutes": 45, "objectives": [KPI]},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["session_minutes"] == 45 and len(response.json()["objectives"]) == 1
    assert response.json()["name"] == program.name


def test_cohorts_and_phase_changes_over_the_api(client, program_manager):
    program = make_program(program_manager)
    client.force_login(program_manager)
    created = post(
        client,
        f"/api/v1/programs/{program.pk}/cohorts",
        {"name": "Autumn", "starts_on": "2026-09-21", "ends_on": "2027-03-19"},
    )
    assert created.status_code == 201
    cohort_id = created.json()["id"]
    assert created.json()["next_phases"] == ["interest_survey", "applications_open"]
    listing = client.get(f"/api/v1/programs/{program.pk}/cohorts").json()
    assert [c["name"] for c in listing["items"]] == ["Autumn"]
    jump = post(client, f"/api/v1/cohorts/{cohort_id}/phase", {"to": "active"})
    assert api_error(jump) == (422, "phase_transition_not_allowed")
    assert jump.json()["params"] == {
        "from": "draft",
        "to": "active",
        "allowed": ["interest_survey", "applications_open"],
    }
    assert jump.json()["message"].startswith("A cohort cannot move from Draft to Active.")
    assert jump.json()["details"]["allowed"] == ["interest_survey", "applications_open"]
    moved = post(
        client, f"/api/v1/cohorts/{cohort_id}/phase", {"to": "applications_open", "note": "Go"}
    )
    assert moved.status_code == 200
    body = moved.json()
    assert body["phase"] == "applications_open"
    assert [(h["from_phase"], h["to_phase"]) for h in body["phase_history"]] == [
        ("", "draft"),
        ("draft", "applications_open"),
    ]
    assert body["counts"]["mentors"] == 0
    duplicate = post(
        client,
        f"/api/v1/programs/{program.pk}/cohorts",
        {"name": "autumn", "starts_on": "2026-09-21", "ends_on": "2027-03-19"},
    )
    assert api_error(duplicate) == (409, "cohort_name_taken")
    patched = client.patch(
        f"/api/v1/cohorts/{cohort_id}", {"ends_on": "2027-04-30"}, content_type="application/json"
    )
    assert patched.status_code == 200 and patched.json()["ends_on"] == "2027-04-30"
    bad = client.patch(
        f"/api/v1/cohorts/{cohort_id}", {"ends_on": "2020-01-01"}, content_type="application/json"
    )
    assert api_error(bad) == (422, "cohort_dates_invalid")
    assert Cohort.objects.get().ends_on.isoformat() == "2027-04-30"


def test_unknown_phase_is_a_schema_error(client, program_manager):
    cohort = make_cohort(make_program(program_manager), program_manager)
    client.force_login(program_manager)
    response = post(client, f"/api/v1/cohorts/{cohort.pk}/phase", {"to": "launched"})
    assert api_error(response) == (422, "invalid_input")


def test_anonymous_api_calls_are_refused(client):
    for method, path in (
        ("get", "/api/v1/programs"),
        ("post", "/api/v1/programs"),
        ("get", "/api/v1/cohorts/1"),
    ):
        assert api_error(getattr(client, method)(path)) == (401, "unauthenticated")
