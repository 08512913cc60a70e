"""The learning API: modules and progress, completion with codes, readiness, library."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from turnabout.common.testing import api_error
from turnabout.learning.models import Step, TrainingModule

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post(client: Client, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def test_modules_progress_and_completion(build_cohort: Any) -> None:
    setup = build_cohort(mentors=1, mentees=1)
    program = setup.cohort.program
    mentor, _app = setup.mentors[0]
    api = _client(mentor)
    modules = api.get(f"/api/v1/programs/{program.pk}/modules").json()
    assert {m["audience"] for m in modules} == {"mentor", "both"}
    module = TrainingModule.objects.get(program=program, starter_key="mentoring-upward")
    detail = api.get(f"/api/v1/modules/{module.pk}").json()
    check = next(s for s in detail["steps"] if s["kind"] == "check")
    assert all("answer" not in q for q in check["questions"])  # never sent to the client
    step = Step.objects.get(pk=check["id"])
    wrong = [(q["answer"] + 1) % len(q["options"]) for q in step.questions]
    refused = _post(api, f"/api/v1/steps/{step.pk}/complete", {"answers": wrong})
    assert refused.status_code == 422
    assert refused.json()["code"] == "check_not_passed"
    assert refused.json()["params"]["pass_mark"] == step.pass_mark
    short = _post(api, f"/api/v1/steps/{step.pk}/complete", {"answers": [0]})
    assert short.json()["code"] == "check_answers_invalid"
    ok = _post(
        api, f"/api/v1/steps/{step.pk}/complete", {"answers": [q["answer"] for q in step.questions]}
    )
    assert ok.status_code == 200 and ok.json()["score"] == 100
    again = api.get(f"/api/v1/modules/{module.pk}").json()
    assert (
        again["steps_done"] == 1 and next(s for s in again["steps"] if s["id"] == step.pk)["done"]
    )

    mentee, _m = setup.mentees[0]
    wrong_role = _post(_client(mentee), f"/api/v1/steps/{step.pk}/complete", {})
    assert api_error(wrong_role) == (404, "not_found")  # a mentor module is not visible to a mentee


def test_readiness_acknowledgement_and_library(
    build_cohort: Any, sponsor: Any, make_user: Any
) -> None:
    setup = build_cohort(mentors=1, mentees=1)
    program = setup.cohort.program
    mentor, _app = setup.mentors[0]
    manager = _client(setup.manager)
    readiness = manager.get(f"/api/v1/cohorts/{setup.cohort.pk}/readiness").json()
    assert readiness["gate"] is False
    assert {r["role"]: (r["ready"], r["total"]) for r in readiness["roles"]} == {
        "mentor": (0, 1), "mentee": (0, 1),
    }  # fmt: skip
    assert (
        _client(mentor).get(f"/api/v1/cohorts/{setup.cohort.pk}/readiness").json()["code"]
        == "permission_denied"
    )

    ack = _post(_client(mentor), f"/api/v1/cohorts/{setup.cohort.pk}/guidelines/acknowledge")
    assert ack.status_code == 200 and ack.json()["role"] == "mentor"
    outsider = _post(
        _client(make_user()), f"/api/v1/cohorts/{setup.cohort.pk}/guidelines/acknowledge"
    )
    assert api_error(outsider) == (404, "not_found")

    created = _post(
        manager,
        f"/api/v1/programs/{program.pk}/resources",
        {
            "title": "Read me",
            "kind": "article",
            "body": "<script>x()</script>**hi**",
            "tags": ["Basics"],
        },
    )
    assert created.status_code == 200
    assert (
        "<script" not in created.json()["body_html"]
        and "<strong>hi</strong>" in created.json()["body_html"]
    )
    refused = _post(_client(mentor), f"/api/v1/programs/{program.pk}/resources", {"title": "Mine"})
    assert api_error(refused) == (403, "permission_denied")
    guide = _post(
        manager, f"/api/v1/programs/{program.pk}/guides", {"title": "Kick-off", "agenda": ["Hi"]}
    )
    assert guide.status_code == 200
    library = _client(mentor).get(f"/api/v1/programs/{program.pk}/library?tag=basics").json()
    assert [r["title"] for r in library["resources"]] == ["Read me"]
    assert api_error(_client(sponsor).get(f"/api/v1/programs/{program.pk}/library")) == (
        404,
        "not_found",
    )
