from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from turnabout.enrollment.models import Application
from turnabout.pairing.adapter import CRITERIA
from turnabout.pairing.explain import CRITERION_LABELS
from turnabout.pairing.models import MatchRun, Mentorship


class RunSettingsForm(forms.Form):
    """This run's settings, starting from the program's (the program itself is unchanged)."""

    objective = forms.ChoiceField(label=_("Objective"), choices=MatchRun.Objective.choices)
    fairness = forms.BooleanField(
        label=_("Raise the weakest pair's score (fairness)"), required=False
    )
    min_level_gap = forms.IntegerField(
        label=_("Mentor at least this many levels junior"), min_value=-20, max_value=20
    )
    max_tz_hours = forms.FloatField(
        label=_("At most this many hours apart (empty: any)"),
        required=False,
        min_value=0,
        max_value=24,
    )
    reporting_line = forms.BooleanField(
        label=_("Never in each other's reporting line"), required=False
    )
    same_manager = forms.BooleanField(label=_("Never with the same manager"), required=False)
    require_language = forms.BooleanField(label=_("Must share a language"), required=False)

    def __init__(self, data: Mapping[str, Any] | None, *, config: Mapping[str, Any]) -> None:
        rules = config.get("constraints", {})
        weights = config.get("weights", {})
        initial: dict[str, Any] = {
            "objective": config.get("objective", "max_matched"),
            "fairness": config.get("fairness", False),
            "min_level_gap": rules.get("min_level_gap", 1),
            "max_tz_hours": rules.get("max_tz_hours"),
            "reporting_line": rules.get("reporting_line", True),
            "same_manager": rules.get("same_manager", False),
            "require_language": rules.get("require_language", False),
        }
        super().__init__(data, initial=initial)
        for name in CRITERIA:
            self.fields[f"w_{name}"] = forms.FloatField(
                label=CRITERION_LABELS[name],
                min_value=0,
                max_value=100,
                initial=weights.get(name, 0.0),
                widget=forms.NumberInput(attrs={"step": "0.5"}),
            )
            self.initial[f"w_{name}"] = weights.get(name, 0.0)

    @property
    def weight_fields(self) -> list[forms.BoundField]:
        return [self[f"w_{name}"] for name in CRITERIA]

    @property
    def check_fields(self) -> list[forms.BoundField]:
        names = ("reporting_line", "same_manager", "require_language", "fairness")
        return [self[n] for n in names]

    def overrides(self) -> dict[str, Any]:
        data = self.cleaned_data
        constraints: dict[str, Any] = {
            "min_level_gap": data["min_level_gap"],
            "reporting_line": data["reporting_line"],
            "same_manager": data["same_manager"],
            "require_language": data["require_language"],
            "max_tz_hours": data["max_tz_hours"],
        }
        return {
            "objective": data["objective"],
            "fairness": data["fairness"],
            "weights": {name: data[f"w_{name}"] for name in CRITERIA},
            "constraints": constraints,
        }


def _person_label(application: Application) -> str:
    person = application.person
    return f"{person.full_name} · {person.department} · L{person.level}"


class ManualPairForm(forms.Form):
    """Two application ids chosen from the search results of the run page (radio buttons);
    the service checks that both are accepted people of the run's cohort."""

    mentor_application = forms.IntegerField(
        label=_("Mentor"), min_value=1, widget=forms.HiddenInput
    )
    mentee_application = forms.IntegerField(
        label=_("Mentee"), min_value=1, widget=forms.HiddenInput
    )
    override_reason = forms.CharField(
        label=_("Reason to override a hard constraint"),
        required=False,
        max_length=Mentorship.REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed only when the pair breaks a hard constraint; kept in the audit log."),
    )


def person_choice_label(application: Application, *, paired: bool | None = None) -> str:
    """How a person reads in the hand-pairing search results."""
    label = _person_label(application)
    return label if paired is None or paired else f"{label} · {_('unmatched')}"


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (only the program managers see it)"),
        required=False,
        max_length=Mentorship.REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class EndForm(forms.Form):
    reason = forms.CharField(
        label=_("Why does it end? (only the program managers see it)"),
        max_length=Mentorship.REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CompareForm(forms.Form):
    a = forms.TypedChoiceField(label=_("Run"), coerce=int)
    b = forms.TypedChoiceField(label=_("with run"), coerce=int)

    def __init__(self, data: Mapping[str, Any] | None, *, runs: Sequence[MatchRun]) -> None:
        super().__init__(data)
        choices = [(r.pk, _("Run %(n)d") % {"n": r.number}) for r in runs]
        for name in ("a", "b"):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = choices
        if len(runs) >= 2 and data is None:
            self.initial = {"a": runs[1].pk, "b": runs[0].pk}
