"""Sign-in events into the audit log: logins (password or SSO), failed logins, lockouts,
password changes by any path, and two-factor devices added or removed.

Connected in `AccountsConfig.ready()`. Password changes are caught on the user row itself
(`set_password` marks it until saved), so the admin, the reset link, the change form and
`set_password` in a shell are all recorded, not only the views that remember to.
"""

from __future__ import annotations

from typing import Any

from allauth.mfa import signals as mfa_signals
from axes.helpers import get_client_ip_address
from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_save
from django.http import HttpRequest

from turnabout.accounts.throttling import login_identifier
from turnabout.common.audit import AuditEvent, audit_record


def _address(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    try:
        return str(get_client_ip_address(request) or "")
    except (ValueError, TypeError, AttributeError):  # an odd proxy header: never break a login
        return str(request.META.get("REMOTE_ADDR", ""))


def _method(request: HttpRequest | None) -> str:
    session = getattr(request, "session", None)
    records = session.get("account_authentication_methods", []) if session is not None else []
    methods = [
        f"{record.get('method')}:{record['provider']}"
        if record.get("provider")
        else str(record.get("method"))
        for record in records
        if isinstance(record, dict)
    ]
    return " + ".join(dict.fromkeys(methods)) or "password"


def on_logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    audit_record(
        actor=user,
        event=AuditEvent.LOGIN_SUCCEEDED,
        target=user,
        message=f"{_method(request)} from {_address(request) or 'unknown address'}",
    )


def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    audit_record(
        actor=None,
        event=AuditEvent.LOGIN_FAILED,
        message=f"{login_identifier(request, credentials) or '(no email)'} from "
        f"{_address(request) or 'unknown address'}",
    )


def on_locked_out(
    sender: Any, request: HttpRequest | None, username: str | None, ip_address: str, **kw: Any
) -> None:
    audit_record(
        actor=None,
        event=AuditEvent.LOGIN_LOCKED_OUT,
        message=f"{username or '(no email)'} from {ip_address or 'unknown address'}",
    )


def on_user_post_save(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    # `set_password()` keeps the raw password in `_password` until the save completes: that
    # is every real change (forms, the admin, reset links, a shell), and no extra query.
    if not created and getattr(instance, "_password", None) is not None:
        audit_record(actor=None, event=AuditEvent.PASSWORD_CHANGED, target=instance)


def on_authenticator_added(
    sender: Any, request: Any, user: Any, authenticator: Any, **kw: Any
) -> None:
    audit_record(
        actor=user, event=AuditEvent.MFA_ADDED, target=user, message=str(authenticator.type)
    )


def on_authenticator_removed(
    sender: Any, request: Any, user: Any, authenticator: Any, **kw: Any
) -> None:
    audit_record(
        actor=user, event=AuditEvent.MFA_REMOVED, target=user, message=str(authenticator.type)
    )


def connect() -> None:
    user_model = get_user_model()
    user_logged_in.connect(on_logged_in, dispatch_uid="turnabout.audit.logged_in")
    user_login_failed.connect(on_login_failed, dispatch_uid="turnabout.audit.login_failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="turnabout.audit.locked_out")
    post_save.connect(on_user_post_save, sender=user_model, dispatch_uid="turnabout.audit.pw")
    mfa_signals.authenticator_added.connect(
        on_authenticator_added, dispatch_uid="turnabout.audit.mfa_added"
    )
    mfa_signals.authenticator_removed.connect(
        on_authenticator_removed, dispatch_uid="turnabout.audit.mfa_removed"
    )
