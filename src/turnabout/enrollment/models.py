"""Applications to a cohort, the participant profile they carry, and custom questions.

The profile is stored in plain, engine-friendly shapes so that the pairing app can turn an
accepted application into a `turnabout.matching.Mentor` or `Mentee` field by field:
`skills` is {skill name: level 1-3}, `wants` is {topic: "low" | "medium" | "high"}, lists
are lists of strings, and `avoid` names employees never to be paired with.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from turnabout.common.models import TimeStampedModel
from turnabout.people.models import Employee
from turnabout.programs.models import Cohort


class ParticipantRole(models.TextChoices):
    MENTOR = "mentor", _("Mentor")
    MENTEE = "mentee", _("Mentee")


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class MeetingFormat(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIDEO = "video", _("Video call")
    CHAT = "chat", _("Chat")
    HYBRID = "hybrid", _("Hybrid")


class Communication(models.TextChoices):
    CHAT = "chat", _("Chat messages")
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone or video call")
    FACE_TO_FACE = "face_to_face", _("A quick chat in person")


DAYS = (
    ("mon", _("Mon")),
    ("tue", _("Tue")),
    ("wed", _("Wed")),
    ("thu", _("Thu")),
    ("fri", _("Fri")),
)
HALVES = (("am", _("morning")), ("pm", _("afternoon")))


class Slot(models.TextChoices):
    """A half-day of the working week when a person can meet."""

    MON_AM = "mon-am", _("Mon morning")
    MON_PM = "mon-pm", _("Mon afternoon")
    TUE_AM = "tue-am", _("Tue morning")
    TUE_PM = "tue-pm", _("Tue afternoon")
    WED_AM = "wed-am", _("Wed morning")
    WED_PM = "wed-pm", _("Wed afternoon")
    THU_AM = "thu-am", _("Thu morning")
    THU_PM = "thu-pm", _("Thu afternoon")
    FRI_AM = "fri-am", _("Fri morning")
    FRI_PM = "fri-pm", _("Fri afternoon")


SLOTS: tuple[str, ...] = tuple(Slot.values)

# A few personality / working-style questions, asked of everybody (key -> question, options).
WORKING_STYLE: dict[str, tuple[StrOrPromise, tuple[tuple[str, StrOrPromise], ...]]] = {
    "structure": (
        _("How do you like a session to run?"),
        (
            ("agenda", _("With an agenda agreed beforehand")),
            ("mixed", _("A loose plan, open to detours")),
            ("open", _("An open conversation")),
        ),
    ),
    "learning": (
        _("How do you learn best?"),
        (
            ("hands_on", _("Trying it out together")),
            ("discussion", _("Talking it through")),
            ("examples", _("Seeing examples first")),
        ),
    ),
    "feedback": (
        _("How do you like to receive feedback?"),
        (
            ("direct", _("Straight to the point")),
            ("gentle", _("Gently, with context")),
            ("written", _("In writing, to think about")),
        ),
    ),
    "pace": (
        _("What pace suits you?"),
        (
            ("steady", _("Steady, one topic at a time")),
            ("fast", _("Fast, many topics")),
        ),
    ),
}

MAX_SKILLS = 10
MAX_WANTS = 10
MAX_LIST = 12
# The limits of a profile, used by the profile rules, the forms and the API.
SKILL_NAME_MAX = 120  # a skill of the catalogue (people.Skill.name)
SKILL_LEVEL_MIN, SKILL_LEVEL_MAX = 1, 3
LIST_ITEM_MAX = 80  # one interest or language
ERG_MAX = 120  # a resource group's name
GOALS_MAX = 2000
AVOID_MAX = 20
CAPACITY_MIN, CAPACITY_MAX = 1, 3
WORKING_STYLE_KEY_MAX = 40
ANSWER_MAX = 2000  # a free-text answer to a custom question
OPTION_MAX = 120  # one option of a choice question
DECISION_MESSAGE_MAX = 2000
BULK_MAX = 500  # applications decided at once


class Application(TimeStampedModel):
    """An employee's application to a cohort as mentor or mentee, with their profile."""

    Role = ParticipantRole

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        ACCEPTED = "accepted", _("Accepted")
        WAITLISTED = "waitlisted", _("Waitlisted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="applications")
    person = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="applications")
    role = models.CharField(_("role"), max_length=8, choices=ParticipantRole.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )

    # The participant profile.
    skills = models.JSONField(
        _("skills offered"), default=dict, blank=True, help_text=_("{skill: level 1-3}")
    )
    wants = models.JSONField(
        _("topics wanted"), default=dict, blank=True, help_text=_("{topic: low|medium|high}")
    )
    interests = models.JSONField(_("interests"), default=list, blank=True)
    goals = models.TextField(_("goals"), blank=True)
    communication = models.JSONField(_("communication preferences"), default=list, blank=True)
    formats = models.JSONField(_("meeting formats"), default=list, blank=True)
    availability = models.JSONField(_("weekly availability"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    ergs = models.JSONField(
        _("resource groups to consider"),
        default=list,
        blank=True,
        help_text=_("Opt-in: names of the applicant's own resource groups."),
    )
    avoid = models.ManyToManyField(
        Employee, blank=True, related_name="+", verbose_name=_("people to avoid")
    )
    capacity = models.PositiveSmallIntegerField(_("capacity"), default=1)
    working_style = models.JSONField(_("working style"), default=dict, blank=True)
    answers = models.JSONField(
        _("answers to custom questions"), default=dict, blank=True, help_text=_("{id: answer}")
    )
    agreed_to_guidelines_at = models.DateTimeField(_("agreed to the guidelines at"))

    # The review.
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decision_message = models.TextField(_("message to the applicant"), blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        ordering = ["cohort", "role", "person__last_name", "person__first_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "cohort", "role"], name="one_application_per_person_role"
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1) & Q(capacity__lte=3), name="application_capacity_1_3"
            ),
            models.CheckConstraint(
                condition=Q(role__in=ParticipantRole.values), name="application_role_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["cohort", "role", "status"]),
            # Accepted people in decision order (the waiting list, the matching input).
            models.Index(fields=["cohort", "status", "decided_at"], name="application_decided_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person.full_name} as {self.get_role_display()} in {self.cohort}"

    def get_absolute_url(self) -> str:
        return reverse("enrollment:detail", args=[self.pk])

    @property
    def is_mentor(self) -> bool:
        return self.role == ParticipantRole.MENTOR

    @property
    def is_active(self) -> bool:
        return self.status != self.Status.WITHDRAWN

    @property
    def skills_ranked(self) -> list[tuple[str, int]]:
        """Skills offered, the strongest first."""
        return sorted(self.skills.items(), key=lambda item: (-int(item[1]), item[0]))

    @property
    def wants_ranked(self) -> list[tuple[str, str]]:
        """Topics wanted, the highest priority first."""
        rank = {Priority.HIGH: 0, Priority.MEDIUM: 1, Priority.LOW: 2}
        return sorted(self.wants.items(), key=lambda item: (rank.get(item[1], 3), item[0]))

    @property
    def format_labels(self) -> list[str]:
        labels = dict(MeetingFormat.choices)
        return [str(labels.get(value, value)) for value in self.formats]

    @property
    def communication_labels(self) -> list[str]:
        labels = dict(Communication.choices)
        return [str(labels.get(value, value)) for value in self.communication]

    @property
    def availability_labels(self) -> list[str]:
        """ "Mon morning", "Thu afternoon", … in week order."""
        days, halves = dict(DAYS), dict(HALVES)
        result = []
        for slot in self.availability:
            day, _sep, half = slot.partition("-")
            result.append(f"{days.get(day, day)} {halves.get(half, half)}")
        return result


class CustomQuestion(TimeStampedModel):
    """A question a program manager adds to a cohort's application form."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Free text")
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        SCALE = "scale", _("Scale 1-5")

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    options = models.JSONField(_("options"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=False)
    for_role = models.CharField(
        _("asked of"),
        max_length=8,
        choices=ParticipantRole.choices,
        blank=True,
        help_text=_("Empty: both roles."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["cohort", "position", "pk"]

    def __str__(self) -> str:
        return self.text

    def applies_to(self, role: str) -> bool:
        return not self.for_role or self.for_role == role
