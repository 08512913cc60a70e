from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from turnabout.people import services
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
        """Edits go through the people services: checked and audited like any change."""
        note = "Edited in the admin site."
        if not change:
            services.person_create(obj, acting_user=request.user, note=note)
            return
        stored = self.get_queryset(request).get(pk=obj.pk)
        changes = {
            name: form.cleaned_data[name] for name in form.changed_data if name != "resource_groups"
        }
        services.person_update(stored, changes=changes, acting_user=request.user, note=note)


@admin.register(ResourceGroup)
class ResourceGroupAdmin(admin.ModelAdmin[ResourceGroup]):
    search_fields = ["name"]


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin[Skill]):
    list_display = ["name", "category"]
    list_filter = ["category"]
    search_fields = ["name"]
