"""Fuzz every endpoint of the OpenAPI schema in-process: no input may cause a server error,
and every response must match the documented status codes and schemas."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from turnabout.api import api
from turnabout.wsgi import application

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = application


@pytest.fixture
def keep_test_connection():
    """In-process WSGI calls would close the test's DB connection, as Django's client knows."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def admin_token(db, make_user, make_employee):
    from turnabout.accounts.models import Role
    from turnabout.accounts.services import token_create

    admin = make_user(Role.ORG_ADMIN)
    boss = make_employee(level=9)
    make_employee(level=2, manager=boss)
    return token_create(user=admin, name="fuzz", acting_user=None).secret


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_has_no_server_errors_and_keeps_its_schema(case, admin_token, keep_test_connection):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {admin_token}"},
        checks=[not_a_server_error, status_code_conformance, response_schema_conformance],
    )
