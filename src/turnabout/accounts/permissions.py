"""Who may do what. Every selector and view asks here; nowhere else decides.

Roles: organisation admin, program manager, executive sponsor (held in RoleAssignment).
Whether an account is a participant (linked to an employee record) is
`people.permissions.is_participant`.
"""

from __future__ import annotations

from turnabout.accounts.models import Role, RoleAssignment
from turnabout.common.types import AnyUser

_CACHE_ATTR = "_turnabout_roles"


def roles_of(user: AnyUser) -> frozenset[str]:
    """The roles a user holds, read once per request object."""
    if not user.is_authenticated:
        return frozenset()
    cached: frozenset[str] | None = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = frozenset(
            RoleAssignment.objects.filter(user_id=user.pk).values_list("role", flat=True)
        )
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_roles(user: AnyUser) -> None:
    """Drop the cached roles after a grant or revoke."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def is_org_admin(user: AnyUser) -> bool:
    return Role.ORG_ADMIN in roles_of(user)


def is_program_manager(user: AnyUser) -> bool:
    return Role.PROGRAM_MANAGER in roles_of(user)


def is_sponsor(user: AnyUser) -> bool:
    return Role.SPONSOR in roles_of(user)


def can_view_people(user: AnyUser) -> bool:
    """Person-level HR data: org admins and program managers (they build cohorts)."""
    return is_org_admin(user) or is_program_manager(user)


def can_import_people(user: AnyUser) -> bool:
    return is_org_admin(user)


def can_edit_people(user: AnyUser) -> bool:
    """Who corrects an employee record by hand (the admin site): org admins, and superusers,
    who reach the admin site anyway."""
    return is_org_admin(user) or bool(user.is_active and getattr(user, "is_superuser", False))


def can_invite_people(user: AnyUser) -> bool:
    return is_org_admin(user)


def can_view_audit_log(user: AnyUser) -> bool:
    return is_org_admin(user)


def can_manage_roles(user: AnyUser) -> bool:
    return is_org_admin(user)


def can_view_aggregates(user: AnyUser) -> bool:
    """Organisation-wide counts (no person-level data): sponsors, managers and admins."""
    return is_org_admin(user) or is_program_manager(user) or is_sponsor(user)
