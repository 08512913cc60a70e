from django.contrib import admin
from django.http import HttpRequest

from turnabout.common.models import AuditRecord


@admin.register(AuditRecord)
class AuditRecordAdmin(admin.ModelAdmin[AuditRecord]):
    """The audit log is append-only: nobody edits or deletes it here."""

    list_display = ["created_at", "actor_label", "event", "target_label"]
    list_filter = ["event"]
    search_fields = ["actor_label", "target_label", "message"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
