"""Read-only views of runs and pairs: every change goes through the services (pages, API)."""

from django.contrib import admin
from django.http import HttpRequest

from turnabout.pairing.models import MatchRun, Mentorship, PairExclusion


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(MatchRun)
class MatchRunAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "kind", "status", "matched", "mean_score", "published_at"]
    list_filter = ["status", "kind"]


@admin.register(Mentorship)
class MentorshipAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "cohort", "status", "created_at"]
    list_filter = ["status"]
    list_select_related = ["mentor", "mentee", "cohort__program"]


@admin.register(PairExclusion)
class PairExclusionAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "cohort", "reason", "created_at"]
