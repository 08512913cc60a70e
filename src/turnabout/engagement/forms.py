"""Page forms. They parse and shape input; the services decide what is allowed."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from turnabout.common.widgets import MultiPicker
from turnabout.engagement.models import (
    Agreement,
    MentoringSession,
    PairGoal,
)
from turnabout.engagement.services import AgreementInput, GoalInput
from turnabout.enrollment.models import Communication
from turnabout.learning.models import ConversationGuide
from turnabout.pairing.models import Mentorship
from turnabout.people.models import Skill
from turnabout.programs.models import Format

TEXTAREA = {"rows": 3}


class AgreementForm(forms.Form):
    goal_1_title = forms.CharField(
        label=_("Goal 1: what the mentee wants to learn"), max_length=200
    )
    goal_1_evidence = forms.CharField(
        label=_("How they will show it"), max_length=1000, required=False
    )
    goal_2_title = forms.CharField(label=_("Goal 2 (optional)"), max_length=200, required=False)
    goal_2_evidence = forms.CharField(
        label=_("How they will show it"), max_length=1000, required=False
    )
    goal_3_title = forms.CharField(label=_("Goal 3 (optional)"), max_length=200, required=False)
    goal_3_evidence = forms.CharField(
        label=_("How they will show it"), max_length=1000, required=False
    )
    mentor_gains = forms.CharField(
        label=_("What the mentor wants to gain"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("Reverse mentoring goes both ways: perspective, network, a view of strategy."),
    )
    channel = forms.ChoiceField(
        label=_("Preferred channel between sessions"),
        choices=[("", "—"), *Communication.choices],
        required=False,
    )
    ground_rules = forms.CharField(
        label=_("Ground rules"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("e.g. cameras on, no phones, say when something is off-limits."),
    )
    cadence_days = forms.IntegerField(label=_("Meet every (days)"), min_value=1, max_value=90)
    session_minutes = forms.IntegerField(
        label=_("Session length (minutes)"), min_value=5, max_value=480
    )
    format = forms.ChoiceField(label=_("Format"), choices=Format.choices)

    @classmethod
    def for_agreement(
        cls, data: Mapping[str, Any] | None, *, agreement: Agreement, goals: list[PairGoal]
    ) -> AgreementForm:
        initial: dict[str, Any] = {
            "mentor_gains": agreement.mentor_gains,
            "channel": agreement.channel,
            "ground_rules": agreement.ground_rules,
            "cadence_days": agreement.cadence_days,
            "session_minutes": agreement.session_minutes,
            "format": agreement.format,
        }
        for goal in goals:
            initial[f"goal_{goal.position}_title"] = goal.title
            initial[f"goal_{goal.position}_evidence"] = goal.evidence
        return cls(data, initial=initial)

    def to_input(self) -> AgreementInput:
        data = self.cleaned_data
        goals = [
            GoalInput(title=data[f"goal_{n}_title"], evidence=data[f"goal_{n}_evidence"])
            for n in (1, 2, 3)
        ]
        return AgreementInput(
            goals=goals,
            mentor_gains=data["mentor_gains"],
            channel=data["channel"],
            ground_rules=data["ground_rules"],
            cadence_days=data["cadence_days"],
            session_minutes=data["session_minutes"],
            format=data["format"],
        )


class GuideChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title} ({obj.get_stage_display().lower()})"


class SessionForm(forms.Form):
    """Date and time in the scheduling person's own time zone."""

    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=_("Start time"), widget=forms.TimeInput(attrs={"type": "time"}))
    minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=5, max_value=480)
    format = forms.ChoiceField(label=_("Format"), choices=Format.choices)
    place = forms.CharField(
        label=_("Place"),
        max_length=200,
        required=False,
        help_text=_("A room, a café, or leave empty for a video call."),
    )
    video_url = forms.URLField(
        label=_("Video link"), max_length=500, required=False, assume_scheme="https"
    )
    guide = GuideChoiceField(
        label=_("Conversation guide"),
        queryset=ConversationGuide.objects.none(),
        required=False,
        empty_label=_("No guide"),
        help_text=_("Its agenda is added below when the agenda is empty."),
    )
    agenda = forms.CharField(
        label=_("Agenda"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(
        self,
        data: Mapping[str, Any] | None,
        *,
        zone: ZoneInfo,
        guides: QuerySet[ConversationGuide],
        initial: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(data, initial=initial)
        self.zone = zone
        guide_field = self.fields["guide"]
        assert isinstance(guide_field, forms.ModelChoiceField)
        guide_field.queryset = guides

    @classmethod
    def for_session(
        cls,
        data: Mapping[str, Any] | None,
        *,
        session: MentoringSession,
        zone: ZoneInfo,
        guides: QuerySet[ConversationGuide],
    ) -> SessionForm:
        local = session.starts_at.astimezone(zone)
        return cls(
            data,
            zone=zone,
            guides=guides,
            initial={
                "day": local.date(),
                "start": local.time().replace(second=0, microsecond=0),
                "minutes": session.minutes,
                "format": session.format,
                "place": session.place,
                "video_url": session.video_url,
                "guide": session.guide_id,
                "agenda": session.agenda,
            },
        )

    @staticmethod
    def suggested_start(
        *, cadence_days: int, minutes: int, zone: ZoneInfo, today: date
    ) -> dict[str, Any]:
        day = today + timedelta(days=min(cadence_days, 7))
        while day.weekday() >= 5:
            day += timedelta(days=1)
        return {"day": day, "start": time(10, 0), "minutes": minutes}

    def starts_at(self) -> datetime:
        day: date = self.cleaned_data["day"]
        start: time = self.cleaned_data["start"]
        return datetime.combine(day, start, tzinfo=self.zone)

    def agenda_text(self) -> str:
        agenda: str = self.cleaned_data["agenda"]
        guide: ConversationGuide | None = self.cleaned_data.get("guide")
        if not agenda.strip() and guide is not None:
            agenda = guide.agenda_text
        return agenda


class CancelForm(forms.Form):
    note = forms.CharField(
        label=_("Why (sent to your partner)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


RATINGS = [
    ("", _("No rating")),
    ("1", _("1 · not useful")),
    ("2", "2"),
    ("3", "3"),
    ("4", "4"),
    ("5", _("5 · very useful")),
]


def _skill_choices() -> QuerySet[Skill]:
    return Skill.objects.order_by("category", "name")


class SkillsField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """Skills of the catalogue as a searchable multi-select (tags, topics)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultiPicker(placeholder=_("Type a skill…")))
        super().__init__(**kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class SessionLogForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("What happened?"),
        choices=MentoringSession.Outcome.choices,
        widget=forms.RadioSelect,
    )
    topics = SkillsField(label=_("Topics covered"), queryset=Skill.objects.none(), required=False)
    other_topics = forms.CharField(label=_("Other topics"), max_length=300, required=False)
    rating = forms.TypedChoiceField(
        label=_("How useful was it for you? (private)"),
        choices=RATINGS,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("Only you see your rating and comment; your partner never does."),
    )
    comment = forms.CharField(
        label=_("Private comment"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, data: Mapping[str, Any] | None, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        topics = self.fields["topics"]
        assert isinstance(topics, forms.ModelMultipleChoiceField)
        topics.queryset = _skill_choices()


class GoalUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=PairGoal.Status.choices)
    progress = forms.IntegerField(
        label=_("Progress (%)"),
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"step": 10}),
    )
    note = forms.CharField(
        label=_("What changed?"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    due_on = forms.DateField(
        label=_("Due on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class LearningForm(forms.Form):
    text = forms.CharField(
        label=_("What did you learn from your partner?"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    skills = SkillsField(label=_("Tags"), queryset=Skill.objects.none(), required=False)

    def __init__(self, data: Mapping[str, Any] | None, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        skills = self.fields["skills"]
        assert isinstance(skills, forms.ModelMultipleChoiceField)
        skills.queryset = _skill_choices()


class PairChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.mentor.full_name} & {obj.mentee.full_name} ({obj.cohort.name})"


class ReflectionForm(forms.Form):
    body = forms.CharField(
        label=_("Reflection"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Only you can ever read this: not your partner, not the program team."),
    )
    mentorship = PairChoiceField(
        label=_("About"),
        queryset=Mentorship.objects.none(),
        required=False,
        empty_label=_("General"),
    )

    def __init__(
        self, data: Mapping[str, Any] | None, *, pairs: QuerySet[Mentorship], **kwargs: Any
    ) -> None:
        super().__init__(data, **kwargs)
        field = self.fields["mentorship"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = pairs
