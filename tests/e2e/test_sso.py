"""Single sign-on in a real browser: Turnabout's login page, the OIDC provider's own page,
and back signed in as the imported employee."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from turnabout.accounts.tests.sso_fixtures import OidcProvider, oidc_provider, oidc_settings

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
__all__ = ["oidc_provider"]


def test_an_employee_signs_in_through_the_company_login(
    page: Page, live_server, settings, make_employee, oidc_provider: OidcProvider, screenshot
):
    settings.SOCIALACCOUNT_PROVIDERS = oidc_settings(oidc_provider)
    make_employee(email="alice@example.com", first_name="Alice")

    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    screenshot("login-with-sso")
    page.get_by_role("link", name="Continue with Company login").click()
    page.get_by_role("button", name="Continue").click()  # allauth confirms before leaving

    expect(page).to_have_url(re.compile(re.escape(oidc_provider.url)))
    expect(page.get_by_role("heading", name="Authorize Client")).to_be_visible()
    page.get_by_role("button", name="alice", exact=True).click()

    expect(page.get_by_role("heading", name=re.compile("Hello"))).to_be_visible()
    expect(page.get_by_text("alice@example.com").first).to_be_visible()
