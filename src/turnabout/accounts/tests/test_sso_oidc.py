"""OIDC single sign-on end to end against a real OpenID provider started on localhost."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlparse

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from turnabout.accounts import permissions
from turnabout.accounts.models import Role
from turnabout.accounts.tests.sso_fixtures import OidcProvider, oidc_settings
from turnabout.common.models import AuditRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def oidc(settings, oidc_provider: OidcProvider) -> OidcProvider:
    settings.SOCIALACCOUNT_PROVIDERS = oidc_settings(oidc_provider)
    return oidc_provider


def _sign_in(client: Client, provider: OidcProvider, sub: str):
    start = client.post(reverse("openid_connect_login", kwargs={"provider_id": "company"}))
    assert start.status_code == 302 and start["Location"].startswith(provider.url)
    callback = urlparse(provider.authorize(start["Location"], sub))
    return client.get(f"{callback.path}?{callback.query}")


def test_the_login_page_offers_the_company_login(oidc):
    page = Client().get(reverse("login")).content.decode()
    assert "Continue with Company login" in page


def test_an_imported_employee_signs_in_and_gets_one_account(oidc, make_employee):
    employee = make_employee(email="alice@example.com", first_name="Alice")
    client = Client()
    done = _sign_in(client, oidc, "alice")
    assert done.status_code == 302 and done["Location"] == reverse("home")
    assert "Hello" in client.get(reverse("home")).content.decode()
    employee.refresh_from_db()
    assert employee.user is not None and employee.user.email == "alice@example.com"
    assert not employee.user.has_usable_password()
    assert AuditRecord.objects.filter(event="sso.account_created").count() == 1
    login = AuditRecord.objects.get(event="login.succeeded")
    assert login.actor_id == employee.user_id and "socialaccount:company" in login.message

    # A second sign-in, in a new browser, reuses the same account.
    again = _sign_in(Client(), oidc, "alice")
    assert again.status_code == 302
    assert get_user_model().objects.filter(email__iexact="alice@example.com").count() == 1


def test_an_existing_account_is_matched_by_email_not_duplicated(oidc, make_user, make_employee):
    existing = get_user_model().objects.create_user("alice@example.com", "alice@example.com")
    make_employee(email="alice@example.com", user=existing)
    assert _sign_in(Client(), oidc, "alice").status_code == 302
    assert get_user_model().objects.filter(email__iexact="alice@example.com").count() == 1


def test_an_unknown_email_is_refused_with_a_clear_message(oidc):
    refused = _sign_in(Client(), oidc, "bob")
    assert refused.status_code == 403
    body = refused.content.decode()
    assert "bob@elsewhere.example is not in the employee list" in body
    assert not get_user_model().objects.filter(email="bob@elsewhere.example").exists()
    assert AuditRecord.objects.get(event="sso.refused").message.startswith("unknown_email")


def test_a_leaver_cannot_sign_in(oidc, make_employee):
    make_employee(
        email="carol@example.com",
        status="terminated",  # what the HR import writes for a leaver
        termination_date=date(2026, 1, 31),
    )
    refused = _sign_in(Client(), oidc, "carol")
    assert refused.status_code == 403
    assert "ended when you left" in refused.content.decode()
    assert not get_user_model().objects.filter(email="carol@example.com").exists()


def test_a_deactivated_account_cannot_sign_in(oidc, make_employee):
    user = get_user_model().objects.create_user("alice@example.com", "alice@example.com")
    user.is_active = False
    user.save()
    make_employee(email="alice@example.com", user=user)
    refused = _sign_in(Client(), oidc, "alice")
    assert refused.status_code == 403 and "is closed" in refused.content.decode()


def test_an_unverified_email_is_refused(oidc, make_employee):
    make_employee(email="dave@example.com")
    refused = _sign_in(Client(), oidc, "dave")
    assert refused.status_code == 403
    assert "did not confirm an email address" in refused.content.decode()


def test_idp_groups_map_to_roles_at_sign_in(oidc, settings, make_employee, monkeypatch):
    monkeypatch.setenv("TURNABOUT_SSO_GROUP_ROLES", '{"hr-admins": "org_admin"}')
    employee = make_employee(email="erin@example.com")
    assert _sign_in(Client(), oidc, "erin").status_code == 302
    employee.refresh_from_db()
    assert employee.user is not None
    assert permissions.roles_of(employee.user) == {Role.ORG_ADMIN}
    assert AuditRecord.objects.filter(event="role.granted").count() == 1
