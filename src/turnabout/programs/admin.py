"""Read-only admin: every change goes through the services (pages, API), which audit it."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from turnabout.programs.models import Cohort, CohortPhaseChange, InterestSurvey, Objective, Program


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ObjectiveInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Objective
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Program)
class ProgramAdmin(ReadOnlyAdmin):
    list_display = ["name", "format", "duration_months", "mentor_max_level", "mentee_min_level"]
    search_fields = ["name"]
    inlines = [ObjectiveInline]


@admin.register(Cohort)
class CohortAdmin(ReadOnlyAdmin):
    list_display = ["name", "program", "phase", "starts_on", "ends_on"]
    list_filter = ["phase", "program"]


@admin.register(CohortPhaseChange)
class CohortPhaseChangeAdmin(ReadOnlyAdmin):
    list_display = ["cohort", "from_phase", "to_phase", "actor_label", "at"]
    list_filter = ["to_phase"]


@admin.register(InterestSurvey)
class InterestSurveyAdmin(ReadOnlyAdmin):
    list_display = ["cohort"]
