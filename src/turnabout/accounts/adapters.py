"""How django-allauth fits Turnabout: no self-service sign-up, reset links from SITE_URL,
password login off when SSO-only is on (the break-glass admin excepted), and SSO identities
matched to imported employees (see `accounts/sso.py`)."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from django import forms
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from turnabout.accounts import sso
from turnabout.common.audit import AuditEvent, audit_record
from turnabout.common.email import send_templated_email, site_url


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Accounts come from the HR import (an invitation) or from SSO, never a sign-up form.
        return False

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        from turnabout.accounts.sso_settings import password_login_allowed

        super().pre_authenticate(request, **credentials)
        identifier = credentials.get("email") or credentials.get("username") or ""
        if not password_login_allowed(str(identifier)):
            raise forms.ValidationError(
                _("Sign in with your company login: password sign-in is turned off."),
                code="sso_only",
            )

    def get_reset_password_from_key_url(self, key: str) -> str:
        """The link in a reset email points at SITE_URL, never at the Host header of the
        request that asked for it (a forged Host must not receive somebody's reset key)."""
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return site_url(path.replace("UID-KEY", key))

    def send_password_reset_mail(
        self, user: AbstractBaseUser, email: str, context: dict[str, Any]
    ) -> None:
        from turnabout.accounts.sso_settings import password_login_allowed

        if not password_login_allowed(email):
            return  # SSO-only: a password would not let them in anyway
        audit_record(actor=None, event=AuditEvent.PASSWORD_RESET_REQUESTED, target=user)
        send_templated_email(
            "accounts/emails/password_reset",
            {
                "first_name": getattr(user, "first_name", ""),
                "email": email,
                "action_url": context["password_reset_url"],
                "action_label": _("Choose a new password"),
            },
            to=[email],
        )


def _refuse(request: HttpRequest, refusal: sso.SsoRefused, email: str) -> ImmediateHttpResponse:
    audit_record(
        actor=None,
        event=AuditEvent.SSO_REFUSED,
        message=f"{refusal.reason}: {email}" if email else refusal.reason,
    )
    response = render(request, "account/sso_refused.html", {"message": refusal.message}, status=403)
    return ImmediateHttpResponse(response)


def _explain(reason: str) -> str:
    text = reason.lower()
    if "signature" in text or "digest" in text or "reference" in text:
        return _(
            "The answer from your company login failed its signature check: it was altered on "
            "the way or signed with a key Turnabout does not trust."
        )
    if "expired" in text or "notonorafter" in text or "timestamp" in text:
        return _("The answer from your company login has expired. Start the sign-in again.")
    if "audience" in text:
        return _(
            "The answer from your company login was meant for another application (wrong "
            "audience). Ask your IT team to check Turnabout's entity ID at the identity provider."
        )
    if "cancel" in text or "denied" in text or "access_denied" in text:
        return _("The sign-in was cancelled at your company login.")
    return _("The answer from your company login could not be verified, so you are not signed in.")


def _verified_email(request: HttpRequest, sociallogin: SocialLogin) -> str:
    adapter = DefaultSocialAccountAdapter(request)
    for address in sociallogin.email_addresses:
        if address.verified or adapter.is_email_verified(sociallogin.provider, address.email):
            return str(address.email)
    return ""


def _groups(sociallogin: SocialLogin) -> list[str]:
    """Group names from an OIDC `groups` claim or a SAML `groups` attribute."""
    data: Any = sociallogin.account.extra_data or {}
    candidates: list[Any] = []
    if isinstance(data, dict):
        userinfo = data.get("userinfo") if isinstance(data.get("userinfo"), dict) else {}
        id_token = data.get("id_token") if isinstance(data.get("id_token"), dict) else {}
        candidates = [
            data.get("groups"),
            (userinfo or {}).get("groups"),
            (id_token or {}).get("groups"),
            data.get("http://schemas.microsoft.com/ws/2008/06/identity/claims/groups"),
        ]
    for value in candidates:
        if isinstance(value, str):
            return [value]
        if isinstance(value, list | tuple):
            return [str(item) for item in value]
    return []


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        # `pre_social_login` always connects the login to an account; nothing signs up.
        return False

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        """Match the identity to its employee's account, or refuse with a clear message."""
        email = _verified_email(request, sociallogin)
        try:
            if not email:
                raise sso.SsoRefused(
                    _(
                        "Your company login did not confirm an email address, so we cannot tell "
                        "who you are. Ask your IT team to release a verified email."
                    ),
                    reason="unverified_email",
                )
            user = sso.account_for_verified_email(email)
            if sociallogin.is_existing and sociallogin.user.pk != user.pk:
                raise sso.SsoRefused(
                    _("This company login belongs to another account."), reason="mismatch"
                )
        except sso.SsoRefused as refusal:
            raise _refuse(request, refusal, email) from refusal
        if not sociallogin.is_existing:
            sociallogin.connect(request, user)
        app_settings = sociallogin.provider.app.settings if sociallogin.provider.app else {}
        mapping = sso.group_role_map(app_settings)
        if mapping:
            from turnabout.accounts.services import roles_sync_from_idp

            roles_sync_from_idp(user, sso.roles_for_groups(_groups(sociallogin), mapping), mapping)

    def on_authentication_error(
        self,
        request: HttpRequest,
        provider: Any,
        error: Any = None,
        exception: Any = None,
        extra_context: Any = None,
    ) -> None:
        """Say in plain words why the identity provider's answer was refused, and audit it."""
        reason = str(
            (extra_context or {}).get("saml_last_error_reason") or error or exception or ""
        )
        raise _refuse(request, sso.SsoRefused(_explain(reason), reason=reason[:200]), "")

    def send_notification_mail(self, *args: Any, **kwargs: Any) -> None:
        return None  # "a third-party account was connected": every SSO sign-in would send it
