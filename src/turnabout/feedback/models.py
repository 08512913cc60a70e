"""Surveys of a cohort: questions, invitations (who was asked, who answered) and answers.

Three privacy modes decide where an answer is stored:

- *anonymous*: `AnonymousResponse` rows hold the answers of one submission as JSON. They
  have a random UUID key, the survey, the answering person's role in the pair (for the
  by-role breakdown, shown above the floor only) and the day: no person, account, pair,
  invitation or session key, and no time of day. Who answered is an `Invitation` row
  (`answered_on`, a day) with no link to the response. Every submission re-inserts the new
  response together with a random sample of earlier ones in shuffled order under fresh
  keys (`services._mix_anonymous`), so neither the key nor the physical row order (SQLite
  rowid, PostgreSQL ctid) follows the order in which people answered.
- *confidential*: `Response` + `Answer` rows linked to the person, so that pre/post change
  can be computed; managers see aggregates above the floor only, each person their own.
- *pair*: `Response` + `Answer` rows about one mentorship; each partner's answer is seen
  by the program's managers, never by the partner.

An `Invitation` is one (survey, person, occasion): the database refuses a second one, so a
survey never asks one person twice for the same occasion whatever the scheduler does.
Reminders count their steps on the invitation and are sent by a conditional update, so a
tick run twice (or twice at once) sends each step once.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from turnabout.common.models import TimeStampedModel
from turnabout.engagement.models import Side
from turnabout.pairing.models import Mentorship
from turnabout.people.models import Employee
from turnabout.programs.models import Cohort


class Survey(TimeStampedModel):
    """A survey of one cohort, built by its managers, from a template or from scratch."""

    TITLE_MAX = 200
    INTRO_MAX = 4000
    WEEKS_MAX = 52
    RESPOND_WITHIN_MAX = 90

    class Template(models.TextChoices):
        CUSTOM = "custom", _("Custom survey")
        PAIRING_FIT = "pairing_fit", _("Pairing fit")
        PULSE = "pulse", _("Monthly pulse")
        MIDPOINT = "midpoint", _("Mid-point check-in")
        FINAL = "final", _("Final evaluation")
        SELF_ASSESSMENT = "self_assessment", _("Skill self-assessment")

    class Mode(models.TextChoices):
        ANONYMOUS = "anonymous", _("Anonymous")
        CONFIDENTIAL = "confidential", _("Confidential")
        PAIR = "pair", _("About your pair")

    class Audience(models.TextChoices):
        BOTH = "both", _("Mentors and mentees")
        MENTORS = "mentors", _("Mentors")
        MENTEES = "mentees", _("Mentees")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    class Trigger(models.TextChoices):
        MANUAL = "manual", _("By hand, when opened")
        FIRST_SESSION = "first_session", _("After the pair's first held session")
        PHASE_ACTIVE = "phase_active", _("When the cohort becomes active")
        PHASE_WRAPPING_UP = "phase_wrapping_up", _("When the cohort starts wrapping up")
        PRE_POST = "pre_post", _("Before the first session and again at wrap-up")
        WEEKS_AFTER_START = "weeks_after_start", _("N weeks after each pair started")
        RECURRING = "recurring", _("Every N weeks while the pair is active")

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="feedback_surveys")
    template = models.CharField(
        _("template"), max_length=20, choices=Template.choices, default=Template.CUSTOM
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    intro = models.TextField(_("introduction"), max_length=INTRO_MAX, blank=True)
    mode = models.CharField(_("privacy"), max_length=16, choices=Mode.choices)
    audience = models.CharField(
        _("who is asked"), max_length=8, choices=Audience.choices, default=Audience.BOTH
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    trigger = models.CharField(
        _("sent"), max_length=20, choices=Trigger.choices, default=Trigger.MANUAL
    )
    weeks = models.PositiveSmallIntegerField(
        _("weeks"), default=4, help_text=_("N of the relative and recurring schedules.")
    )
    respond_within_days = models.PositiveSmallIntegerField(
        _("answer within (days)"), default=14, help_text=_("Each invitation stays open this long.")
    )
    closes_on = models.DateField(_("closes on"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["cohort", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weeks__gte=1) & Q(weeks__lte=52), name="feedback_survey_weeks_1_52"
            ),
            models.CheckConstraint(
                condition=Q(respond_within_days__gte=1) & Q(respond_within_days__lte=90),
                name="feedback_survey_respond_within_1_90",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("feedback:survey", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_anonymous(self) -> bool:
        return self.mode == self.Mode.ANONYMOUS

    @property
    def asks_sides(self) -> tuple[str, ...]:
        if self.audience == self.Audience.MENTORS:
            return (Side.MENTOR,)
        if self.audience == self.Audience.MENTEES:
            return (Side.MENTEE,)
        return (Side.MENTOR, Side.MENTEE)


class Question(models.Model):
    """One question of a survey, in its place. `key` names its meaning for the metrics
    ("satisfaction", "again", "nps", "fit", "pulse", ...) whatever its wording."""

    TEXT_MAX = 300
    HELP_MAX = 500
    OPTION_MAX = 120
    OPTIONS_MAX = 20
    SHORT_TEXT_MAX = 200
    LONG_TEXT_MAX = 4000

    class Kind(models.TextChoices):
        LIKERT = "likert", _("Agree scale (1-5)")
        RATING = "rating", _("Rating (1-10)")
        NPS = "nps", _("Recommendation (0-10)")
        SINGLE = "single", _("One choice")
        MULTIPLE = "multiple", _("Several choices")
        SHORT_TEXT = "short_text", _("Short text")
        LONG_TEXT = "long_text", _("Long text")
        SKILL_GRID = "skill_grid", _("Skill self-rating (topics x 1-5)")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    text = models.CharField(_("question"), max_length=TEXT_MAX)
    help_text = models.CharField(_("help text"), max_length=HELP_MAX, blank=True)
    required = models.BooleanField(_("required"), default=True)
    options = models.JSONField(
        _("choices or topics"), default=list, blank=True, help_text=_("One per line.")
    )
    key = models.SlugField(_("meaning"), max_length=40, blank=True)

    class Meta:
        ordering = ["survey", "position", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def scale(self) -> tuple[int, int] | None:
        return SCALES.get(self.kind)

    @property
    def is_text(self) -> bool:
        return self.kind in (self.Kind.SHORT_TEXT, self.Kind.LONG_TEXT)


# The answer range of each numeric kind: defined once, used by forms, schemas and results.
SCALES: dict[str, tuple[int, int]] = {
    Question.Kind.LIKERT: (1, 5),
    Question.Kind.RATING: (1, 10),
    Question.Kind.NPS: (0, 10),
    Question.Kind.SKILL_GRID: (1, 5),
}


class Invitation(models.Model):
    """Who is asked, for which occasion, and whether they have answered (a day, no time).

    For an anonymous survey this is the participation table: it says that somebody
    answered, never what; nothing in it points at an `AnonymousResponse`.
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    mentorship = models.ForeignKey(
        Mentorship, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    role = models.CharField(_("role"), max_length=8, choices=Side.choices)
    occasion = models.CharField(_("occasion"), max_length=64)
    invited_on = models.DateField(_("invited on"))
    due_on = models.DateField(_("answer by"))
    emailed = models.BooleanField(_("invitation emailed"), default=False)
    reminders_sent = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)

    class Meta:
        ordering = ["survey", "invited_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "person", "occasion"], name="feedback_one_invitation_per_occasion"
            ),
        ]
        indexes = [models.Index(fields=["person", "answered_on"])]

    def __str__(self) -> str:
        return f"{self.person_id} asked {self.survey_id} ({self.occasion})"

    def get_absolute_url(self) -> str:
        return reverse("feedback:answer", args=[self.pk])


class Response(TimeStampedModel):
    """A confidential or pair answer sheet: a draft until submitted. Never anonymous."""

    invitation = models.OneToOneField(Invitation, on_delete=models.CASCADE, related_name="response")
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    person = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    mentorship = models.ForeignKey(
        Mentorship, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    role = models.CharField(_("role"), max_length=8, choices=Side.choices)
    occasion = models.CharField(_("occasion"), max_length=64)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        ordering = ["survey", "pk"]
        indexes = [models.Index(fields=["survey", "submitted_at"])]

    def __str__(self) -> str:
        return f"Response {self.pk} to {self.survey_id}"

    @property
    def is_draft(self) -> bool:
        return self.submitted_at is None


class Answer(models.Model):
    """One answer of a `Response`: a number, choices or text; `topic` for a grid row."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    topic = models.CharField(_("topic"), max_length=Question.OPTION_MAX, blank=True)
    number = models.SmallIntegerField(_("number"), null=True, blank=True)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        ordering = ["response", "question", "topic"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question", "topic"], name="feedback_one_answer_per_item"
            ),
        ]

    def __str__(self) -> str:
        return f"Answer to {self.question_id}"

    @property
    def value(self) -> Any:
        if self.number is not None:
            return self.number
        if self.choices:
            return list(self.choices)
        return self.text


class AnonymousResponse(models.Model):
    """One anonymous submission: random key, survey, role, day, answers. Nothing else.

    `answers` maps a question id (as text) to the value: a number, a list of choices, a
    text, or for a skill grid a mapping of topic to number.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="anonymous_responses")
    role = models.CharField(_("role"), max_length=8, choices=Side.choices)
    answered_on = models.DateField(_("answered on"))
    answers = models.JSONField(_("answers"), default=dict)

    class Meta:
        # No ordering: the rows have none that means anything.
        indexes = [models.Index(fields=["survey", "role"])]

    def __str__(self) -> str:
        return f"Anonymous response to {self.survey_id}"


class PairFitFlag(TimeStampedModel):
    """A pair somebody called "not a good fit": the managers see it, the mentee gets the
    offer of a re-match. One per (mentorship, side)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        REMATCH_REQUESTED = "rematch_requested", _("Mentee asked for a re-match")
        RESOLVED = "resolved", _("Resolved")

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(_("flagged by"), max_length=8, choices=Side.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )

    class Meta:
        ordering = ["-created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["mentorship", "role"], name="feedback_one_fit_flag"),
        ]

    def __str__(self) -> str:
        return f"Fit flag on {self.mentorship_id} by the {self.role}"
