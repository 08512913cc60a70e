"""The run review's filters (django-filter), applied inside
`pairing.selectors.proposals_for_review`."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import F, FloatField, Q, QuerySet
from django.db.models.fields.json import KeyTransform
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from turnabout.common.filters import ListFilter
from turnabout.common.widgets import Picker
from turnabout.pairing.adapter import CRITERIA
from turnabout.pairing.explain import CRITERION_LABELS
from turnabout.pairing.models import Proposal

SORT_CHOICES = (
    ("-score", _("Best score first")),
    ("score", _("Weakest score first")),
    ("mentee", _("Mentee name")),
    ("mentor", _("Mentor name")),
    ("criterion", _("Chosen criterion")),
)
ORDERS: dict[str, list[Any]] = {
    "-score": ["-score", "pk"],
    "score": ["score", "pk"],
    "mentee": [
        "mentee_application__person__last_name",
        "mentee_application__person__first_name",
        "pk",
    ],
    "mentor": [
        "mentor_application__person__last_name",
        "mentor_application__person__first_name",
        "pk",
    ],
}


class ProposalFilter(ListFilter):
    """Proposals of a run: by either person's department or level; one criterion's value
    shown, floored and sorted by; always in a stable order."""

    department = django_filters.ChoiceFilter(
        label=_("Department"), method="either_person", widget=Picker
    )
    level = django_filters.ChoiceFilter(label=_("Level"), method="either_person")
    criterion = django_filters.ChoiceFilter(
        label=_("Criterion"),
        choices=[(name, CRITERION_LABELS.get(name, name)) for name in CRITERIA],
        method="no_filter",  # applied with min_value and sort in filter_queryset
    )
    min_value = django_filters.NumberFilter(
        label=_("Criterion at least"),
        method="no_filter",
        min_value=0,
        max_value=1,
        widget=forms.NumberInput(attrs={"step": "0.1", "placeholder": "0.5"}),
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort"), choices=SORT_CHOICES, method="no_filter", empty_label=None
    )

    class Meta:
        model = Proposal
        fields = ["department", "level", "criterion", "min_value", "sort"]

    def __init__(
        self,
        *args: Any,
        departments: list[str] | None = None,
        levels: list[int] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.filters["department"].extra["choices"] = [(d, d) for d in departments or []]
        self.filters["department"].extra["empty_label"] = _("Any")
        self.filters["level"].extra["choices"] = [(str(n), str(n)) for n in levels or []]
        self.filters["level"].extra["empty_label"] = _("Any")
        self.filters["criterion"].extra["empty_label"] = _("Any")

    @property
    def chosen_criterion(self) -> str:
        """The chosen criterion (a name of the registry), or ""."""
        if not self.is_bound or not self.form.is_valid():
            return ""
        name = self.form.cleaned_data.get("criterion") or ""
        return name if name in CRITERIA else ""

    def either_person(self, queryset: QuerySet[Proposal], name: str, value: Any) -> Any:
        if value in (None, ""):
            return queryset
        field = {"department": "department", "level": "level"}[name]
        if field == "level":
            value = int(value)
        return queryset.filter(
            Q(**{f"mentor_application__person__{field}": value})
            | Q(**{f"mentee_application__person__{field}": value})
        )

    def no_filter(self, queryset: QuerySet[Proposal], name: str, value: Any) -> Any:
        return queryset

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        qs = super().filter_queryset(queryset)
        data = self.form.cleaned_data if self.is_bound and self.form.is_valid() else {}
        criterion, sort = self.chosen_criterion, data.get("sort") or "-score"
        if criterion:
            qs = qs.annotate(
                criterion_value=Cast(KeyTransform(criterion, "breakdown"), FloatField())
            )
            if data.get("min_value") is not None:
                qs = qs.filter(criterion_value__gte=data["min_value"])
        if sort == "criterion" and criterion:
            order: list[Any] = [F("criterion_value").desc(nulls_last=True), "-score", "pk"]
        else:
            order = ORDERS.get(sort, ORDERS["-score"])
        return qs.order_by(*order)
