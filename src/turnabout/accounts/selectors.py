from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils import timezone

from turnabout.accounts import permissions
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


@dataclass(frozen=True)
class AuditFilters:
    actor: str = ""
    event: str = ""
    target: str = ""
    since: date | None = None
    until: date | None = None


def audit_list(*, user: AnyUser, filters: AuditFilters | None = None) -> QuerySet[AuditRecord]:
    if not permissions.can_view_audit_log(user):
        raise PermissionDenied("Only org admins can read the audit log.")
    filters = filters or AuditFilters()
    qs = AuditRecord.objects.all()
    if filters.actor:
        qs = qs.filter(actor_label__icontains=filters.actor)
    if filters.event:
        qs = qs.filter(event=filters.event)
    if filters.target:
        qs = qs.filter(target_label__icontains=filters.target)
    tz = timezone.get_current_timezone()
    if filters.since:
        qs = qs.filter(created_at__gte=datetime.combine(filters.since, time.min, tzinfo=tz))
    if filters.until:
        end = datetime.combine(filters.until + timedelta(days=1), time.min, tzinfo=tz)
        qs = qs.filter(created_at__lt=end)
    return qs


def audit_events_in_use(*, user: AnyUser) -> list[str]:
    if not permissions.can_view_audit_log(user):
        raise PermissionDenied("Only org admins can read the audit log.")
    return sorted(set(AuditRecord.objects.values_list("event", flat=True).distinct()))


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
