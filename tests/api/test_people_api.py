from __future__ import annotations

import pytest

from turnabout.accounts.services import token_create, token_revoke
from turnabout.common.testing import api_error

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    ("get", "/api/v1/people"),
    ("get", "/api/v1/people/1"),
    ("post", "/api/v1/people/import"),
]


def bearer(user, name="test"):
    issued = token_create(user=user, name=name, acting_user=None)
    return {"HTTP_AUTHORIZATION": f"Bearer {issued.secret}"}, issued


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_anonymous_requests_are_refused_with_401(client, method, path):
    response = getattr(client, method)(path)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_openapi_docs_need_a_login(client, participant):
    assert client.get("/api/v1/docs").status_code == 302
    # A client without a session gets JSON (a bearer token also works: test_tokens.py).
    assert client.get("/api/v1/openapi.json").status_code == 401
    client.force_login(participant)
    assert client.get("/api/v1/openapi.json").status_code == 200


def test_participant_cannot_read_the_people_api(client, participant):
    headers, _ = bearer(participant)
    response = client.get("/api/v1/people", **headers)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_sponsor_cannot_read_the_people_api(client, sponsor):
    client.force_login(sponsor)
    assert api_error(client.get("/api/v1/people")) == (403, "permission_denied")


def test_admin_lists_people_with_filters_and_pagination(client, org_admin, make_employee):
    boss = make_employee(level=9, department="Data")
    for i in range(60):
        make_employee(level=2, department="Data", manager=boss, first_name=f"P{i:02d}")
    headers, _ = bearer(org_admin)
    page1 = client.get("/api/v1/people", {"department": "Data", "level_max": 5}, **headers).json()
    assert page1["count"] == 60
    assert len(page1["items"]) == 50
    assert page1["items"][0]["manager_employee_id"] == boss.employee_id
    page2 = client.get(
        "/api/v1/people", {"department": "Data", "level_max": 5, "page": 2}, **headers
    )
    assert len(page2.json()["items"]) == 10


def test_person_detail_and_not_found(client, org_admin, make_employee):
    person = make_employee(languages=["English", "German"])
    client.force_login(org_admin)
    body = client.get(f"/api/v1/people/{person.pk}").json()
    assert body["email"] == person.email and body["languages"] == ["English", "German"]
    missing = client.get("/api/v1/people/999999")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_bad_filters_are_rejected_with_422(client, org_admin):
    client.force_login(org_admin)
    for params in (
        {"level_min": "zero"},
        {"level_min": 0},
        {"status": "retired"},
        {"q": "a\x00b"},
        {"page": 10**17},
    ):
        response = client.get("/api/v1/people", params)
        assert response.status_code == 422, params
        assert response.json()["code"] == "invalid_input"


def test_revoked_token_is_refused(client, org_admin):
    headers, issued = bearer(org_admin)
    assert client.get("/api/v1/people", **headers).status_code == 200
    token_revoke(issued.token, acting_user=None)
    assert api_error(client.get("/api/v1/people", **headers)) == (401, "unauthenticated")


def test_import_over_the_api_reports_every_bad_row_and_writes_nothing(client, org_admin):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from turnabout.people.models import Employee

    csv = (
        b"employee_id,first_name,last_name,email,level,manager_employee_id\n"
        b"E1,Ann,Lee,ann@example.com,9,\n"
        b"E2,Bob,Ray,not-an-email,2,E1\n"
        b"E3,Cy,Fox,cy@example.com,two,E1\n"
    )
    headers, _ = bearer(org_admin)
    before = Employee.objects.count()
    response = client.post(
        "/api/v1/people/import",
        {"file": SimpleUploadedFile("people.csv", csv, content_type="text/csv")},
        **headers,
    )
    assert api_error(response) == (422, "import_failed")
    errors = response.json()["report"]["errors"]
    assert {(e["row"], e["column"]) for e in errors} == {(3, "email"), (4, "level")}
    assert Employee.objects.count() == before

    fixed = csv.replace(b"not-an-email", b"bob@example.com").replace(b",two,", b",2,")
    ok = client.post(
        "/api/v1/people/import",
        {"file": SimpleUploadedFile("people.csv", fixed, content_type="text/csv")},
        **headers,
    )
    assert ok.status_code == 200, ok.content
    assert ok.json()["created"] == 3
    assert Employee.objects.get(employee_id="E2").manager.employee_id == "E1"
