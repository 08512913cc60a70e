"""Read-only admin: every change goes through the services (pages, API), which audit it."""

from __future__ import annotations

from django.contrib import admin

from turnabout.enrollment.models import Application, CustomQuestion
from turnabout.programs.admin import ReadOnlyAdmin


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ["person", "cohort", "role", "status", "created_at"]
    list_filter = ["role", "status", "cohort"]
    list_select_related = ["person", "cohort__program"]
    search_fields = ["person__last_name", "person__email"]


@admin.register(CustomQuestion)
class CustomQuestionAdmin(ReadOnlyAdmin):
    list_display = ["text", "cohort", "kind", "required"]
