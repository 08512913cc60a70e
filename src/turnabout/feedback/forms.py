"""Forms of the survey builder. The answer form is built from the questions by
`answer_values` (the questions are data, not fields)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from turnabout.feedback.models import Question, Survey


class SurveyForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Survey
        fields = [
            "title",
            "intro",
            "mode",
            "audience",
            "trigger",
            "weeks",
            "respond_within_days",
            "closes_on",
        ]
        widgets = {
            "intro": forms.Textarea(attrs={"rows": 3}),
            "closes_on": forms.DateInput(attrs={"type": "date"}),
        }


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Question.Kind.choices)
    text = forms.CharField(label=_("Question"), max_length=Question.TEXT_MAX)
    help_text = forms.CharField(label=_("Help text"), max_length=Question.HELP_MAX, required=False)
    required = forms.BooleanField(label=_("Required"), required=False, initial=True)
    options = forms.CharField(
        label=_("Choices or topics"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line (one choice, several choices, skill grid)."),
    )

    def clean_options(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["options"].splitlines() if line.strip()]


def grid_field(question: Question, index: int) -> str:
    return f"{question.pk}-{index}"


def answer_values(questions: list[Question], post: QueryDict) -> dict[str, Any]:
    """The raw answers of a posted answer page, by question id, for `response_save`."""
    values: dict[str, Any] = {}
    for q in questions:
        name = str(q.pk)
        if q.kind == Question.Kind.MULTIPLE:
            values[name] = post.getlist(name)
        elif q.kind == Question.Kind.SKILL_GRID:
            values[name] = {
                topic: post.get(grid_field(q, i), "")
                for i, topic in enumerate(q.options)
                if post.get(grid_field(q, i), "") != ""
            }
        else:
            values[name] = post.get(name, "")
    return values
