"""Page forms: they parse and render; the services validate the rules and write."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from turnabout.common.errors import DomainError
from turnabout.common.schemas import EMAIL_MAX
from turnabout.common.widgets import MultiPicker
from turnabout.programs import priorities
from turnabout.programs.models import Cohort, Format, Objective, Program, Willingness
from turnabout.programs.services import validate_matching_settings

TEXTAREA = forms.Textarea(attrs={"rows": 4})


def _textarea(label: Any, *, rows: int = 4, required: bool = False, help_text: Any = "") -> Any:
    return forms.CharField(
        label=label,
        required=required,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
    )


class ProgramForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=Program.NAME_MAX)
    purpose = _textarea(
        _("Purpose"),
        required=True,
        rows=3,
        help_text=_("Why the organisation runs this program, in two or three sentences."),
    )
    welcome_mentor = _textarea(
        _("Welcome text for mentors"), help_text=_("What a junior mentor gains from taking part.")
    )
    welcome_mentee = _textarea(
        _("Welcome text for mentees"), help_text=_("What a senior mentee gains from taking part.")
    )
    guidelines = _textarea(_("Guidelines"), rows=5)
    mentor_responsibilities = _textarea(_("Mentor's responsibilities"))
    mentee_responsibilities = _textarea(_("Mentee's responsibilities"))
    confidentiality = _textarea(_("Confidentiality rules"))
    meeting_every_days = forms.IntegerField(
        label=_("Meet every … days"),
        min_value=Program.MEETING_EVERY_DAYS_MIN,
        max_value=Program.MEETING_EVERY_DAYS_MAX,
        initial=14,
    )
    session_minutes = forms.IntegerField(
        label=_("Session length (minutes)"),
        min_value=Program.SESSION_MINUTES_MIN,
        max_value=Program.SESSION_MINUTES_MAX,
        initial=60,
    )
    format = forms.ChoiceField(label=_("Format"), choices=Format.choices, initial=Format.HYBRID)
    duration_months = forms.IntegerField(
        label=_("Duration (months)"),
        min_value=Program.DURATION_MONTHS_MIN,
        max_value=Program.DURATION_MONTHS_MAX,
        initial=6,
    )
    time_commitment = forms.CharField(
        label=_("Expected time commitment"),
        max_length=Program.TIME_COMMITMENT_MAX,
        required=False,
        help_text=_('e.g. "About 2 hours a month, including preparation".'),
    )
    mentor_max_level = forms.IntegerField(
        label=_("Mentors: maximum level"),
        min_value=Program.LEVEL_MIN,
        max_value=Program.LEVEL_MAX,
        required=False,
    )
    mentee_min_level = forms.IntegerField(
        label=_("Mentees: minimum level"),
        min_value=Program.LEVEL_MIN,
        max_value=Program.LEVEL_MAX,
        required=False,
    )
    departments = forms.MultipleChoiceField(
        label=_("Departments included"),
        required=False,
        help_text=_("None selected: every department."),
        widget=MultiPicker(placeholder=_("Every department; type to pick some…")),
    )
    locations = forms.MultipleChoiceField(
        label=_("Locations included"),
        required=False,
        help_text=_("None selected: every location."),
        widget=MultiPicker(placeholder=_("Every location; type to pick some…")),
    )
    matching_settings = forms.CharField(
        label=_("Matching settings as JSON"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "class": "code"}),
        help_text=_(
            'Weights and constraints of the matching engine, e.g. {"weights": {"skills": 3}, '
            '"constraints": {"min_level_gap": 2}}. Empty: the engine\'s defaults.'
        ),
    )

    SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
        (str(_("The program")), ("name", "purpose", "welcome_mentor", "welcome_mentee")),
        (
            str(_("Guidelines and roles")),
            ("guidelines", "mentor_responsibilities", "mentee_responsibilities", "confidentiality"),
        ),
        (
            str(_("Rhythm")),
            (
                "meeting_every_days",
                "session_minutes",
                "format",
                "duration_months",
                "time_commitment",
            ),
        ),
        (
            str(_("Eligibility")),
            ("mentor_max_level", "mentee_min_level", "departments", "locations"),
        ),
        (str(_("Matching")), ("matching_settings",)),
    )

    def __init__(
        self, *args: Any, departments: list[str], locations: list[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        for name, values in (("departments", departments), ("locations", locations)):
            field = self.fields[name]
            assert isinstance(field, forms.MultipleChoiceField)
            field.choices = [(v, v) for v in values]
        raw = self.initial.get("matching_settings") or ""
        self.base_settings: dict[str, Any] = json.loads(raw) if raw else {}
        guided = priorities.guided_fields(self.base_settings)
        self.guided_names = list(guided)
        self.fields.update(guided)
        # A post without the guided form (a script, an older page) changes the JSON only.
        self.guided_posted = not self.is_bound or bool(self.data.get(priorities.MARKER))
        if not self.guided_posted:
            for field in guided.values():
                field.required = False

    # The guided matching form, in groups for the template.
    def _guided(self, prefix: str) -> list[forms.BoundField]:
        return [self[name] for name in self.guided_names if name.startswith(prefix)]

    @property
    def guided_weights(self) -> list[forms.BoundField]:
        return self._guided("mw_")

    @property
    def guided_toggles(self) -> list[forms.BoundField]:
        return [f for f in self._guided("mc_") if isinstance(f.field, forms.BooleanField)]

    @property
    def guided_limits(self) -> list[forms.BoundField]:
        return [f for f in self._guided("mc_") if not isinstance(f.field, forms.BooleanField)]

    @property
    def guided_diversity(self) -> list[forms.BoundField]:
        return self._guided("md_")

    def clean(self) -> dict[str, Any]:
        """One matching-settings value from the guided fields or the JSON, validated once.

        The JSON wins when it was edited (it differs from what the page showed); the guided
        fields otherwise. Editing both differently is refused at the JSON field.
        """
        cleaned = super().clean() or {}
        guided_data = {name: cleaned.get(name) for name in self.guided_names}
        for name in self.guided_names:
            cleaned.pop(name, None)
        if "matching_settings" not in cleaned:  # not JSON: the error is at the field
            return cleaned
        typed: dict[str, Any] = cleaned["matching_settings"]
        typed_changed = typed != self.base_settings
        if any(name in self.errors for name in self.guided_names):
            return cleaned
        guided = (
            priorities.guided_settings(guided_data, self.base_settings)
            if self.guided_posted
            else self.base_settings
        )
        if typed_changed and guided != self.base_settings and guided != typed:
            self.add_error(
                "matching_settings",
                _(
                    "You changed both the guided priorities and the JSON: undo the changes "
                    "in one of them."
                ),
            )
            return cleaned
        settings = typed if typed_changed else guided
        try:
            cleaned["matching_settings"] = validate_matching_settings(settings)
        except DomainError as exc:
            key = str((exc.details or {}).get("key", "")) if isinstance(exc.details, dict) else ""
            field = None if typed_changed else priorities.field_for_key(key)
            self.add_error(field if field in self.fields else "matching_settings", exc.message)
        return cleaned

    def sections(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(title, [self[name] for name in names]) for title, names in self.SECTIONS]

    def clean_matching_settings(self) -> dict[str, Any]:
        raw = self.cleaned_data.get("matching_settings", "").strip()
        if not raw:
            return {}
        try:
            value = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                _("This is not valid JSON: %(error)s") % {"error": exc.msg}
            ) from exc
        if not isinstance(value, dict):
            raise forms.ValidationError(_('Write an object, e.g. {"weights": {…}}.'))
        return value

    @staticmethod
    def initial_from(program: Any) -> dict[str, Any]:
        initial = {
            name: getattr(program, name)
            for names in dict(ProgramForm.SECTIONS).values()
            for name in names
        }
        initial["matching_settings"] = (
            json.dumps(program.matching_settings, indent=2) if program.matching_settings else ""
        )
        return initial


class ObjectiveForm(forms.Form):
    title = forms.CharField(label=_("Objective"), max_length=Objective.TITLE_MAX)
    metric = forms.ChoiceField(label=_("Metric"), choices=Objective.Metric.choices)
    parameter = forms.CharField(
        label=_("N or topic"),
        max_length=Objective.PARAMETER_MAX,
        required=False,
        help_text=_("e.g. 6"),
    )
    comparison = forms.ChoiceField(
        label=_("Comparison"), choices=Objective.Comparison.choices, initial="at_least"
    )
    target = forms.DecimalField(
        label=_("Target"),
        max_digits=10,
        decimal_places=2,
        error_messages={"required": _("Every KPI needs a target.")},
    )
    unit = forms.ChoiceField(label=_("Unit"), choices=Objective.Unit.choices)


class ManagerAddForm(forms.Form):
    email = forms.EmailField(
        label=_("Email of the new manager"),
        max_length=EMAIL_MAX,
        help_text=_("The account of a program manager or an org admin."),
        widget=forms.EmailInput(attrs={"list": "manager-candidates", "autocomplete": "off"}),
        error_messages={
            "required": _("Enter the email of the account to add as a manager."),
            "invalid": _("Enter the email of the account to add as a manager."),
        },
    )


class CohortForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=Cohort.NAME_MAX, help_text=_("e.g. Autumn 2026")
    )
    applications_open_on = forms.DateField(
        label=_("Applications open on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    applications_close_on = forms.DateField(
        label=_("Applications close on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    starts_on = forms.DateField(
        label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(label=_("Ends on"), widget=forms.DateInput(attrs={"type": "date"}))


class PhaseForm(forms.Form):
    to_phase = forms.CharField(widget=forms.HiddenInput, max_length=24)
    note = forms.CharField(label=_("Note (optional)"), max_length=Cohort.NOTE_MAX, required=False)


class SurveySetupForm(forms.Form):
    intro = _textarea(_("Introduction"), rows=3)
    topics = _textarea(_("Topics to ask about"), rows=6, help_text=_("One per line."))

    def clean_topics(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["topics"].splitlines() if line.strip()]


class SurveyAnswerForm(forms.Form):
    would_mentor = forms.ChoiceField(
        label=_("Would you mentor a senior leader?"),
        choices=Willingness.choices,
        widget=forms.RadioSelect,
    )
    would_be_mentored = forms.ChoiceField(
        label=_("Would you be mentored by a junior colleague?"),
        choices=Willingness.choices,
        widget=forms.RadioSelect,
    )
    comfort = forms.TypedChoiceField(
        label=_("How comfortable are you with the idea of reverse mentoring?"),
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("1: not at all, 5: very comfortable."),
    )
    topics = forms.MultipleChoiceField(
        label=_("Which topics interest you?"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, topics: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["topics"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(t, t) for t in topics]
