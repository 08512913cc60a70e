# ruff: noqa: E501  (the SAML response below is an XML literal with long URNs)
"""Real identity providers for the SSO tests: an OIDC provider (the `oidc-provider-mock`
package) started on localhost, and a SAML IdP simulated with a key pair made in the test
and assertions signed with xmlsec (python3-saml)."""

from __future__ import annotations

import base64
import datetime as dt
import json
import socket
import subprocess
import sys
import time
import uuid
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from turnabout.accounts.sso_env import providers_from_env

OIDC_USERS = [
    {"sub": "alice", "email": "alice@example.com", "email_verified": True, "name": "Alice A"},
    {"sub": "bob", "email": "bob@elsewhere.example", "email_verified": True},
    {"sub": "carol", "email": "carol@example.com", "email_verified": True},
    {"sub": "dave", "email": "dave@example.com", "email_verified": False},
    {
        "sub": "erin",
        "email": "erin@example.com",
        "email_verified": True,
        "groups": ["hr-admins", "everyone"],
    },
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class OidcProvider:
    url: str

    def authorize(self, authorize_url: str, sub: str) -> str:
        """Sign `sub` in on the provider's page; returns the callback URL it redirects to."""
        response = httpx.post(authorize_url, data={"sub": sub}, follow_redirects=False)
        assert response.status_code in (302, 303), response.text[:500]
        return str(response.headers["location"])


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[OidcProvider]:
    port = free_port()
    command = [sys.executable, "-m", "oidc_provider_mock", "-p", str(port), "-H", "127.0.0.1"]
    for user in OIDC_USERS:
        command += ["--user-claims", json.dumps(user)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{url}/.well-known/openid-configuration").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("the OIDC provider did not start")
            time.sleep(0.2)
        yield OidcProvider(url=url)
    finally:
        process.terminate()
        process.wait(timeout=10)


def oidc_settings(provider: OidcProvider) -> dict[str, object]:

    return providers_from_env(
        {
            "TURNABOUT_OIDC_SERVER_URL": provider.url,
            "TURNABOUT_OIDC_CLIENT_ID": "turnabout",
            "TURNABOUT_OIDC_CLIENT_SECRET": "s3cret",
        }
    )


# --- SAML -----------------------------------------------------------------------------------

SP_HOST = "mentoring.example.com"  # python3-saml refuses the test client's "testserver"
IDP_ENTITY_ID = "https://idp.example.com/saml"
IDP_SSO_URL = "https://idp.example.com/saml/sso"
SAML_SLUG = "acme"


@dataclass(frozen=True)
class SamlIdp:
    key_pem: str
    cert_pem: str

    def response(
        self,
        *,
        email: str,
        in_response_to: str,
        acs_url: str,
        audience: str,
        minutes_valid: int = 5,
        issued_minutes_ago: int = 0,
        key_pem: str | None = None,
        cert_pem: str | None = None,
    ) -> str:
        """A SAML Response with one assertion about `email`, signed by this IdP."""
        from onelogin.saml2.utils import OneLogin_Saml2_Utils

        now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=issued_minutes_ago)

        def stamp(moment: dt.datetime) -> str:
            return moment.strftime("%Y-%m-%dT%H:%M:%SZ")

        until = stamp(now + dt.timedelta(minutes=minutes_valid))
        xml = f"""<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"
 xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_{uuid.uuid4().hex}" Version="2.0"
 IssueInstant="{stamp(now)}" Destination="{acs_url}" InResponseTo="{in_response_to}">
 <saml:Issuer>{IDP_ENTITY_ID}</saml:Issuer>
 <samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>
 <saml:Assertion ID="_{uuid.uuid4().hex}" Version="2.0" IssueInstant="{stamp(now)}">
  <saml:Issuer>{IDP_ENTITY_ID}</saml:Issuer>
  <saml:Subject>
   <saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">{email}</saml:NameID>
   <saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">
    <saml:SubjectConfirmationData NotOnOrAfter="{until}" Recipient="{acs_url}"
     InResponseTo="{in_response_to}"/>
   </saml:SubjectConfirmation>
  </saml:Subject>
  <saml:Conditions NotBefore="{stamp(now - dt.timedelta(minutes=1))}" NotOnOrAfter="{until}">
   <saml:AudienceRestriction><saml:Audience>{audience}</saml:Audience></saml:AudienceRestriction>
  </saml:Conditions>
  <saml:AuthnStatement AuthnInstant="{stamp(now)}" SessionIndex="_s{uuid.uuid4().hex}">
   <saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:Password</saml:AuthnContextClassRef></saml:AuthnContext>
  </saml:AuthnStatement>
  <saml:AttributeStatement>
   <saml:Attribute Name="uid"><saml:AttributeValue>{email.split("@")[0]}</saml:AttributeValue></saml:Attribute>
   <saml:Attribute Name="email"><saml:AttributeValue>{email}</saml:AttributeValue></saml:Attribute>
   <saml:Attribute Name="groups"><saml:AttributeValue>everyone</saml:AttributeValue></saml:Attribute>
  </saml:AttributeStatement>
 </saml:Assertion>
</samlp:Response>"""
        signed = OneLogin_Saml2_Utils.add_sign(
            xml,
            key_pem or self.key_pem,
            cert_pem or self.cert_pem,
            sign_algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
            digest_algorithm="http://www.w3.org/2001/04/xmlenc#sha256",
        )
        return signed.decode() if isinstance(signed, bytes) else str(signed)


def make_key_pair(common_name: str = "Test IdP") -> tuple[str, str]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode()
    return key_pem, cert.public_bytes(serialization.Encoding.PEM).decode()


@pytest.fixture(scope="session")
def saml_idp() -> SamlIdp:
    key_pem, cert_pem = make_key_pair()
    return SamlIdp(key_pem=key_pem, cert_pem=cert_pem)


def saml_settings(idp: SamlIdp) -> dict[str, object]:

    return providers_from_env(
        {
            "TURNABOUT_SAML_ID": SAML_SLUG,
            "TURNABOUT_SAML_IDP_ENTITY_ID": IDP_ENTITY_ID,
            "TURNABOUT_SAML_IDP_SSO_URL": IDP_SSO_URL,
            "TURNABOUT_SAML_IDP_X509CERT": idp.cert_pem,
        }
    )


def saml_request_id(redirect_url: str) -> str:
    """The ID of the AuthnRequest the SP sent (deflated, base64 in the redirect URL)."""
    import re

    encoded = parse_qs(urlparse(redirect_url).query)["SAMLRequest"][0]
    xml = zlib.decompress(base64.b64decode(encoded), -15).decode()
    match = re.search(r'ID="([^"]+)"', xml)
    assert match
    return match.group(1)
