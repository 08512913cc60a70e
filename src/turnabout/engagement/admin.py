"""Admin: read-only (conversation guides are managed in the resource library pages).

Private reflections are deliberately not registered: nobody but their author ever sees
one, and that includes the admin site. Session logs are not registered either (their
ratings are private to their authors).
"""

from django.contrib import admin
from django.http import HttpRequest

from turnabout.engagement.models import MentoringSession, Reminder


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(MentoringSession)
class MentoringSessionAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "starts_at", "status", "outcome", "sequence"]
    list_filter = ["status", "outcome"]
    exclude = ["agenda"]


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ["kind", "target", "period", "created_at", "sent_at"]
    list_filter = ["kind"]
