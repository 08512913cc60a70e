"""The insights API: values, health for managers, aggregates for sponsors, error codes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from turnabout.common.testing import api_error
from turnabout.insights import services
from turnabout.insights.tests.factories import START, at, objective, world

pytestmark = pytest.mark.django_db
API = "/api/v1/insights"


def test_kpis_dashboard_and_history(client, sponsor, manager):
    w = world(manager, pairs=2)
    o = objective(w, "applications", 3, "count")
    services.kpi_snapshots_take(day=START + timedelta(days=1))
    client.force_login(sponsor)
    kpis = client.get(f"{API}/programs/{w.program.pk}/kpis").json()
    assert float(kpis[0]["value"]) == 4 and kpis[0]["state"] == "on_track"
    history = client.get(f"{API}/objectives/{o.pk}/history").json()
    assert history[0]["day"] == (START + timedelta(days=1)).isoformat()
    board = client.get(f"{API}/programs/{w.program.pk}/dashboard").json()
    assert [s["step"] for s in board["funnel"]][:2] == ["Interested", "Applied"]
    assert client.get(f"{API}/cohorts/{w.cohort.pk}/retention").json()["caveat"]


def test_sponsor_never_reaches_a_pair_or_a_person(client, sponsor, manager):
    w = world(manager, pairs=2)
    services.pair_health_refresh(now=at(START + timedelta(days=40)))
    client.force_login(sponsor)
    response = client.get(f"{API}/programs/{w.program.pk}/pair-health")
    assert api_error(response) == (403, "permission_denied")
    response = client.get(f"{API}/programs/{w.program.pk}/exports/pairs?fmt=csv")
    assert response.status_code == 403 and response.json()["code"] == "export_not_allowed"
    assert api_error(client.get(f"{API}/programs/{w.program.pk}/lessons")) == (
        403,
        "permission_denied",
    )
    m = w.pairs[0]
    response = client.post(f"{API}/pairs/{m.pk}/check-in-notes", {"body": "x"}, "application/json")
    assert api_error(response) == (404, "not_found")
    client.force_login(manager)
    rows = client.get(f"{API}/programs/{w.program.pk}/pair-health").json()["items"]
    assert {r["state"] for r in rows} == {"check_in"}  # 40 days, cadence 14, none held
    assert "behind_cadence" in {s["code"] for s in rows[0]["signals"]}


def test_pair_health_list_is_paginated_in_constant_queries(client, manager):
    w = world(manager, pairs=5)
    services.pair_health_refresh(now=at(START + timedelta(days=40)))
    client.force_login(manager)
    url = f"{API}/programs/{w.program.pk}/pair-health"
    first = client.get(url, {"page_size": 2}).json()
    assert first["count"] == 5 and len(first["items"]) == 2
    third = client.get(url, {"page_size": 2, "page": 3}).json()
    assert len(third["items"]) == 1
    pages = [first["items"], client.get(url, {"page_size": 2, "page": 2}).json()["items"]]
    seen = [r["pair_id"] for page in [*pages, third["items"]] for r in page]
    assert sorted(seen) == sorted(m.pk for m in w.pairs)  # every pair once, no overlap
    assert client.get(url, {"page_size": 101}).status_code == 422
    with CaptureQueriesContext(connection) as small:
        client.get(url, {"page_size": 2})
    with CaptureQueriesContext(connection) as large:
        client.get(url, {"page_size": 5})
    assert len(small.captured_queries) == len(large.captured_queries)


def test_error_codes(client, manager):
    w = world(manager, pairs=1)
    computed = objective(w, "applications", 3, "count")
    custom = objective(w, "custom", 10, "count")
    client.force_login(manager)
    body = {"day": "2026-01-10", "value": "3"}
    response = client.post(f"{API}/objectives/{computed.pk}/values", body, "application/json")
    assert response.status_code == 422 and response.json()["code"] == "kpi_not_custom"
    future = {"day": (timezone.localdate() + timedelta(days=3)).isoformat(), "value": "3"}
    response = client.post(f"{API}/objectives/{custom.pk}/values", future, "application/json")
    assert response.json()["code"] == "kpi_value_in_future"
    assert (
        client.post(f"{API}/objectives/{custom.pk}/values", body, "application/json").status_code
        == 201
    )
    m = w.pairs[0]
    response = client.post(f"{API}/pairs/{m.pk}/snoozes", {"signal": "nope"}, "application/json")
    assert response.json()["code"] == "health_signal_unknown"
    response = client.post(f"{API}/programs/{w.program.pk}/lessons/apply")
    assert response.json()["code"] == "lessons_too_little_data"
    m.status = "ended"
    m.save(update_fields=["status"])
    response = client.post(f"{API}/pairs/{m.pk}/rematch-offers")
    assert response.status_code == 409 and response.json()["code"] == "rematch_not_active"
