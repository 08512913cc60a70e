"""The audit log's filters (django-filter), applied inside `accounts.selectors.audit_filter`."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from turnabout.common.audit import event_label
from turnabout.common.filters import ListFilter
from turnabout.common.models import AuditRecord


class AuditFilterForm(forms.Form):
    """The form django-filter builds, plus the check that the dates are in order."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            raise forms.ValidationError(_("'From' must be on or before 'To'."))
        return cleaned


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


class AuditFilter(ListFilter):
    actor = django_filters.CharFilter(
        label=_("Actor"), field_name="actor_label", lookup_expr="icontains", max_length=254
    )
    event = django_filters.ChoiceFilter(label=_("Event"), empty_label=_("Any event"))
    target = django_filters.CharFilter(
        label=_("Target"), field_name="target_label", lookup_expr="icontains", max_length=255
    )
    since = django_filters.DateFilter(
        label=_("From"), method="filter_since", widget=forms.DateInput(attrs={"type": "date"})
    )
    until = django_filters.DateFilter(
        label=_("To"), method="filter_until", widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = AuditRecord
        fields = ["actor", "event", "target", "since", "until"]
        form = AuditFilterForm

    def __init__(self, *args: Any, events: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(e, event_label(e)) for e in events or []]
        self.filters["event"].extra["choices"] = sorted(choices, key=lambda c: c[1])

    def filter_since(
        self, queryset: QuerySet[AuditRecord], name: str, value: date
    ) -> QuerySet[AuditRecord]:
        return queryset.filter(created_at__gte=_day_start(value))

    def filter_until(
        self, queryset: QuerySet[AuditRecord], name: str, value: date
    ) -> QuerySet[AuditRecord]:
        return queryset.filter(created_at__lt=_day_start(value + timedelta(days=1)))
