"""The organisation's sign-in policy: SSO-only or not, and who may still use a password.

Read from the one `SsoSettings` row (the org admin's settings page) and from the
environment (`TURNABOUT_SSO_ONLY=1`, `TURNABOUT_BREAK_GLASS_EMAILS=a@x,b@y`), so that an
installation configured by its operator needs no click. With SSO-only on, password sign-in
and password resets work only for the break-glass admins: the way in when the identity
provider is down or misconfigured.
"""

from __future__ import annotations

import os

from turnabout.accounts.models import SsoSettings


def _env_emails() -> set[str]:
    raw = os.environ.get("TURNABOUT_BREAK_GLASS_EMAILS", "")
    return {item.strip().lower() for item in raw.split(",") if item.strip()}


def sso_settings_get() -> SsoSettings:
    row = SsoSettings.objects.select_related("break_glass_user").first()
    return row if row is not None else SsoSettings()


def sso_only() -> bool:
    if os.environ.get("TURNABOUT_SSO_ONLY", "").strip().lower() in {"1", "true", "yes", "on"}:
        return True
    return sso_settings_get().sso_only


def break_glass_emails() -> set[str]:
    emails = _env_emails()
    user = sso_settings_get().break_glass_user
    if user is not None and user.email:
        emails.add(user.email.lower())
    return emails


def password_login_allowed(identifier: str) -> bool:
    """May this email sign in with a password (or ask for a reset) under the current policy?"""
    if not sso_only():
        return True
    return identifier.strip().lower() in break_glass_emails()
