"""Writes on single sign-on: identity providers (allauth `SocialApp` rows) and the policy.

Org admins only; every change audited (never with the client secret in it). A provider's
secret is write-only: the page never shows it back, leaving the field empty keeps it.
"""

from __future__ import annotations

import re

from allauth.socialaccount.models import SocialApp
from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from turnabout.accounts import permissions
from turnabout.accounts.models import SsoSettings
from turnabout.accounts.sso_env import oidc_app, saml_app
from turnabout.common.audit import AuditEvent, audit_record
from turnabout.common.errors import ErrorCode, ValidationFailed, require
from turnabout.common.types import AnyUser

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,40}$")
OIDC = "openid_connect"
SAML = "saml"


def _check_admin(user: AnyUser) -> None:
    require(permissions.is_org_admin(user), _("Only org admins configure single sign-on."))


def _invalid(message: str, field: str) -> ValidationFailed:
    return ValidationFailed(message, code=ErrorCode.SSO_CONFIG_INVALID, field=field)


def _check_slug(slug: str, *, existing: SocialApp | None) -> None:
    if not SLUG_RE.match(slug):
        raise _invalid(_("Use 2-41 lower-case letters, digits and dashes."), "slug")
    clash = SocialApp.objects.filter(provider_id=slug)
    if existing is not None:
        clash = clash.exclude(pk=existing.pk)
    if clash.exists():
        raise _invalid(_("Another identity provider uses this short name."), "slug")


def _check_url(url: str, field: str) -> None:
    if not re.match(r"^https?://[^\s/]+", url):
        raise _invalid(_("Enter the full address, starting with https://."), field)


@transaction.atomic
def sso_oidc_provider_save(
    *,
    acting_user: AnyUser,
    name: str,
    slug: str,
    server_url: str,
    client_id: str,
    secret: str,
    app: SocialApp | None = None,
) -> SocialApp:
    """Add or change an OpenID Connect provider. An empty `secret` keeps the stored one."""
    _check_admin(acting_user)
    _check_slug(slug, existing=app)
    _check_url(server_url, "server_url")
    if not client_id.strip():
        raise _invalid(_("Enter the client ID the identity provider gave Turnabout."), "client_id")
    if app is None and not secret:
        raise _invalid(_("Enter the client secret."), "secret")
    config = oidc_app(
        provider_id=slug,
        name=name,
        server_url=server_url,
        client_id=client_id.strip(),
        secret=secret or (app.secret if app else ""),
    )
    return _save(app, OIDC, config, acting_user=acting_user)


@transaction.atomic
def sso_saml_provider_save(
    *,
    acting_user: AnyUser,
    name: str,
    slug: str,
    entity_id: str,
    sso_url: str,
    x509cert: str,
    app: SocialApp | None = None,
) -> SocialApp:
    """Add or change a SAML identity provider (entity ID, sign-on URL, signing certificate)."""
    _check_admin(acting_user)
    _check_slug(slug, existing=app)
    _check_url(sso_url, "sso_url")
    if not entity_id.strip():
        raise _invalid(_("Enter the identity provider's entity ID."), "entity_id")
    if "BEGIN CERTIFICATE" not in x509cert and len(x509cert.strip()) < 100:
        raise _invalid(_("Paste the identity provider's signing certificate (PEM)."), "x509cert")
    config = saml_app(
        slug=slug, name=name, entity_id=entity_id.strip(), sso_url=sso_url, x509cert=x509cert
    )
    return _save(app, SAML, config, acting_user=acting_user)


def _save(
    app: SocialApp | None, provider: str, config: dict[str, object], *, acting_user: AnyUser
) -> SocialApp:
    created = app is None
    app = app or SocialApp(provider=provider)
    old = {"name": app.name, "provider_id": app.provider_id, "client_id": app.client_id}
    app.provider = provider
    app.provider_id = str(config["provider_id"])
    app.name = str(config["name"])[:40]
    app.client_id = str(config["client_id"])
    app.secret = str(config.get("secret", ""))
    settings = dict(app.settings or {})
    settings.update(config["settings"])  # type: ignore[call-overload]
    app.settings = settings
    app.save()
    new = {"name": app.name, "provider_id": app.provider_id, "client_id": app.client_id}
    audit_record(
        actor=acting_user,
        event=AuditEvent.SSO_PROVIDER_SAVED,
        target=app,
        changes={key: (None if created else old[key], new[key]) for key in new},
        message=provider,
    )
    return app


@transaction.atomic
def sso_provider_delete(app: SocialApp, *, acting_user: AnyUser) -> None:
    _check_admin(acting_user)
    audit_record(
        actor=acting_user, event=AuditEvent.SSO_PROVIDER_DELETED, target=app, message=app.provider
    )
    app.delete()


@transaction.atomic
def sso_settings_update(
    *, acting_user: AnyUser, sso_only: bool, break_glass_user: User | None
) -> SsoSettings:
    """Turn SSO-only on or off. On needs a provider and an active org admin as break-glass."""
    _check_admin(acting_user)
    if sso_only:
        from django.conf import settings as django_settings

        configured = SocialApp.objects.exists() or any(
            provider.get("APPS") for provider in django_settings.SOCIALACCOUNT_PROVIDERS.values()
        )
        if not configured:
            raise _invalid(_("Add an identity provider before turning SSO-only on."), "sso_only")
        if break_glass_user is None or not (
            break_glass_user.is_active and permissions.is_org_admin(break_glass_user)
        ):
            raise _invalid(
                _("Choose an active org admin who can still sign in with a password."),
                "break_glass_user",
            )
    row = SsoSettings.objects.select_for_update().first() or SsoSettings()
    old = (row.sso_only, row.break_glass_user_id)
    row.sso_only = sso_only
    row.break_glass_user = break_glass_user
    row.save()
    audit_record(
        actor=acting_user,
        event=AuditEvent.SSO_SETTINGS_CHANGED,
        target=row,
        changes={
            "sso_only": (old[0], row.sso_only),
            "break_glass_user": (old[1], row.break_glass_user_id),
        },
    )
    return row
