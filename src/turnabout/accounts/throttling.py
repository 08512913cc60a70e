"""Login throttling with django-axes: who is locked out, and unlocking them.

Axes counts failed logins per account (the email typed) and per network address, each on
its own: after `AXES_FAILURE_LIMIT` failures (10 by default) either one is locked for
`AXES_COOLOFF_TIME` (15 minutes), and a locked login answers 429 whatever the password.
An org admin can lift a lock early from the lockouts page (`login_unlock`). Locks, unlocks,
logins and failed logins are all in the audit log (see `accounts/signals.py`).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.core.cache import cache
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from turnabout.accounts import permissions
from turnabout.common.audit import AuditEvent, audit_record
from turnabout.common.errors import DomainError, ErrorCode, require
from turnabout.common.types import AnyUser

TOKEN_RATE_WINDOW = 60  # seconds


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: Mapping[str, Any] | None = None,
) -> HttpResponse:
    """The page a locked-out login gets: 429 with Retry-After, and what to do next."""
    cooloff: timedelta = settings.AXES_COOLOFF_TIME
    response = render(
        request,
        "account/locked_out.html",
        {"cooloff_minutes": max(1, int(cooloff.total_seconds() // 60))},
        status=429,
    )
    response["Retry-After"] = str(int(cooloff.total_seconds()))
    return response


def login_identifier(request: HttpRequest | None, credentials: Mapping[str, Any] | None) -> str:
    """The account a login attempt is for: the email typed, lower-cased.

    allauth authenticates with `email=`, Django's own forms with `username=`, and the login
    form posts the identifier as `login`: axes must count all three as the same account.
    """
    creds = credentials or {}
    value = creds.get("email") or creds.get("username") or creds.get("login")
    if not value and request is not None and request.method == "POST":
        value = request.POST.get("login") or request.POST.get("username")
    return str(value or "").strip().lower()


@dataclass(frozen=True)
class Lockout:
    """An account or a network address that may not log in until `until`."""

    kind: str  # "account" or "address"
    value: str
    failures: int
    last_attempt: datetime
    until: datetime


def _cooloff_start() -> datetime:
    return timezone.now() - settings.AXES_COOLOFF_TIME


def lockout_list(*, user: AnyUser) -> list[Lockout]:
    """Accounts and addresses locked right now (org admins only)."""
    require(permissions.is_org_admin(user), _("Only org admins see login lockouts."))
    recent = AccessAttempt.objects.filter(attempt_time__gte=_cooloff_start())
    limit = settings.AXES_FAILURE_LIMIT
    locks: list[Lockout] = []
    for kind, column in (("account", "username"), ("address", "ip_address")):
        rows = (
            recent.filter(**{f"{column}__isnull": False})
            .exclude(**{f"{column}__in": [""]} if column == "username" else {})
            .values(column)
            .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
            .filter(failures__gte=limit)
            .order_by("-last")
        )
        locks.extend(
            Lockout(
                kind=kind,
                value=str(row[column]),
                failures=int(row["failures"]),
                last_attempt=row["last"],
                until=row["last"] + settings.AXES_COOLOFF_TIME,
            )
            for row in rows[:200]
        )
    return locks


def login_unlock(*, kind: str, value: str, acting_user: AnyUser) -> int:
    """Lift the lock on an account (`kind="account"`) or a network address; audited."""
    require(permissions.is_org_admin(acting_user), _("Only org admins unlock logins."))
    if kind == "account":
        removed = reset(username=value)
    elif kind == "address":
        removed = reset(ip=value)
    else:
        raise ValueError(kind)
    audit_record(
        actor=acting_user,
        event=AuditEvent.LOGIN_UNLOCKED,
        message=_("Unlocked %(kind)s %(value)s (%(count)d attempt records cleared).")
        % {"kind": kind, "value": value, "count": removed},
    )
    return int(removed)


class TokenRateLimited(DomainError):
    """Too many API calls with one token in the current minute (HTTP 429, Retry-After)."""

    code = ErrorCode.RATE_LIMITED
    status = 429


def token_rate_check(token_id: int, *, now: float | None = None) -> None:
    """Count one API call for this token; refuse past `TURNABOUT_TOKEN_RATE_LIMIT` a minute.

    A fixed one-minute window per token, counted in the shared cache (Redis or the cache
    table), so every app server counts the same calls. `params.retry_after` (and the
    `Retry-After` header) says how many seconds until the window ends.
    """
    limit: int = settings.TURNABOUT_TOKEN_RATE_LIMIT
    if limit <= 0:
        return
    moment = time.time() if now is None else now
    window = int(moment // TOKEN_RATE_WINDOW)
    key = f"turnabout:token-rate:{token_id}:{window}"
    cache.add(key, 0, timeout=TOKEN_RATE_WINDOW * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: this call starts the window
        cache.set(key, 1, timeout=TOKEN_RATE_WINDOW * 2)
        count = 1
    if count > limit:
        retry_after = max(1, int((window + 1) * TOKEN_RATE_WINDOW - moment))
        raise TokenRateLimited(
            _("This token made more than %(limit)d calls this minute: retry in %(seconds)d s.")
            % {"limit": limit, "seconds": retry_after},
            params={"retry_after": retry_after, "limit": limit},
        )
