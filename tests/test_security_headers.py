"""Headers (CSP without inline script, Permissions-Policy, HSTS behind HTTPS) and the
deployment check in the documented production configuration (docs/security.md)."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys

import pytest
from django.test import Client

from tests.routes import page_routes
from turnabout.accounts.models import Role

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
STYLE_ATTR = re.compile(r"<[^>]+\sstyle\s*=", re.I)


def _production_env(tmp_path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SECURE_", "DEBUG", "DJANGO_ALLOW_ASYNC"))
    }
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="mentoring.example.com",
        SITE_URL="https://mentoring.example.com",
        SECURE_COOKIES="1",
        SECURE_HSTS_PRELOAD="1",
        TURNABOUT_VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="turnabout.settings",
    )
    env.pop("DATABASE_URL", None)
    return env


def test_check_deploy_is_clean_in_the_documented_production_configuration(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "turnabout", "check", "--deploy", "--fail-level", "WARNING"],
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_https_settings_follow_secure_cookies(tmp_path):
    code = (
        "from django.conf import settings as s; import django; django.setup(); "
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE)"
    )
    env = _production_env(tmp_path)
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["True", "31536000", "True", "True"]
    env["SECURE_COOKIES"] = "0"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["False", "0", "False", "False"]


def test_pages_have_a_strict_csp_and_no_inline_script_handler_or_style(make_user, make_employee):
    admin = make_user(Role.ORG_ADMIN)
    boss = make_employee(department="Sales", level=9)
    for _ in range(6):
        make_employee(department="Sales", level=2, manager=boss)
    client = Client()
    client.force_login(admin)
    checked = 0
    for route in page_routes():
        if route.params or route.name == "logout":
            continue
        response = client.get(route.fill({}))
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        checked += 1
        policy = response["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "unsafe-inline" not in policy, route
        assert "script-src 'self'" in policy, route
        html = response.content.decode()
        assert not INLINE_SCRIPT.search(html), (route.name, INLINE_SCRIPT.search(html))
        assert not HANDLER.search(html), (route.name, HANDLER.search(html))
        assert not STYLE_ATTR.search(html), (route.name, STYLE_ATTR.search(html))
        for nonce in re.findall(r'<style nonce="([^"]*)"', html):
            assert nonce and f"'nonce-{nonce}'" in policy, route.name
        assert "camera=()" in response["Permissions-Policy"]
    assert checked >= 10
    home = client.get("/").content.decode()
    assert "<svg" in home and '<style nonce="' in home  # the charts, styled under the CSP


def test_help_text_is_escaped():
    from django import forms
    from django.template.loader import render_to_string

    class Form(forms.Form):
        name = forms.CharField(help_text="<img src=x onerror=alert(1)>")

    html = render_to_string("_field.html", {"field": Form()["name"]})
    assert "<img" not in html and "&lt;img" in html


def test_only_the_sso_pages_may_send_a_form_to_the_identity_provider(client) -> None:
    """Elsewhere forms post to this site only; an SSO page leads on to the company's IdP."""
    login = client.get("/accounts/login/")
    assert "form-action 'self'" in login["Content-Security-Policy"]
    sso = client.get("/accounts/oidc/company/login/")
    policy = sso["Content-Security-Policy"]
    assert "form-action" in policy and "https:" in policy.split("form-action", 1)[1]
