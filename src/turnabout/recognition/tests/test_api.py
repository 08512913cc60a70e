"""The recognition API: badges, certificates, public verification, stories; codes asserted."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from turnabout.common.testing import api_error
from turnabout.programs.models import Phase
from turnabout.programs.tests.factories import move_to
from turnabout.recognition import services
from turnabout.recognition.models import Certificate
from turnabout.recognition.tests.activity import close_cohort, hold_sessions

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post(
    client: Client, url: str, body: dict[str, Any] | None = None, method: str = "post"
) -> Any:
    return getattr(client, method)(url, json.dumps(body or {}), content_type="application/json")


def test_badges_certificates_and_verification(make_pair: Any, make_user: Any) -> None:
    pair = make_pair()
    hold_sessions(pair, 3)
    close_cohort(pair)
    services.badges_award()
    mentor = _client(pair.mentor)
    assert {b["key"] for b in mentor.get("/api/v1/me/badges").json()} >= {
        "first_session",
        "program_completed",
    }
    catalogue = mentor.get("/api/v1/badges").json()
    assert len(catalogue) == 9 and all(b["emblem_svg"].startswith("<svg") for b in catalogue)
    cohort_id = pair.mentorship.cohort_id
    refused = _post(mentor, f"/api/v1/cohorts/{cohort_id}/certificates")
    assert api_error(refused) == (403, "permission_denied")
    issued = _post(_client(pair.manager), f"/api/v1/cohorts/{cohort_id}/certificates").json()
    assert len(issued) == 2
    mine = mentor.get("/api/v1/me/certificates").json()
    assert len(mine) == 1 and mine[0]["role"] == "mentor"
    code = mine[0]["verify_url"].split("/")[2]
    anonymous = Client()
    verified = anonymous.get(f"/api/v1/certificates/verify/{code}").json()
    assert verified == {"valid": True, "name": "Maya Okafor", "program": pair.program.name,
                        "issued_on": verified["issued_on"]}  # fmt: skip
    assert anonymous.get("/api/v1/certificates/verify/nope").json() == {
        "valid": False, "name": None, "program": None, "issued_on": None,
    }  # fmt: skip
    assert api_error(anonymous.get("/api/v1/me/certificates")) == (401, "unauthenticated")
    cert_id = mine[0]["id"]
    revoked = _post(
        _client(pair.manager), f"/api/v1/certificates/{cert_id}/revoke", {"reason": "Error"}
    )
    assert revoked.json()["revoked"] is True
    again = _post(
        _client(pair.manager), f"/api/v1/certificates/{cert_id}/revoke", {"reason": "Error"}
    )
    assert again.status_code == 409 and again.json()["code"] == "certificate_revoked"
    assert anonymous.get(f"/api/v1/certificates/verify/{code}").json()["valid"] is False
    assert Certificate.objects.get(pk=cert_id).revoked_by == pair.manager
    award = _post(
        _client(pair.manager),
        f"/api/v1/cohorts/{cohort_id}/recognition",
        {"person_id": pair.mentorship.mentee_id, "citation": "Brave questions"},
    )
    assert award.status_code == 200 and award.json()["key"] == "recognition"
    assert (
        _client(make_user()).get(f"/api/v1/people/{pair.mentorship.mentee_id}/badges").status_code
        == 200
    )


def test_stories_through_the_api(pair: Any) -> None:
    cohort = pair.mentorship.cohort
    early = _post(_client(pair.mentor), f"/api/v1/mentorships/{pair.mentorship.pk}/story",
                  {"title": "T", "body": "B"}, method="put")  # fmt: skip
    assert early.status_code == 409 and early.json()["code"] == "story_not_allowed_now"
    move_to(cohort, Phase.WRAPPING_UP, pair.manager)
    story = _post(_client(pair.mentor), f"/api/v1/mentorships/{pair.mentorship.pk}/story",
                  {"title": "Ours", "body": "Both ways."}, method="put").json()  # fmt: skip
    refused = _post(_client(pair.manager), f"/api/v1/stories/{story['id']}/publish")
    assert refused.status_code == 409 and refused.json()["code"] == "story_consent_missing"
    _post(_client(pair.mentee), f"/api/v1/stories/{story['id']}/consent", {"consent": True})
    published = _post(_client(pair.manager), f"/api/v1/stories/{story['id']}/publish").json()
    assert published["published_at"] is not None
    listed = _client(pair.mentee).get(f"/api/v1/programs/{pair.program.pk}/stories").json()
    assert [s["title"] for s in listed] == ["Ours"]
    _post(_client(pair.mentor), f"/api/v1/stories/{story['id']}/consent", {"consent": False})
    assert _client(pair.mentee).get(f"/api/v1/programs/{pair.program.pk}/stories").json() == []
