"""Token scopes: every API operation names the one scope a token needs
(`turnabout/accounts/api_scopes.py`), and a token lacking it is refused with 403
`token_scope` before anything else happens, whatever its account may do."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.routes import api_operations
from turnabout.accounts import access_table, scopes
from turnabout.accounts.api_scopes import OPERATIONS
from turnabout.accounts.models import Role
from turnabout.accounts.services import token_create

TABLE_FILE = "src/turnabout/accounts/api_scopes.py"


def test_every_operation_names_its_scope():
    operations = {str(op) for op in api_operations()}
    missing = [
        f'    "{op}": READ_PROGRAMS,  # or READ_PEOPLE, WRITE_PEOPLE, MANAGE_PROGRAMS, ...'
        for op in sorted(operations - set(OPERATIONS))
    ]
    assert not missing, f"Operations without a scope in {TABLE_FILE}:\n" + "\n".join(missing)
    stale = sorted(set(OPERATIONS) - operations)
    assert not stale, f"Rows in {TABLE_FILE} for operations that no longer exist: {stale}"
    assert set(OPERATIONS.values()) <= set(scopes.SCOPES)


def test_the_table_follows_its_rule():
    """People reads need read_people, aggregates read_insights, writes never a read scope."""
    for op, scope in OPERATIONS.items():
        method, path = op.split(" ", 1)
        if method != "GET":
            assert scope in {scopes.WRITE_PEOPLE, scopes.MANAGE_PROGRAMS}, op
        if path.startswith("/api/v1/insights/") and method == "GET":
            assert scope == scopes.READ_INSIGHTS, op
        if path.startswith("/api/v1/people") and method == "GET":
            assert scope == scopes.READ_PEOPLE, op
    assert OPERATIONS["POST /api/v1/people/import"] == scopes.WRITE_PEOPLE
    assert OPERATIONS["POST /api/v1/programs/apply"] == scopes.MANAGE_PROGRAMS
    assert OPERATIONS["GET /api/v1/programs/{program_id}/file"] == scopes.MANAGE_PROGRAMS


@pytest.mark.django_db
def test_a_token_lacking_the_scope_is_refused_on_every_operation(make_user):
    admin = make_user(Role.ORG_ADMIN)
    secrets = {
        needed: token_create(
            user=admin,
            name=f"all but {needed}",
            scope=[name for name in scopes.SCOPES if name != needed],
            acting_user=admin,
        ).secret
        for needed in scopes.SCOPES
    }
    client = Client()
    wrong = []
    checked = 0
    for op in api_operations():
        if access_table.API.get(str(op)) == access_table.PUBLIC:
            continue  # no authentication at all (certificate verification)
        needed = OPERATIONS[str(op)]
        url = op.fill(dict.fromkeys(op.params, 1))
        response = client.generic(
            op.method,
            url,
            json.dumps({}),
            "application/json",
            HTTP_AUTHORIZATION=f"Bearer {secrets[needed]}",
        )
        checked += 1
        body = (
            response.json()
            if response.get("Content-Type", "").startswith("application/json")
            else {}
        )
        if response.status_code != 403 or body.get("code") != "token_scope":
            wrong.append(f"{op}: {response.status_code} {body.get('code')}")
        elif body["params"]["required"] != needed:
            wrong.append(f"{op}: names {body['params']['required']}, not {needed}")
    assert checked > 100
    assert not wrong, "not refused for lack of scope: " + ", ".join(wrong)


@pytest.mark.django_db
def test_a_token_with_the_scope_gets_past_the_scope_check(make_user):
    admin = make_user(Role.ORG_ADMIN)
    client = Client()
    for scope, url in [
        (scopes.READ_PEOPLE, "/api/v1/people"),
        (scopes.READ_PROGRAMS, "/api/v1/programs"),
        (scopes.READ_INSIGHTS, "/api/v1/insights/programs/1/kpis"),
    ]:
        secret = token_create(user=admin, name=scope, scope=scope, acting_user=admin).secret
        response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {secret}")
        assert response.status_code != 403 or response.json()["code"] != "token_scope", url
