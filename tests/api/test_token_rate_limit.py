"""A rate limit per API token: past the limit a token gets 429 with Retry-After and the
`rate_limited` code until the minute ends; other tokens and browser sessions are unaffected."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from turnabout.accounts.services import token_create
from turnabout.accounts.throttling import TokenRateLimited, token_rate_check

pytestmark = pytest.mark.django_db


def _bearer(user: Any) -> dict[str, str]:
    secret = token_create(user=user, name="sync", acting_user=None).secret
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture(autouse=True)
def _fresh_counts() -> Any:
    cache.clear()
    yield
    cache.clear()


def test_a_token_over_its_limit_gets_429_with_retry_after(org_admin: Any, settings: Any) -> None:
    settings.TURNABOUT_TOKEN_RATE_LIMIT = 3
    client = Client()
    busy, calm = _bearer(org_admin), _bearer(org_admin)
    statuses = [client.get("/api/v1/people", **busy).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get("/api/v1/people", **busy)
    assert refused.status_code == 429
    body = refused.json()
    assert body["code"] == "rate_limited" and body["params"]["limit"] == 3
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert int(refused["Retry-After"]) == body["params"]["retry_after"]
    # Another token of the same account has its own budget.
    assert client.get("/api/v1/people", **calm).status_code == 200


def test_the_window_ends_after_a_minute(settings: Any) -> None:
    settings.TURNABOUT_TOKEN_RATE_LIMIT = 5
    start = 1_800_000_000.0  # on a minute boundary
    for _ in range(2):
        token_rate_check(7, now=start + 1)
    with pytest.raises(TokenRateLimited) as refused:
        _exhaust(7, start + 50)
    assert refused.value.params["retry_after"] == 10
    token_rate_check(7, now=start + 61)  # the next minute starts a new count


def _exhaust(token_id: int, moment: float) -> None:
    from django.conf import settings

    for _ in range(settings.TURNABOUT_TOKEN_RATE_LIMIT + 1):
        token_rate_check(token_id, now=moment)


def test_zero_turns_the_limit_off(org_admin: Any, settings: Any) -> None:
    settings.TURNABOUT_TOKEN_RATE_LIMIT = 0
    headers = _bearer(org_admin)
    assert all(Client().get("/api/v1/people", **headers).status_code == 200 for _ in range(5))
