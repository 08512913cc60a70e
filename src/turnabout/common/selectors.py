from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from turnabout.accounts import permissions
from turnabout.common.errors import PermissionDenied
from turnabout.common.models import AuditRecord
from turnabout.common.types import AnyUser


@dataclass(frozen=True)
class AuditFilters:
    actor: str = ""
    event: str = ""
    target: str = ""
    since: date | None = None
    until: date | None = None


def audit_list(*, user: AnyUser, filters: AuditFilters | None = None) -> QuerySet[AuditRecord]:
    if not permissions.can_view_audit_log(user):
        raise PermissionDenied("Only org admins can read the audit log.")
    filters = filters or AuditFilters()
    qs = AuditRecord.objects.all()
    if filters.actor:
        qs = qs.filter(actor_label__icontains=filters.actor)
    if filters.event:
        qs = qs.filter(event=filters.event)
    if filters.target:
        qs = qs.filter(target_label__icontains=filters.target)
    tz = timezone.get_current_timezone()
    if filters.since:
        qs = qs.filter(created_at__gte=datetime.combine(filters.since, time.min, tzinfo=tz))
    if filters.until:
        end = datetime.combine(filters.until + timedelta(days=1), time.min, tzinfo=tz)
        qs = qs.filter(created_at__lt=end)
    return qs


def audit_events_in_use(*, user: AnyUser) -> list[str]:
    if not permissions.can_view_audit_log(user):
        raise PermissionDenied("Only org admins can read the audit log.")
    return sorted(set(AuditRecord.objects.values_list("event", flat=True).distinct()))
