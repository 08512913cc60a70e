"""The review list's filters (django-filter), applied inside
`enrollment.selectors.applications_for_review`."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from turnabout.common.filters import ListFilter
from turnabout.common.widgets import Picker
from turnabout.enrollment.models import Application, ParticipantRole
from turnabout.people.models import Employee

SEARCH_MAX = 100
SEARCH_WORDS = 5


class ApplicationFilter(ListFilter):
    role = django_filters.ChoiceFilter(
        label=_("Role"), choices=ParticipantRole.choices, empty_label=_("Both roles")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Application.Status.choices, empty_label=_("Any status")
    )
    department = django_filters.ChoiceFilter(
        label=_("Department"),
        field_name="person__department",
        empty_label=_("Any department"),
        widget=Picker,
    )
    level_min = django_filters.NumberFilter(
        label=_("Level from"),
        field_name="person__level",
        lookup_expr="gte",
        min_value=Employee.LEVEL_MIN,
        max_value=Employee.LEVEL_MAX,
    )
    level_max = django_filters.NumberFilter(
        label=_("Level to"),
        field_name="person__level",
        lookup_expr="lte",
        min_value=Employee.LEVEL_MIN,
        max_value=Employee.LEVEL_MAX,
    )
    q = django_filters.CharFilter(label=_("Search"), method="search", max_length=SEARCH_MAX)

    class Meta:
        model = Application
        fields = ["role", "status", "department", "level_min", "level_max", "q"]

    def __init__(self, *args: Any, departments: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if departments is None:  # the API: any department, matched exactly
            self.filters["department"] = django_filters.CharFilter(
                field_name="person__department", max_length=Employee.DEPARTMENT_MAX
            )
        else:
            self.filters["department"].extra["choices"] = [(d, d) for d in departments]

    def search(
        self, queryset: QuerySet[Application], name: str, value: str
    ) -> QuerySet[Application]:
        """Every word (up to five) must match the applicant's name or email, or the goals."""
        for word in value.split()[:SEARCH_WORDS]:
            queryset = queryset.filter(
                Q(person__first_name__icontains=word)
                | Q(person__last_name__icontains=word)
                | Q(person__email__icontains=word)
                | Q(goals__icontains=word)
            )
        return queryset
