"""Every page except login and password reset refuses an anonymous visitor."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

PUBLIC_PREFIXES = (
    "/accounts/login/",
    "/accounts/password_reset/",
    "/accounts/reset/",
    # allauth's public pages: reset steps, "sign-up closed", "account inactive", SSO errors.
    "/accounts/password/reset/",
    "/accounts/inactive/",
    "/accounts/signup/",
    "/accounts/confirm-email/",
    "/accounts/3rdparty/login/cancelled/",
    "/health/",  # the load balancer's check: no login, no data
)


def _paths(patterns: list[URLPattern | URLResolver], prefix: str = "") -> list[str]:
    found: list[str] = []
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            found += _paths(pattern.url_patterns, route)
        else:
            found.append("/" + route)
    return found


def _concrete(path: str) -> str:
    for token in ("<int:employee_pk>", "<int:token_id>", "<int:person_id>", "<path:object_id>"):
        path = path.replace(token, "1")
    return path


def test_every_page_redirects_anonymous_visitors_to_login(client):
    pages = [
        _concrete(p)
        for p in _paths(get_resolver().url_patterns)
        if not p.startswith(("/api/", "/admin/", "/static/"))
        and not p.startswith(PUBLIC_PREFIXES)
        and "<" not in _concrete(p)
        and "^" not in p
    ]
    assert "/people/" in pages and "/audit/" in pages and "/" in pages
    for path in pages:
        response = client.get(path)
        assert response.status_code in (302, 405), path
        if response.status_code == 302:
            assert response["Location"].startswith("/accounts/login/") or path.startswith(
                "/accounts/logout"
            ), path


def test_login_page_is_open(client):
    assert client.get("/accounts/login/").status_code == 200
    assert client.get("/accounts/password_reset/").status_code == 200
