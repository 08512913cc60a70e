from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from turnabout.common.audit import AuditEvent, audit_record
from turnabout.people.models import Employee, ResourceGroup, Skill


@admin.register(Employee)
class EmployeeAdmin(admin.ModelAdmin[Employee]):
    list_display = [
        "employee_id",
        "first_name",
        "last_name",
        "email",
        "department",
        "level",
        "status",
    ]
    list_filter = ["status", "department", "location", "level"]
    search_fields = ["employee_id", "first_name", "last_name", "email", "title"]
    raw_id_fields = ["manager", "user"]
    # Resource-group memberships are used in aggregate only, never shown per person; the
    # consented sensitive attributes are not registered here at all (docs/privacy.md).
    exclude = ["resource_groups"]

    def save_model(self, request: HttpRequest, obj: Employee, form: Any, change: bool) -> None:
        """Edits made here land in the audit log like every other change."""
        old = Employee.objects.filter(pk=obj.pk).values().first() if change else None
        super().save_model(request, obj, form, change)
        fields = [f for f in form.changed_data if f != "resource_groups"]
        changes = {f: (old.get(f) if old else None, getattr(obj, f)) for f in fields}
        audit_record(
            actor=request.user,
            event=AuditEvent.PERSON_UPDATED if change else AuditEvent.PERSON_CREATED,
            target=obj,
            changes=changes,
            message="Edited in the admin site.",
        )


@admin.register(ResourceGroup)
class ResourceGroupAdmin(admin.ModelAdmin[ResourceGroup]):
    search_fields = ["name"]


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin[Skill]):
    list_display = ["name", "category"]
    list_filter = ["category"]
    search_fields = ["name"]
