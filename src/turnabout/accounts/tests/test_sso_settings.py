"""The org admin's single sign-on page: providers from the page and from the environment,
SSO-only with a break-glass admin, all audited and for org admins only."""

from __future__ import annotations

import pytest
from allauth.socialaccount.models import SocialApp
from django.test import Client
from django.urls import reverse

from turnabout.accounts.models import SsoSettings
from turnabout.accounts.sso_env import providers_from_env
from turnabout.accounts.tests.sso_fixtures import OidcProvider
from turnabout.common.models import AuditRecord

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-42"


def _admin_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_three_environment_variables_turn_oidc_on():
    providers = providers_from_env(
        {
            "TURNABOUT_OIDC_SERVER_URL": "https://login.example.com/realms/acme/",
            "TURNABOUT_OIDC_CLIENT_ID": "turnabout",
            "TURNABOUT_OIDC_CLIENT_SECRET": "s3cret",
        }
    )
    [app] = providers["openid_connect"]["APPS"]
    assert app["client_id"] == "turnabout" and app["secret"] == "s3cret"
    assert app["settings"]["server_url"] == "https://login.example.com/realms/acme"
    assert providers["saml"]["APPS"] == []
    assert providers_from_env({})["openid_connect"]["APPS"] == []


def test_an_org_admin_adds_an_oidc_provider_and_people_sign_in_with_it(
    org_admin, make_employee, oidc_provider: OidcProvider
):
    from urllib.parse import urlparse

    client = _admin_client(org_admin)
    response = client.post(
        reverse("accounts:sso"),
        {
            "action": "oidc",
            "oidc-name": "Acme login",
            "oidc-slug": "acme",
            "oidc-server_url": oidc_provider.url,
            "oidc-client_id": "turnabout",
            "oidc-secret": "s3cret",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("accounts:sso")).content.decode()
    assert "Acme login" in page and "s3cret" not in page  # the secret is never shown again
    assert "/accounts/oidc/acme/login/callback/" in page
    saved = AuditRecord.objects.get(event="sso.provider_saved")
    assert "s3cret" not in str(saved.changes) + saved.message

    employee = make_employee(email="alice@example.com")
    person = Client()
    assert "Continue with Acme login" in person.get(reverse("login")).content.decode()
    start = person.post(reverse("openid_connect_login", kwargs={"provider_id": "acme"}))
    callback = urlparse(oidc_provider.authorize(start["Location"], "alice"))
    assert person.get(f"{callback.path}?{callback.query}").status_code == 302
    employee.refresh_from_db()
    assert employee.user is not None


def test_a_saml_provider_needs_a_certificate(org_admin):
    client = _admin_client(org_admin)
    response = client.post(
        reverse("accounts:sso"),
        {
            "action": "saml",
            "saml-name": "Acme",
            "saml-slug": "acme",
            "saml-entity_id": "https://idp.example.com",
            "saml-sso_url": "https://idp.example.com/sso",
            "saml-x509cert": "not a certificate",
        },
    )
    assert response.status_code == 200
    assert "signing certificate" in response.content.decode()
    assert not SocialApp.objects.exists()


def test_sso_only_needs_a_provider_and_a_break_glass_admin(org_admin, settings):
    settings.SOCIALACCOUNT_PROVIDERS = providers_from_env({})
    client = _admin_client(org_admin)
    refused = client.post(
        reverse("accounts:sso"), {"action": "policy", "policy-sso_only": "on"}
    ).content.decode()
    assert "Add an identity provider before turning SSO-only on." in refused
    assert not SsoSettings.objects.filter(sso_only=True).exists()


def test_sso_only_turns_passwords_off_except_for_the_break_glass_admin(
    org_admin, participant, settings
):
    settings.SOCIALACCOUNT_PROVIDERS = providers_from_env(
        {"TURNABOUT_OIDC_SERVER_URL": "https://login.example.com", "TURNABOUT_OIDC_CLIENT_ID": "t"}
    )
    client = _admin_client(org_admin)
    client.post(
        reverse("accounts:sso"),
        {"action": "policy", "policy-sso_only": "on", "policy-break_glass_user": org_admin.pk},
    )
    assert SsoSettings.objects.get().sso_only
    assert AuditRecord.objects.filter(event="sso.settings_changed").count() == 1

    refused = Client().post(reverse("login"), {"login": participant.email, "password": PASSWORD})
    assert refused.status_code == 200
    assert "password sign-in is turned off" in refused.content.decode()
    allowed = Client().post(reverse("login"), {"login": org_admin.email, "password": PASSWORD})
    assert allowed.status_code == 302


def test_the_environment_can_turn_sso_only_on(participant, monkeypatch):
    monkeypatch.setenv("TURNABOUT_SSO_ONLY", "1")
    refused = Client().post(reverse("login"), {"login": participant.email, "password": PASSWORD})
    assert "password sign-in is turned off" in refused.content.decode()
    monkeypatch.setenv("TURNABOUT_BREAK_GLASS_EMAILS", participant.email.upper())
    allowed = Client().post(reverse("login"), {"login": participant.email, "password": PASSWORD})
    assert allowed.status_code == 302


def test_only_org_admins_reach_the_sso_page(participant, program_manager, sponsor):
    for user in (participant, program_manager, sponsor):
        client = _admin_client(user)
        assert client.get(reverse("accounts:sso")).status_code == 403
        assert client.post(reverse("accounts:sso"), {"action": "policy"}).status_code == 403
