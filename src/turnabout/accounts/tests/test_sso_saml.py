"""SAML single sign-on against a signed IdP response: a key pair made here, assertions signed
with xmlsec. Tampered, wrongly signed, expired, wrong-audience and unknown-email answers are
refused with a message that says why."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from turnabout.accounts.tests.sso_fixtures import (
    IDP_SSO_URL,
    SAML_SLUG,
    SP_HOST,
    SamlIdp,
    make_key_pair,
    saml_request_id,
    saml_settings,
)
from turnabout.common.models import AuditRecord

pytestmark = pytest.mark.django_db

ACS_URL = f"http://{SP_HOST}/accounts/saml/{SAML_SLUG}/acs/"
SP_ENTITY_ID = f"http://{SP_HOST}/accounts/saml/{SAML_SLUG}/metadata/"


@pytest.fixture
def saml(settings, saml_idp: SamlIdp) -> SamlIdp:
    settings.SOCIALACCOUNT_PROVIDERS = saml_settings(saml_idp)
    settings.ALLOWED_HOSTS = [SP_HOST]
    return saml_idp


@pytest.fixture
def alice(make_employee):
    return make_employee(email="alice@example.com", first_name="Alice")


def _start(client: Client) -> str:
    """Begin at the SP: it redirects to the IdP with an AuthnRequest; return its ID."""
    response = client.get(
        reverse("saml_login", kwargs={"organization_slug": SAML_SLUG}), HTTP_HOST=SP_HOST
    )
    if response.status_code == 200:  # allauth's "continue?" page on GET: confirm it
        response = client.post(
            reverse("saml_login", kwargs={"organization_slug": SAML_SLUG}), HTTP_HOST=SP_HOST
        )
    assert response.status_code == 302 and response["Location"].startswith(IDP_SSO_URL)
    return saml_request_id(response["Location"])


def _post(client: Client, xml: str):
    encoded = base64.b64encode(xml.encode()).decode()
    acs = client.post(
        reverse("saml_acs", kwargs={"organization_slug": SAML_SLUG}),
        {"SAMLResponse": encoded, "RelayState": ""},
        HTTP_HOST=SP_HOST,
    )
    assert acs.status_code == 302
    return client.get(acs["Location"], HTTP_HOST=SP_HOST)


def _response(idp: SamlIdp, request_id: str, **overrides):
    kwargs: dict[str, Any] = {
        "email": "alice@example.com",
        "in_response_to": request_id,
        "acs_url": ACS_URL,
        "audience": SP_ENTITY_ID,
    }
    kwargs.update(overrides)
    return idp.response(**kwargs)


def test_a_signed_assertion_signs_the_employee_in(saml, alice):
    client = Client()
    done = _post(client, _response(saml, _start(client)))
    assert done.status_code == 302 and done["Location"] == reverse("home")
    alice.refresh_from_db()
    assert alice.user is not None
    assert client.get(reverse("home"), HTTP_HOST=SP_HOST).status_code == 200
    login = AuditRecord.objects.get(event="login.succeeded")
    assert f"socialaccount:{SAML_SLUG}" in login.message


def _refused(response, words: str) -> None:
    assert response.status_code == 403
    body = response.content.decode()
    assert words in body, body[-1500:]
    assert not get_user_model().objects.filter(email="alice@example.com").exists()
    assert AuditRecord.objects.filter(event="sso.refused").count() == 1
    assert not AuditRecord.objects.filter(event="login.succeeded").exists()


def test_a_tampered_assertion_is_refused(saml, alice):
    client = Client()
    xml = _response(saml, _start(client), email="alice@example.com")
    tampered = xml.replace(
        "<saml:AttributeValue>everyone</saml:AttributeValue>",
        "<saml:AttributeValue>hr-admins</saml:AttributeValue>",
    )
    assert tampered != xml
    _refused(_post(client, tampered), "failed its signature check")


def test_an_assertion_signed_with_another_key_is_refused(saml, alice):
    other_key, other_cert = make_key_pair("Impostor")
    client = Client()
    xml = _response(saml, _start(client), key_pem=other_key, cert_pem=other_cert)
    _refused(_post(client, xml), "failed its signature check")


def test_an_expired_assertion_is_refused(saml, alice):
    client = Client()
    xml = _response(saml, _start(client), issued_minutes_ago=30, minutes_valid=5)
    _refused(_post(client, xml), "has expired")


def test_an_assertion_for_another_audience_is_refused(saml, alice):
    client = Client()
    xml = _response(saml, _start(client), audience="https://other-app.example.com/saml")
    _refused(_post(client, xml), "wrong audience")


def test_an_unknown_email_is_refused(saml, alice):
    client = Client()
    xml = _response(saml, _start(client), email="mallory@example.com")
    _refused(_post(client, xml), "mallory@example.com is not in the employee list")


def test_an_answer_to_a_request_we_never_sent_is_refused(saml, alice):
    client = Client()
    _start(client)
    response = _post(client, _response(saml, "_not-a-request-we-sent"))
    assert response.status_code == 403  # allauth finds no matching state: a replay or forgery
    assert not get_user_model().objects.filter(email="alice@example.com").exists()
    assert client.get(reverse("home"), HTTP_HOST=SP_HOST).status_code == 302
