"""Fuzz every operation of the OpenAPI schema in-process, in all of schemathesis's phases
(examples, coverage, fuzzing, and stateful sequences that follow the links between
operations), with a participant's token and an org admin's: no input may cause a server
error, and every response must match the documented status codes and schemas.

Bounded for CI (see `FUZZ_EXAMPLES`, `STATEFUL_EXAMPLES`): the whole module stays within a
few minutes per database. Raise them locally for a deeper run:
`TURNABOUT_FUZZ_EXAMPLES=200 pytest tests/api/test_schemathesis.py`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from turnabout.api import api
from turnabout.wsgi import application

pytestmark = pytest.mark.slow

FUZZ_EXAMPLES = int(os.environ.get("TURNABOUT_FUZZ_EXAMPLES", "6"))
STATEFUL_EXAMPLES = int(os.environ.get("TURNABOUT_STATEFUL_EXAMPLES", "12"))
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = application
# All phases run; the coverage phase probes each path with one method it does not document
# (rather than eight) to stay within the CI budget.
schema.config.phases.examples.enabled = True
schema.config.phases.coverage.enabled = True
schema.config.phases.fuzzing.enabled = True
schema.config.phases.coverage.unexpected_methods = {"patch"}

FUZZ_SETTINGS = settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def keep_test_connection() -> Iterator[None]:
    """In-process WSGI calls would close the test's DB connection, as Django's client knows."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def tokens(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, str]]:
    """Full-scope tokens of a participant of an active pair and of an org admin, in a world
    with a program, a cohort, a pair and its people (so ids in links lead somewhere). Built
    once for the module, in a transaction rolled back at its end."""
    from tests.api.authz_world import make_user
    from turnabout.accounts.models import Role
    from turnabout.accounts.services import token_create
    from turnabout.engagement.tests.factories import build_pair

    with django_db_blocker.unblock(), transaction.atomic():
        pair = build_pair(make_user(Role.PROGRAM_MANAGER), make_user)
        users = {"participant": pair.mentee, "org admin": make_user(Role.ORG_ADMIN)}
        yield {
            kind: token_create(user=user, name="fuzz", scope="full", acting_user=None).secret
            for kind, user in users.items()
        }
        transaction.set_rollback(True)


@pytest.fixture(params=["participant", "org admin"])
def token(request: pytest.FixtureRequest, tokens: dict[str, str], db: None) -> str:
    return tokens[request.param]


@pytest.mark.django_db
@schema.parametrize()
@FUZZ_SETTINGS
def test_api_has_no_server_errors_and_keeps_its_schema(
    case: Any, token: str, keep_test_connection: None
) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)


@pytest.mark.django_db
def test_stateful_sequences_have_no_server_errors(token: str, keep_test_connection: None) -> None:
    """Sequences that feed one operation's answer into the next (create a cohort, then read,
    patch and move it; apply, then withdraw; ...), as the links in the schema allow."""
    base = schema.as_state_machine()

    class Sequences(base):  # type: ignore[misc,valid-type]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": {"Authorization": f"Bearer {token}"}}

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            case.validate_response(response, checks=CHECKS)

    Sequences.run(
        settings=settings(
            max_examples=STATEFUL_EXAMPLES,
            stateful_step_count=6,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
    )
