from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils import timezone

from turnabout.accounts import permissions
from turnabout.accounts.filters import AuditFilter
from turnabout.accounts.models import ApiToken, Role, RoleAssignment, ServiceAccount
from turnabout.accounts.services import TOKEN_PREFIX, hash_token
from turnabout.common.errors import PermissionDenied
from turnabout.common.models import AuditRecord
from turnabout.common.types import AnyUser

LAST_USED_RESOLUTION = timedelta(minutes=5)


def live_token(secret: str) -> ApiToken | None:
    """The token with this secret if it is live (not revoked, not expired, its account
    active), with its user; None otherwise. Records the use (to 5 minutes)."""
    if not secret.startswith(f"{TOKEN_PREFIX}_") or len(secret) > 200:
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(
            key_hash=hash_token(secret),
            revoked_at__isnull=True,
            expires_at__gt=now,
            user__is_active=True,
        )
        .first()
    )
    if token is None:
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        # Bookkeeping, not a business write: throttled so reads stay cheap.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def token_user(secret: str) -> User | None:
    """The active user a live bearer token acts as, or None."""
    token = live_token(secret)
    return token.user if token is not None else None


def token_list(*, user: AnyUser) -> QuerySet[ApiToken]:
    if not permissions.is_org_admin(user):
        raise PermissionDenied("Only org admins see API tokens.")
    return ApiToken.objects.select_related("user", "user__service_account").all()


def service_account_list(*, user: AnyUser) -> QuerySet[ServiceAccount]:
    if not permissions.is_org_admin(user):
        raise PermissionDenied("Only org admins see integrations.")
    return ServiceAccount.objects.select_related("user").all()


# --- The audit log (org admins) ------------------------------------------------------


AUDIT_ORDER = ("-created_at", "-pk")  # unique: the keyset of the log's pages


def audit_filter(*, user: AnyUser, filters: Mapping[str, Any] | None = None) -> AuditFilter:
    """The audit log filtered by `filters` (query parameters); org admins only. Its
    `.filtered` is the records, its `.form` the page's filter form."""
    if not permissions.can_view_audit_log(user):
        raise PermissionDenied("Only org admins can read the audit log.")
    events = sorted(set(AuditRecord.objects.values_list("event", flat=True).distinct()))
    return AuditFilter(
        filters or None, queryset=AuditRecord.objects.order_by(*AUDIT_ORDER), events=events
    )


def audit_list(*, user: AnyUser, filters: Mapping[str, Any] | None = None) -> QuerySet[AuditRecord]:
    return audit_filter(user=user, filters=filters).filtered


def role_holders(*, user: AnyUser) -> dict[str, list[User]]:
    """Active accounts per role, for the roles page (org admins only)."""
    if not permissions.can_manage_roles(user):
        raise PermissionDenied("Only org admins manage roles.")
    holders: dict[str, list[User]] = {role.value: [] for role in Role}
    rows = (
        RoleAssignment.objects.select_related("user")
        .filter(user__is_active=True)
        .order_by("user__last_name", "user__first_name", "user__email")
    )
    for row in rows:
        holders[row.role].append(row.user)
    return holders


def roles_of_account(*, user: AnyUser, account_id: int) -> list[str]:
    """The roles of one account, for a person's page (org admins only)."""
    if not permissions.can_manage_roles(user):
        return []
    return sorted(RoleAssignment.objects.filter(user_id=account_id).values_list("role", flat=True))
