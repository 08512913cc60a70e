from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet

from turnabout.accounts import permissions
from turnabout.common.errors import PermissionDenied
from turnabout.common.filters import AuditFilter
from turnabout.common.models import AuditRecord
from turnabout.common.types import AnyUser


def audit_filter(*, user: AnyUser, filters: Mapping[str, Any] | None = None) -> AuditFilter:
    """The audit log filtered by `filters` (query parameters); org admins only. Its `.qs`
    is the records, its `.form` the filter form of the page."""
    if not permissions.can_view_audit_log(user):
        raise PermissionDenied("Only org admins can read the audit log.")
    events = sorted(set(AuditRecord.objects.values_list("event", flat=True).distinct()))
    return AuditFilter(filters or None, queryset=AuditRecord.objects.all(), events=events)


def audit_list(*, user: AnyUser, filters: Mapping[str, Any] | None = None) -> QuerySet[AuditRecord]:
    return audit_filter(user=user, filters=filters).filtered


def audit_events_in_use(*, user: AnyUser) -> list[str]:
    if not permissions.can_view_audit_log(user):
        raise PermissionDenied("Only org admins can read the audit log.")
    return sorted(set(AuditRecord.objects.values_list("event", flat=True).distinct()))
