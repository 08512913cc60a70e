"""The authorisation matrix: every page route and API operation has a row in
`turnabout/accounts/access_table.py`, and the table holds for the roles it names.

Covered today: completeness (a new route without a row fails, saying which line to add),
anonymous callers (refused everywhere but PUBLIC), a participant without a role (refused on
every ADMIN, MANAGER and AGGREGATES list), a sponsor (refused on ADMIN and MANAGER lists).
"""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.routes import api_operations, page_routes
from turnabout.accounts import access_table as table
from turnabout.accounts.models import Role

TABLE_FILE = "src/turnabout/accounts/access_table.py"
REFUSED = {401, 403, 404}


def test_every_page_and_operation_has_a_row():
    pages = {route.name for route in page_routes()}
    operations = {str(op) for op in api_operations()}
    missing = [
        f'    "{name}": USER,  # or PUBLIC, AGGREGATES, MANAGER, ADMIN'
        for name in sorted(pages - set(table.PAGES))
    ]
    missing += [
        f'    "{op}": USER,  # or PUBLIC, AGGREGATES, MANAGER, ADMIN'
        for op in sorted(operations - set(table.API))
    ]
    assert not missing, f"Routes without a row in {TABLE_FILE}: add to PAGES / API\n" + "\n".join(
        missing
    )
    stale = sorted((set(table.PAGES) - pages) | (set(table.API) - operations))
    assert not stale, f"Rows in {TABLE_FILE} for routes that no longer exist: {stale}"


@pytest.mark.django_db
def test_anonymous_callers_are_refused_everywhere_but_public_routes():
    client = Client()
    wrong = []
    for route in page_routes():
        if table.PAGES[route.name] == table.PUBLIC or route.name in {"logout", "account_logout"}:
            continue
        url = route.fill(dict.fromkeys(route.params, 1))
        response = client.get(url)
        if response.status_code != 302 or "/accounts/login/" not in response["Location"]:
            wrong.append(f"{route.name}: {response.status_code}")
    for op in api_operations():
        if table.API[str(op)] == table.PUBLIC:
            continue
        url = op.fill(dict.fromkeys(op.params, 1))
        response = client.generic(op.method, url, json.dumps({}), "application/json")
        if response.status_code != 401:
            wrong.append(f"{op}: {response.status_code}")
    assert not wrong, "not refused to anonymous callers (or mark PUBLIC): " + ", ".join(wrong)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "refused_levels"),
    [
        (None, {table.ADMIN, table.MANAGER, table.AGGREGATES}),
        (Role.SPONSOR, {table.ADMIN, table.MANAGER}),
        (Role.PROGRAM_MANAGER, {table.ADMIN}),
    ],
)
def test_roles_are_refused_the_lists_above_them(make_user, role, refused_levels):
    user = make_user(role) if role else make_user()
    client = Client()
    client.force_login(user)
    checked = 0
    wrong = []
    for route in page_routes():
        if route.params or table.PAGES[route.name] not in refused_levels:
            continue
        response = client.get(route.fill({}))
        if response.status_code == 405:  # a form's target: POST to it
            response = client.post(route.fill({}), {})
        if response.status_code not in REFUSED:
            wrong.append(f"{route.name}: {response.status_code}")
        checked += 1
    for op in api_operations():
        if op.params or op.method != "GET" or table.API[str(op)] not in refused_levels:
            continue
        response = client.get(op.path)
        if response.status_code not in REFUSED:
            wrong.append(f"{op}: {response.status_code}")
        checked += 1
    assert not wrong, f"not refused to {role or 'a participant'}: " + ", ".join(wrong)
    assert checked >= 3
