"""Lists are filtered the same way everywhere: a django-filter `FilterSet` applied inside the
app's selector, on the queryset already scoped to the user. The page shows the FilterSet's
form; the API passes its query parameters to the same selector.

`ListFilter` is the base: a bound form with an error (e.g. "From" after "To") shows the
error and filters nothing, as the pages always did.
"""

from __future__ import annotations

from typing import Any, cast

import django_filters
from django import forms
from django.db.models import QuerySet


# django-filter ships no type information: FilterSet is Any to mypy, so this one class
# subclasses Any; every list filter of the project derives from it, typed.
class ListFilter(django_filters.FilterSet):  # type: ignore[misc]
    """A FilterSet that applies no filter at all while its form is invalid."""

    form: forms.Form

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if not self.form.is_valid():
            return queryset
        return cast("QuerySet[Any]", super().filter_queryset(queryset))

    @property
    def filtered(self) -> QuerySet[Any]:
        """The filtered queryset (django-filter's `qs`, typed)."""
        return cast("QuerySet[Any]", self.qs)
