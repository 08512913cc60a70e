"""Bad input gets a JSON 4xx with a code; unknown API paths a JSON 404; a 403 logs one line."""

from __future__ import annotations

import logging

import pytest

from turnabout.accounts.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(make_user, client):
    client.force_login(make_user(Role.ORG_ADMIN))
    return client


def test_multipart_without_a_boundary_is_a_json_400(admin_client):
    response = admin_client.post(
        "/api/v1/people/import", data=b"xx", content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_request"


@pytest.mark.parametrize("body", ["[]", '"text"', "3", "null", '[{"name": "x"}]'])
def test_a_json_body_that_is_not_an_object_is_refused(admin_client, body):
    response = admin_client.post("/api/v1/programs", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_request"


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/api/v1/nope"), ("post", "/api/v1/nope/deeper"), ("get", "/api/v2/people")],
)
def test_unknown_api_paths_answer_json_404(client, method, path):
    response = getattr(client, method)(path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "not_found"


def test_a_forbidden_page_logs_one_line(participant, client, caplog):
    client.force_login(participant)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get("/audit/").status_code == 403
    records = [r for r in caplog.records if r.name == "django.request"]
    assert records and all(r.exc_info is None and r.exc_text is None for r in records)
