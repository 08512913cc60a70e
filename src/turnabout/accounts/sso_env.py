"""Identity providers configured by the operator in the environment (read by settings.py).

OIDC needs three variables (the README's quick start):

    TURNABOUT_OIDC_SERVER_URL=https://login.example.com/realms/acme   # the issuer
    TURNABOUT_OIDC_CLIENT_ID=turnabout
    TURNABOUT_OIDC_CLIENT_SECRET=...

optional: TURNABOUT_OIDC_NAME (button label, default "Company login"), TURNABOUT_OIDC_ID
(the URL slug, default "company"). SAML needs the IdP's entity ID, single sign-on URL and
signing certificate: TURNABOUT_SAML_IDP_ENTITY_ID, TURNABOUT_SAML_IDP_SSO_URL,
TURNABOUT_SAML_IDP_X509CERT (PEM or base64), optional TURNABOUT_SAML_NAME, TURNABOUT_SAML_ID
(default "company-saml") and TURNABOUT_SAML_SP_ENTITY_ID. No Django import here: settings.py
calls it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

SAML_ATTRIBUTE_MAPPING = {
    "uid": ["urn:oasis:names:tc:SAML:attribute:subject-id", "uid"],
    "email": [
        "email",
        "urn:oid:0.9.2342.19200300.100.1.3",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
    ],
    "first_name": [
        "first_name",
        "urn:oid:2.5.4.42",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
    ],
    "last_name": [
        "last_name",
        "urn:oid:2.5.4.4",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
    ],
}


def pem_body(cert: str) -> str:
    """A certificate as python3-saml wants it: the base64 body, PEM armour optional."""
    lines = [line.strip() for line in cert.strip().splitlines()]
    return "".join(line for line in lines if line and not line.startswith("-----"))


def oidc_app(
    *, provider_id: str, name: str, server_url: str, client_id: str, secret: str
) -> dict[str, Any]:
    return {
        "provider_id": provider_id,
        "name": name,
        "client_id": client_id,
        "secret": secret,
        "settings": {"server_url": server_url.rstrip("/"), "oauth_pkce_enabled": True},
    }


def saml_app(
    *,
    slug: str,
    name: str,
    entity_id: str,
    sso_url: str,
    x509cert: str,
    sp_entity_id: str = "",
) -> dict[str, Any]:
    settings: dict[str, Any] = {
        "idp": {"entity_id": entity_id, "sso_url": sso_url, "x509cert": pem_body(x509cert)},
        "attribute_mapping": SAML_ATTRIBUTE_MAPPING,
        "use_nameid_for_email": True,
        # The company IdP signs the assertion about its own employees' work email.
        "verified_email": True,
        "advanced": {"strict": True, "reject_idp_initiated_sso": True},
    }
    if sp_entity_id:
        settings["sp"] = {"entity_id": sp_entity_id}
    return {"provider_id": slug, "name": name, "client_id": slug, "settings": settings}


def providers_from_env(env: Mapping[str, str]) -> dict[str, Any]:
    """`SOCIALACCOUNT_PROVIDERS` from the environment: an app per configured provider."""
    oidc: list[dict[str, Any]] = []
    if env.get("TURNABOUT_OIDC_SERVER_URL") and env.get("TURNABOUT_OIDC_CLIENT_ID"):
        oidc.append(
            oidc_app(
                provider_id=env.get("TURNABOUT_OIDC_ID", "company"),
                name=env.get("TURNABOUT_OIDC_NAME", "Company login"),
                server_url=env["TURNABOUT_OIDC_SERVER_URL"],
                client_id=env["TURNABOUT_OIDC_CLIENT_ID"],
                secret=env.get("TURNABOUT_OIDC_CLIENT_SECRET", ""),
            )
        )
    saml: list[dict[str, Any]] = []
    if env.get("TURNABOUT_SAML_IDP_ENTITY_ID") and env.get("TURNABOUT_SAML_IDP_SSO_URL"):
        saml.append(
            saml_app(
                slug=env.get("TURNABOUT_SAML_ID", "company-saml"),
                name=env.get("TURNABOUT_SAML_NAME", "Company login (SAML)"),
                entity_id=env["TURNABOUT_SAML_IDP_ENTITY_ID"],
                sso_url=env["TURNABOUT_SAML_IDP_SSO_URL"],
                x509cert=env.get("TURNABOUT_SAML_IDP_X509CERT", ""),
                sp_entity_id=env.get("TURNABOUT_SAML_SP_ENTITY_ID", ""),
            )
        )
    return {
        "openid_connect": {"APPS": oidc, "OAUTH_PKCE_ENABLED": True},
        "saml": {"APPS": saml},
    }
