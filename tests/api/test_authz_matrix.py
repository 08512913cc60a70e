"""The authorisation matrix: every page route and API operation has a row in
`turnabout/accounts/access_table.py`, and the row holds for every role.

For each role (anonymous, participant B who owns the objects, participant A of another
pair, a manager of the program, a manager of another program, a sponsor, an org admin)
the test calls every page and operation with the ids of participant B's side of one world
(`tests/api/authz_world.py`, built once for the module) and checks the answer against the
table: refused (401, 403, 404, the login page, or a refusal the service raised and the page
flashed) for the roles the row leaves out, not refused for the ones it names, never a server
error. Writes carry a valid body and run in a transaction that is rolled back, so every
call sees the same world. Those who may not see participant B's things never find B's name
in any answer.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from tests.api.authz_world import OWNER_NAME, World, build_world
from tests.routes import ApiOperation, PageRoute, api_operations, page_routes
from turnabout.accounts import access_table as table
from turnabout.common import errors

TABLE_FILE = "src/turnabout/accounts/access_table.py"
REFUSED = {401, 403, 404}

#: Page routes that answer 404 to every logged-in account until it has the thing they show
#: (a TOTP device, recovery codes), or need a signed key in the URL: only never a 5xx.
STATEFUL_PAGES = {
    "mfa_deactivate_totp",
    "mfa_view_recovery_codes",
    "mfa_download_recovery_codes",
}

#: Valid form data for the buttons and forms that check their input before the permission
#: (so that the permission, not the form, decides the answer).
FORMS = {
    "enrollment:decide": {"decision": "accepted"},
    "recognition:certificate_revoke": {"reason": "Issued by mistake"},
    "insights:kpi_value_add": {"day": "2026-10-01", "value": "3"},
}

#: Query strings for page routes that read their objects from it.
QUERIES = {
    "pairing:compare": "?a={run_pk}&b={run_pk}",
    "pairing:person_search": "?role=mentee&mentee_q=Bex",
}


#: Operations without an id in the URL whose body names one of the world's objects.
BODY_NAMES_OBJECTS = {"POST /api/v1/surveys", "POST /api/v1/programs/apply"}


def _bodies(ids: dict[str, Any]) -> dict[str, Any]:
    """A valid body for every API write whose schema requires fields, so that the
    permission check (not the schema) decides the answer."""
    from turnabout.programs.models import Program

    program_name = Program.objects.get(pk=ids["program_id"]).name
    return {
        "PUT /api/v1/me/notifications": {"preferences": {"digests": "none"}},
        # A dry run of a file naming the world's program: only who manages it may.
        "POST /api/v1/programs/apply": {
            "content": f'version = 1\n[program]\nname = "{program_name}"\npurpose = "Why"\n'
        },
        "POST /api/v1/programs": {"name": "New", "purpose": "Why"},
        "POST /api/v1/programs/{program_id}/managers": {"email": "nobody@example.com"},
        "POST /api/v1/programs/{program_id}/cohorts": {
            "name": "Spring",
            "starts_on": "2027-03-01",
            "ends_on": "2027-09-01",
        },
        "POST /api/v1/cohorts/{cohort_id}/phase": {"to": "active"},
        "POST /api/v1/cohorts/{cohort_id}/survey/responses": {
            "would_mentor": "yes",
            "would_be_mentored": "yes",
            "comfort": 4,
        },
        "POST /api/v1/cohorts/{cohort_id}/applications": {
            "role": "mentee",
            "goals": "Learn",
            "agreed_to_guidelines": True,
        },
        "POST /api/v1/cohorts/{cohort_id}/applications/decisions": {
            "decision": "accepted",
            "application_ids": [ids["application_id"]],
        },
        "POST /api/v1/applications/{application_id}/decision": {"decision": "accepted"},
        "POST /api/v1/match-runs/{run_id}/proposals": {
            "mentor_application_id": ids["application_id"],
            "mentee_application_id": ids["application_id"],
        },
        "POST /api/v1/proposals/{proposal_id}/lock": {"locked": True},
        "PUT /api/v1/mentorships/{mentorship_id}/agreement": {
            "goals": [{"title": "Post one short video"}]
        },
        "POST /api/v1/mentorships/{mentorship_id}/sessions": {"starts_at": "2027-01-04T10:00:00Z"},
        "PUT /api/v1/sessions/{session_id}/log": {"outcome": "held"},
        "POST /api/v1/goals/{goal_id}/milestones": {"title": "Next step"},
        "PATCH /api/v1/milestones/{milestone_id}": {"done": True},
        "POST /api/v1/mentorships/{mentorship_id}/learning": {"text": "Learned"},
        "POST /api/v1/reflections": {"body": "A thought"},
        "POST /api/v1/surveys": {"cohort_id": ids["cohort_id"]},
        "POST /api/v1/surveys/{survey_id}/questions": {"kind": "short_text", "text": "Why?"},
        "POST /api/v1/programs/{program_id}/resources": {
            "title": "Read",
            "kind": "link",
            "url": "https://example.org/b",
        },
        "POST /api/v1/programs/{program_id}/guides": {"title": "Guide", "stage": "first"},
        "POST /api/v1/cohorts/{cohort_id}/recognition": {
            "person_id": ids["person_id"],
            "citation": "Thank you",
        },
        "POST /api/v1/certificates/{certificate_id}/revoke": {"reason": "Issued by mistake"},
        "PUT /api/v1/mentorships/{mentorship_id}/story": {"title": "Ours", "body": "Story"},
        "POST /api/v1/stories/{story_id}/consent": {"consent": True},
        "POST /api/v1/insights/objectives/{objective_id}/values": {
            "day": "2026-10-01",
            "value": 3,
        },
        "POST /api/v1/insights/pairs/{pair_id}/check-in-notes": {"body": "Called them"},
        "POST /api/v1/insights/pairs/{pair_id}/snoozes": {"signal": "no_session"},
    }


# --- Completeness ---------------------------------------------------------------------------


def test_every_page_and_operation_has_a_row():
    pages = {route.name for route in page_routes()}
    operations = {str(op) for op in api_operations()}
    levels = "PUBLIC, USER, SCOPED, PARTNERS, PARTNERS_AND_MANAGERS, LEARNERS, ..., ADMIN"
    missing = [f'    "{name}": USER,  # or {levels}' for name in sorted(pages - set(table.PAGES))]
    missing += [f'    "{op}": USER,  # or {levels}' for op in sorted(operations - set(table.API))]
    assert not missing, f"Routes without a row in {TABLE_FILE}: add to PAGES / API\n" + "\n".join(
        missing
    )
    stale = sorted((set(table.PAGES) - pages) | (set(table.API) - operations))
    assert not stale, f"Rows in {TABLE_FILE} for routes that no longer exist: {stale}"


def test_no_route_is_left_at_a_level_wider_than_its_objects():
    """A route that names a pair's, a person's or an application's object is never open to
    every logged-in account: USER and SCOPED are for lists and program-wide pages."""
    personal = (
        *("mentorship", "session", "goal", "milestone", "reflection", "application"),
        *("invitation", "certificate", "story", "flag", "person", "employee", "pair"),
    )
    wide = {table.USER, table.SCOPED, table.PUBLIC}
    wrong = []
    for route in page_routes():
        if table.PAGES[route.name] in wide and any(
            p.startswith(personal) or p == "pk" for p in route.params
        ):
            wrong.append(route.name)
    for op in api_operations():
        if table.API[str(op)] in wide and any(p.startswith(personal) for p in op.params):
            wrong.append(str(op))
    # A person's badges are shown on their profile to colleagues (docs/learning.md).
    assert wrong == ["GET /api/v1/people/{person_id}/badges"]


# --- The matrix ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """Built once for the module inside a transaction that is rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture
def refusals(monkeypatch: pytest.MonkeyPatch) -> list[type[errors.DomainError]]:
    """The access errors raised while a request ran, even those a page turned into a flash
    message (a refused button answers with a redirect, not a 403)."""
    raised: list[type[errors.DomainError]] = []
    original = errors.DomainError.__init__

    def record(self: errors.DomainError, *args: Any, **kwargs: Any) -> None:
        if isinstance(self, errors.PermissionDenied | errors.NotFound):
            raised.append(type(self))
        original(self, *args, **kwargs)

    monkeypatch.setattr(errors.DomainError, "__init__", record)
    return raised


def _client(world: World, role: str) -> Client:
    client = Client()
    if role != table.ANONYMOUS:
        client.force_login(world.users[role])
    return client


def _allowed(level: table.Level, role: str, *, names_objects: bool) -> bool:
    if role in level.allowed:
        return True
    if names_objects:
        return False
    # A list or a creation form: another program's manager is a manager, participant A a
    # participant; what they get is checked for participant B's things below.
    stand_in = {table.MANAGER_ELSEWHERE: table.MANAGER_HERE, table.OTHER_PARTICIPANT: table.OWNER}
    return stand_in.get(role) in level.allowed


def _verdict(role: str, status: int, location: str, raised: list[type[errors.DomainError]]) -> str:
    if status >= 500:
        return f"server error {status}"
    if status in REFUSED or (role == table.ANONYMOUS and "/login/" in location) or raised:
        return "refused"
    return "allowed"


def _page_call(
    client: Client, route: PageRoute, url: str, raised: list[type[errors.DomainError]]
) -> tuple[int, str, bytes]:
    with transaction.atomic():
        raised.clear()
        response = client.get(url)
        if response.status_code == 405:  # a button's target: POST to it
            raised.clear()
            response = client.post(url, FORMS.get(route.name, {}))
        transaction.set_rollback(True)
    return response.status_code, response.get("Location", ""), _content(response)


def _content(response: Any) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return bytes(response.content)


def _api_call(
    client: Client, op: ApiOperation, url: str, body: Any, raised: list[type[errors.DomainError]]
) -> tuple[int, str, bytes]:
    with transaction.atomic():
        raised.clear()
        if op.method == "GET":
            response = client.get(url)
        elif str(op) == "POST /api/v1/people/import":
            response = client.post(url, {"file": _csv_upload()})
        else:
            response = client.generic(op.method, url, json.dumps(body), "application/json")
        transaction.set_rollback(True)
    return response.status_code, "", _content(response)


def _csv_upload() -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("people.csv", b"employee_id,email\n", content_type="text/csv")


def _check(
    role: str,
    label: str,
    level: table.Level,
    names_objects: bool,
    call: tuple[int, str, bytes],
    raised: list[type[errors.DomainError]],
    wrong: list[str],
) -> None:
    status, location, content = call
    if status == 422 and b'"code": "invalid_input"' in content.replace(b'":"', b'": "'):
        wrong.append(f"{label}: the matrix's body does not pass the schema (fix _bodies)")
        return
    verdict = _verdict(role, status, location, raised)
    allowed = _allowed(level, role, names_objects=names_objects)
    if verdict.startswith("server"):
        wrong.append(f"{label}: {verdict}")
    elif level == table.PUBLIC:
        return
    elif allowed and verdict == "refused":
        wrong.append(f"{label}: refused ({status}) but the table says {level}")
    elif not allowed and verdict == "allowed":
        wrong.append(f"{label}: answered {status} but the table says {level}")
    elif (
        verdict == "allowed"
        and role not in level.allowed | {table.OWNER, table.MANAGER_HERE, table.ORG_ADMIN}
        and OWNER_NAME.encode() in content
    ):
        wrong.append(f"{label}: shows participant B's name to {role}")


@pytest.mark.django_db
@pytest.mark.parametrize("role", table.ROLES)
def test_pages_hold_the_table_for(role: str, world: World, refusals: list[Any]) -> None:
    client = _client(world, role)
    wrong: list[str] = []
    checked = 0
    for route in page_routes():
        if route.name in {"logout", "account_logout"}:
            continue  # would end the session the next calls use
        level = table.PAGES[route.name]
        values = world.values_for(route.name)
        url = route.fill(values) + QUERIES.get(route.name, "").format(**values)
        call = _page_call(client, route, url, refusals)
        if route.name in STATEFUL_PAGES and role != table.ANONYMOUS:
            if call[0] >= 500:
                wrong.append(f"{route.name}: server error")
            continue
        names_objects = bool(route.params) or route.name in QUERIES
        _check(role, f"{route.name} {url}", level, names_objects, call, refusals, wrong)
        checked += 1
    assert checked > 150
    assert not wrong, f"{role}:\n" + "\n".join(wrong)


@pytest.mark.django_db
@pytest.mark.parametrize("role", table.ROLES)
def test_api_holds_the_table_for(role: str, world: World, refusals: list[Any]) -> None:
    client = _client(world, role)
    bodies = _bodies(world.ids)
    wrong: list[str] = []
    for op in api_operations():
        level = table.API[str(op)]
        url = op.fill(world.values_for(str(op)))
        call = _api_call(client, op, url, bodies.get(str(op), {}), refusals)
        names_objects = bool(op.params) or str(op) in BODY_NAMES_OBJECTS
        _check(role, f"{op}", level, names_objects, call, refusals, wrong)
    assert not wrong, f"{role}:\n" + "\n".join(wrong)
