"""Page forms for applications, review and custom questions. The services do the rules."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from turnabout.common.widgets import MultiPicker
from turnabout.enrollment.models import (
    ANSWER_MAX,
    DAYS,
    DECISION_MESSAGE_MAX,
    GOALS_MAX,
    HALVES,
    SLOTS,
    WORKING_STYLE,
    Application,
    Communication,
    CustomQuestion,
    MeetingFormat,
    ParticipantRole,
    Priority,
)
from turnabout.people.models import Employee, Skill

# The skill pickers of the application: one per level (mentors) or priority (mentees), the
# strongest first. Each is a searchable multi-select of the skills catalogue.
LEVEL_PICKERS: tuple[tuple[str, int, Any], ...] = (
    ("skills_3", 3, _("Skills you know as an expert (level 3)")),
    ("skills_2", 2, _("Skills you are confident with (level 2)")),
    ("skills_1", 1, _("Skills you know the basics of (level 1)")),
)
PRIORITY_PICKERS: tuple[tuple[str, str, Any], ...] = (
    ("wants_high", Priority.HIGH.value, _("Topics you most want to learn (high priority)")),
    ("wants_medium", Priority.MEDIUM.value, _("Topics you would like to learn (medium priority)")),
    ("wants_low", Priority.LOW.value, _("Topics that would be nice to touch on (low priority)")),
)


def _split(text: str) -> list[str]:
    return [item.strip() for item in text.replace("\n", ",").split(",") if item.strip()]


class ApplicationForm(forms.Form):
    """The participant profile, built from the skills catalogue and the cohort's questions."""

    interests = forms.CharField(
        label=_("Interests"),
        required=False,
        max_length=1000,
        help_text=_("Comma-separated, e.g. running, photography, board games."),
    )
    goals = forms.CharField(
        label=_("Your goals"), max_length=GOALS_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )
    communication = forms.MultipleChoiceField(
        label=_("Between sessions, how do you like to keep in touch?"),
        choices=Communication.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    formats = forms.MultipleChoiceField(
        label=_("Meeting formats that suit you"),
        choices=MeetingFormat.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one meeting format.")},
    )
    availability = forms.MultipleChoiceField(
        label=_("When are you usually free?"),
        choices=[(slot, slot) for slot in SLOTS],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one half-day.")},
    )
    languages = forms.CharField(
        label=_("Languages you can meet in"),
        max_length=300,
        required=False,
        help_text=_("Comma-separated, e.g. English, Spanish."),
    )
    ergs = forms.MultipleChoiceField(
        label=_("Employee resource groups to consider in matching (optional)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Only if you want matching to take them into account. Only the matching engine "
            "reads your choices; the program managers who review proposed pairs may see that "
            "a pair shares a group, and nobody else sees them."
        ),
    )
    avoid = forms.MultipleChoiceField(
        label=_("People you would rather not be paired with (optional)"),
        required=False,
        widget=MultiPicker(placeholder=_("Type a colleague's name…")),
        help_text=_("Kept confidential; used only to rule pairs out."),
    )
    capacity = forms.TypedChoiceField(
        label=_("How many mentees can you take?"),
        choices=[(1, "1"), (2, "2"), (3, "3")],
        coerce=int,
        initial=1,
    )
    agreed = forms.BooleanField(
        label=_("I have read the guidelines and the confidentiality rules and agree to them."),
        error_messages={"required": _("Please agree to the guidelines to apply.")},
    )

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        role: str,
        person: Employee,
        skills: Sequence[Skill],
        questions: Sequence[CustomQuestion],
        avoid_choices: Sequence[Employee],
        application: Application | None = None,
    ) -> None:
        super().__init__(data)
        self.role = role
        self.is_mentor = role == ParticipantRole.MENTOR
        self.skills = list(skills)
        self.questions = [q for q in questions if q.applies_to(role)]
        self._field("ergs").choices = [(g.name, g.name) for g in person.resource_groups.all()]
        self._field("avoid").choices = [
            (str(e.pk), f"{e.full_name} · {e.department}" if e.department else e.full_name)
            for e in avoid_choices
        ]
        self.fields["goals"].help_text = (
            _("What you would like to teach, and what you hope to learn in return.")
            if self.is_mentor
            else _("What you want to learn, and why it matters to you now.")
        )
        if not self.is_mentor:
            del self.fields["capacity"]
        catalogue = self._skill_choices()
        for name, _value, label in self.skill_pickers:
            self.fields[name] = forms.MultipleChoiceField(
                label=label,
                choices=catalogue,
                required=False,
                widget=MultiPicker(placeholder=_("Type a skill…")),
            )
        for key, (question, options) in WORKING_STYLE.items():
            self.fields[f"ws_{key}"] = forms.ChoiceField(
                label=question, choices=options, widget=forms.RadioSelect
            )
        for q in self.questions:
            self.fields[f"q_{q.pk}"] = self._question_field(q)
        self.initial = self._initial(person, application)

    @property
    def skill_pickers(self) -> tuple[tuple[str, Any, Any], ...]:
        """(field name, level or priority, label) of each skill picker, strongest first."""
        return LEVEL_PICKERS if self.is_mentor else PRIORITY_PICKERS

    def _skill_choices(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """The catalogue grouped by category (optgroups), values the skill ids."""
        labels = dict(Skill.Category.choices)
        groups: dict[str, list[tuple[str, str]]] = {}
        for skill in self.skills:
            group = str(labels.get(skill.category, skill.category))
            groups.setdefault(group, []).append((str(skill.pk), skill.name))
        return list(groups.items())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        seen: dict[str, str] = {}
        names = {str(s.pk): s.name for s in self.skills}
        for name, _value, _label in self.skill_pickers:
            for pk in cleaned.get(name) or []:
                if pk in seen:
                    self.add_error(
                        name,
                        _("%(skill)s is already chosen above: pick each skill once.")
                        % {"skill": names.get(pk, pk)},
                    )
                seen.setdefault(pk, name)
        return cleaned

    def _field(self, name: str) -> forms.ChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        return field

    @staticmethod
    def _question_field(q: CustomQuestion) -> forms.Field:
        options = [(o, o) for o in q.options]
        if q.kind == CustomQuestion.Kind.TEXT:
            return forms.CharField(
                label=q.text,
                required=q.required,
                max_length=ANSWER_MAX,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        if q.kind == CustomQuestion.Kind.SINGLE:
            return forms.ChoiceField(
                label=q.text, required=q.required, choices=options, widget=forms.RadioSelect
            )
        if q.kind == CustomQuestion.Kind.MULTIPLE:
            return forms.MultipleChoiceField(
                label=q.text,
                required=q.required,
                choices=options,
                widget=forms.CheckboxSelectMultiple,
            )
        return forms.TypedChoiceField(
            label=q.text,
            required=q.required,
            choices=[(n, str(n)) for n in range(1, 6)],
            coerce=int,
            empty_value=None,
            widget=forms.RadioSelect,
            help_text=_("1: not at all, 5: very much."),
        )

    def _initial(self, person: Employee, application: Application | None) -> dict[str, Any]:
        if application is None:
            return {"languages": ", ".join(person.languages), "capacity": 1}
        by_name = {s.name: str(s.pk) for s in self.skills}
        initial: dict[str, Any] = {
            "interests": ", ".join(application.interests),
            "goals": application.goals,
            "communication": application.communication,
            "formats": application.formats,
            "availability": application.availability,
            "languages": ", ".join(application.languages),
            "ergs": application.ergs,
            "avoid": [str(p.pk) for p in application.avoid.all()],
            "capacity": application.capacity,
            "agreed": True,
        }
        chosen = application.skills if self.is_mentor else application.wants
        for field, value, _label in self.skill_pickers:
            initial[field] = [
                by_name[skill]
                for skill, level in chosen.items()
                if skill in by_name and str(level) == str(value)
            ]
        for key, answer in application.working_style.items():
            initial[f"ws_{key}"] = answer
        for key, answer in application.answers.items():
            initial[f"q_{key}"] = answer
        return initial

    # Groups for the template.
    def skill_fields(self) -> list[forms.BoundField]:
        return [self[name] for name, _value, _label in self.skill_pickers]

    def working_style_fields(self) -> list[forms.BoundField]:
        return [self[f"ws_{key}"] for key in WORKING_STYLE]

    def question_fields(self) -> list[forms.BoundField]:
        return [self[f"q_{q.pk}"] for q in self.questions]

    def availability_grid(self) -> list[tuple[str, list[tuple[str, str, bool]]]]:
        """Rows of (half-day label, [(slot, id, checked) per weekday])."""
        chosen = set(self["availability"].value() or [])
        return [
            (
                str(half_label),
                [
                    (f"{day}-{half}", f"slot-{day}-{half}", f"{day}-{half}" in chosen)
                    for day, _d in DAYS
                ],
            )
            for half, half_label in HALVES
        ]

    @staticmethod
    def days() -> list[str]:
        return [str(label) for _day, label in DAYS]

    def to_profile(self) -> dict[str, Any]:
        data = self.cleaned_data
        profile: dict[str, Any] = {
            "interests": _split(data["interests"]),
            "goals": data["goals"],
            "communication": data["communication"],
            "formats": data["formats"],
            "availability": data["availability"],
            "languages": _split(data["languages"]),
            "ergs": data["ergs"],
            "avoid": [int(pk) for pk in data["avoid"]],
            "capacity": data.get("capacity", 1),
            "working_style": {key: data[f"ws_{key}"] for key in WORKING_STYLE},
            "answers": {
                str(q.pk): data[f"q_{q.pk}"]
                for q in self.questions
                if data.get(f"q_{q.pk}") not in (None, "", [])
            },
            "agreed_to_guidelines": bool(data["agreed"]),
        }
        names = {str(s.pk): s.name for s in self.skills}
        chosen: dict[str, Any] = {}
        for field, value, _label in reversed(self.skill_pickers):
            chosen.update({names[pk]: value for pk in data.get(field) or [] if pk in names})
        profile["skills" if self.is_mentor else "wants"] = {
            s.name: chosen[s.name] for s in self.skills if s.name in chosen
        }
        return profile


DECISION_CHOICES = [
    (Application.Status.ACCEPTED, _("Accept")),
    (Application.Status.WAITLISTED, _("Waitlist")),
    (Application.Status.DECLINED, _("Decline")),
]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISION_CHOICES)
    message = forms.CharField(
        label=_("Message to the applicant (optional)"),
        required=False,
        max_length=DECISION_MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class BulkDecisionForm(DecisionForm):
    applications = forms.TypedMultipleChoiceField(coerce=int, choices=[])

    def __init__(self, data: Mapping[str, Any] | None, *, ids: Sequence[int]) -> None:
        super().__init__(data)
        field = self.fields["applications"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = [(pk, str(pk)) for pk in ids]
        field.error_messages["required"] = _("Select at least one application.")


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("Question"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind"), choices=CustomQuestion.Kind.choices)
    options = forms.CharField(
        label=_("Options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For choice questions: one option per line."),
    )
    for_role = forms.ChoiceField(
        label=_("Asked of"),
        required=False,
        choices=[("", _("Both roles")), *ParticipantRole.choices],
    )
    required = forms.BooleanField(label=_("Answer required"), required=False)

    def clean_options(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["options"].splitlines() if line.strip()]
