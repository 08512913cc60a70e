"""Forms of the learning pages. Limits and choices come from the models."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from turnabout.learning.models import Audience, ConversationGuide, Resource, Step, TrainingModule


class ModuleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TrainingModule.TITLE_MAX)
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    audience = forms.ChoiceField(label=_("For"), choices=Audience.choices, initial=Audience.BOTH)
    required = forms.BooleanField(
        label=_("Required (counts towards readiness)"), required=False, initial=True
    )


QUESTIONS_HELP = _(
    "One question per block, blocks separated by an empty line: the question on the first "
    "line, then one option per line; start the right option with *."
)


def parse_questions(text: str) -> list[dict[str, Any]]:
    """'Question?\\n* right\\nwrong\\n\\nNext?…' -> [{text, options, answer}]."""
    out: list[dict[str, Any]] = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        options: list[str] = []
        answer = -1
        for line in lines[1:]:
            if line.startswith("*"):
                answer = len(options)
                line = line[1:].strip()
            options.append(line.lstrip("- ").strip())
        out.append({"text": lines[0], "options": options, "answer": answer})
    return out


def format_questions(questions: list[dict[str, Any]]) -> str:
    blocks = []
    for q in questions:
        lines = [q["text"]]
        lines += [("* " if i == q["answer"] else "") + o for i, o in enumerate(q["options"])]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


class StepForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=Step.TITLE_MAX)
    kind = forms.ChoiceField(label=_("Kind"), choices=Step.Kind.choices)
    body = forms.CharField(
        label=_("Text (Markdown)"),
        required=False,
        max_length=Step.BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    video_url = forms.URLField(
        label=_("Video link"), required=False, max_length=Step.URL_MAX, assume_scheme="https"
    )
    file = forms.FileField(label=_("File to download"), required=False)
    questions = forms.CharField(
        label=_("Questions (short check)"),
        required=False,
        help_text=QUESTIONS_HELP,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    pass_mark = forms.IntegerField(label=_("Pass mark (%)"), min_value=1, max_value=100, initial=80)

    def clean_questions(self) -> list[dict[str, Any]]:
        return parse_questions(self.cleaned_data.get("questions") or "")


class CheckForm(forms.Form):
    """A participant's answers: one radio group per question."""

    def __init__(self, step: Step, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i, q in enumerate(step.questions):
            self.fields[f"q{i}"] = forms.TypedChoiceField(
                label=q["text"],
                choices=list(enumerate(q["options"])),
                coerce=int,
                widget=forms.RadioSelect,
            )

    def answers(self) -> list[int]:
        return [self.cleaned_data[f"q{i}"] for i in range(len(self.fields))]


def _tags_field() -> forms.CharField:
    return forms.CharField(
        label=_("Tags"), required=False, help_text=_("Separated by commas."), max_length=400
    )


def split_tags(value: str) -> list[str]:
    return [t.strip() for t in (value or "").split(",") if t.strip()]


class ResourceForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=Resource.TITLE_MAX)
    kind = forms.ChoiceField(label=_("Kind"), choices=Resource.Kind.choices)
    summary = forms.CharField(label=_("Summary"), required=False, max_length=1000)
    body = forms.CharField(
        label=_("Text (Markdown)"),
        required=False,
        max_length=Resource.BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    url = forms.URLField(
        label=_("Link"), required=False, max_length=Resource.URL_MAX, assume_scheme="https"
    )
    file = forms.FileField(label=_("File"), required=False)
    tags = _tags_field()
    audience = forms.ChoiceField(label=_("For"), choices=Audience.choices, initial=Audience.BOTH)

    def clean_tags(self) -> list[str]:
        return split_tags(self.cleaned_data.get("tags") or "")


class GuideForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=ConversationGuide.TITLE_MAX)
    stage = forms.ChoiceField(label=_("Stage"), choices=ConversationGuide.Stage.choices)
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    agenda = forms.CharField(
        label=_("Suggested agenda"),
        required=False,
        help_text=_("One item per line."),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    questions = forms.CharField(
        label=_("Questions"),
        required=False,
        help_text=_("One per line: questions that challenge conventional thinking."),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    tags = _tags_field()
    audience = forms.ChoiceField(label=_("For"), choices=Audience.choices, initial=Audience.BOTH)

    def clean_tags(self) -> list[str]:
        return split_tags(self.cleaned_data.get("tags") or "")


class LibrarySearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    tag = forms.CharField(label=_("Tag"), required=False, max_length=Resource.TAG_MAX)
