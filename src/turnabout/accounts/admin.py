from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import HttpRequest

from turnabout.accounts.models import ApiToken, Role, RoleAssignment
from turnabout.accounts.services import role_grant, role_revoke


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin[RoleAssignment]):
    """Grants and revocations go through the role service (its checks and audit record)."""

    list_display = ["user", "role", "created_at"]
    list_filter = ["role"]
    raw_id_fields = ["user"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoke and grant again instead

    def save_model(
        self, request: HttpRequest, obj: RoleAssignment, form: Any, change: bool
    ) -> None:
        granted = role_grant(obj.user, Role(obj.role), acting_user=request.user)
        obj.pk = granted.pk

    def delete_model(self, request: HttpRequest, obj: RoleAssignment) -> None:
        role_revoke(obj.user, Role(obj.role), acting_user=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[RoleAssignment]) -> None:
        for assignment in queryset.select_related("user"):
            role_revoke(assignment.user, Role(assignment.role), acting_user=request.user)


admin.site.unregister(User)


@admin.register(User)
class AccountAdmin(UserAdmin[User]):
    """Staff and superuser status follow the org admin role (granted through the role
    service); groups and model permissions are not used. None of them is editable here."""

    readonly_fields = ["is_staff", "is_superuser", "groups", "user_permissions", "last_login"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    """Read-only: tokens are issued and revoked through the services (audited)."""

    list_display = ["name", "prefix", "user", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["user", "name", "prefix", "key_hash", "last_used_at", "revoked_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
