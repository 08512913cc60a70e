from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from turnabout.people.models import Employee


class PeopleFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    department = forms.ChoiceField(label=_("Department"), required=False)
    location = forms.ChoiceField(label=_("Location"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *Employee.Status.choices],
    )
    level_min = forms.IntegerField(label=_("Level from"), required=False, min_value=1, max_value=99)
    level_max = forms.IntegerField(label=_("Level to"), required=False, min_value=1, max_value=99)

    def __init__(
        self, data: Mapping[str, Any] | None, *, departments: list[str], locations: list[str]
    ) -> None:
        super().__init__(data)
        for name, values, empty in (
            ("department", departments, _("Any department")),
            ("location", locations, _("Any location")),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [("", empty), *[(v, v) for v in values]]

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        low, high = cleaned.get("level_min"), cleaned.get("level_max")
        if low is not None and high is not None and low > high:
            raise forms.ValidationError(_("'Level from' must not be above 'Level to'."))
        return cleaned
