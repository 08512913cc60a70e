"""The people list's filters (django-filter), applied inside `people.selectors.people_list`."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from turnabout.common.filters import ListFilter
from turnabout.common.widgets import Picker
from turnabout.people.models import Employee

SEARCH_MAX = 100
SEARCH_WORDS = 5


class PeopleFilterForm(forms.Form):
    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        low, high = cleaned.get("level_min"), cleaned.get("level_max")
        if low is not None and high is not None and low > high:
            raise forms.ValidationError(_("'Level from' must not be above 'Level to'."))
        return cleaned


def _level(label: StrOrPromise, lookup: str) -> django_filters.NumberFilter:
    return django_filters.NumberFilter(
        label=label,
        field_name="level",
        lookup_expr=lookup,
        min_value=Employee.LEVEL_MIN,
        max_value=Employee.LEVEL_MAX,
    )


class PeopleFilter(ListFilter):
    q = django_filters.CharFilter(label=_("Search"), method="search", max_length=SEARCH_MAX)
    department = django_filters.ChoiceFilter(
        label=_("Department"), empty_label=_("Any department"), widget=Picker
    )
    location = django_filters.ChoiceFilter(
        label=_("Location"), empty_label=_("Any location"), widget=Picker
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Employee.Status.choices, empty_label=_("Any status")
    )
    level_min = _level(_("Level from"), "gte")
    level_max = _level(_("Level to"), "lte")
    manager_employee_id = django_filters.CharFilter(
        label=_("Manager's employee id"),
        field_name="manager__employee_id",
        max_length=Employee.EMPLOYEE_ID_MAX,
    )

    class Meta:
        model = Employee
        fields = ["q", "department", "location", "status", "level_min", "level_max"]
        form = PeopleFilterForm

    def __init__(
        self,
        *args: Any,
        departments: list[str] | None = None,
        locations: list[str] | None = None,
        page: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if page:  # the page filters by the fields it shows; the API also by manager
            del self.filters["manager_employee_id"]
        for name, values in (("department", departments), ("location", locations)):
            if values is None:  # the API: any value, matched exactly
                self.filters[name] = django_filters.CharFilter(
                    field_name=name, max_length=Employee.DEPARTMENT_MAX
                )
            else:
                self.filters[name].extra["choices"] = [(v, v) for v in values]

    def search(self, queryset: QuerySet[Employee], name: str, value: str) -> QuerySet[Employee]:
        """Every word (up to five) must match a name, the email, the title or the id."""
        for word in value.split()[:SEARCH_WORDS]:
            queryset = queryset.filter(
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(email__icontains=word)
                | Q(employee_id__iexact=word)
                | Q(title__icontains=word)
            )
        return queryset
