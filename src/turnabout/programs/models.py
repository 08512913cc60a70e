"""Programs, their objectives (KPIs), cohorts with a phase machine, and interest surveys.

A *program* is the design (purpose, guidelines, eligibility, matching settings); a *cohort*
is one run of it with dates and a phase. The interest survey belongs to a cohort; its
answers are anonymous by construction (see `SurveyTally`).
"""

from __future__ import annotations

import json
import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from turnabout.common.models import TimeStampedModel


class Format(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIDEO = "video", _("Video call")
    HYBRID = "hybrid", _("Hybrid")


class Program(TimeStampedModel):
    """The design of a reverse mentoring program. Organisations may run several."""

    # The limits of the design, used by the model, the forms, the services and the API.
    NAME_MAX = 200
    TEXT_MAX = 5000  # purpose, responsibilities, confidentiality, welcome texts
    GUIDELINES_MAX = 10000
    TIME_COMMITMENT_MAX = 200
    LIST_ITEM_MAX = 120  # one department or location
    LIST_MAX = 50
    MEETING_EVERY_DAYS_MIN, MEETING_EVERY_DAYS_MAX = 1, 365
    SESSION_MINUTES_MIN, SESSION_MINUTES_MAX = 5, 600
    DURATION_MONTHS_MIN, DURATION_MONTHS_MAX = 1, 60
    LEVEL_MIN, LEVEL_MAX = 1, 99
    OBJECTIVES_MAX = 30

    name = models.CharField(_("name"), max_length=NAME_MAX, unique=True)
    purpose = models.TextField(_("purpose"))
    guidelines = models.TextField(_("guidelines"), blank=True)
    mentor_responsibilities = models.TextField(_("mentor's responsibilities"), blank=True)
    mentee_responsibilities = models.TextField(_("mentee's responsibilities"), blank=True)
    confidentiality = models.TextField(_("confidentiality rules"), blank=True)
    meeting_every_days = models.PositiveSmallIntegerField(
        _("meeting cadence (days)"), default=14, help_text=_("e.g. 14 for every two weeks.")
    )
    session_minutes = models.PositiveSmallIntegerField(_("session length (minutes)"), default=60)
    format = models.CharField(
        _("meeting format"), max_length=16, choices=Format.choices, default=Format.HYBRID
    )
    duration_months = models.PositiveSmallIntegerField(_("duration (months)"), default=6)
    time_commitment = models.CharField(
        _("expected time commitment"),
        max_length=TIME_COMMITMENT_MAX,
        blank=True,
        help_text=_('e.g. "about 2 hours a month, including preparation".'),
    )
    mentor_max_level = models.PositiveSmallIntegerField(
        _("mentors: maximum level"), null=True, blank=True
    )
    mentee_min_level = models.PositiveSmallIntegerField(
        _("mentees: minimum level"), null=True, blank=True
    )
    departments = models.JSONField(
        _("departments included"), default=list, blank=True, help_text=_("Empty: all.")
    )
    locations = models.JSONField(
        _("locations included"), default=list, blank=True, help_text=_("Empty: all.")
    )
    matching_settings = models.JSONField(
        _("matching settings"),
        default=dict,
        blank=True,
        help_text=_("Weights and constraints of the matching engine (validated)."),
    )
    welcome_mentor = models.TextField(_("welcome text for mentors"), blank=True)
    welcome_mentee = models.TextField(_("welcome text for mentees"), blank=True)
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="managed_programs",
        verbose_name=_("program managers"),
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(meeting_every_days__gte=1), name="program_cadence_positive"
            ),
            models.CheckConstraint(
                condition=Q(session_minutes__gte=5), name="program_session_minutes_min"
            ),
            models.CheckConstraint(
                condition=Q(duration_months__gte=1), name="program_duration_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programs:detail", args=[self.pk])

    @property
    def cadence_label(self) -> str:
        """ "every 2 weeks", "every week", "every 10 days"."""
        days = self.meeting_every_days
        if days % 7 == 0:
            weeks = days // 7
            return str(_("every week")) if weeks == 1 else str(_("every %d weeks") % weeks)
        return str(_("every day")) if days == 1 else str(_("every %d days") % days)

    @property
    def matching_settings_json(self) -> str:
        return json.dumps(self.matching_settings, indent=2, sort_keys=True)


class Objective(TimeStampedModel):
    """A measurable objective (KPI): a metric, a comparison, a target and a unit."""

    class Metric(models.TextChoices):
        PAIRS_MEETING_MIN_SESSIONS = (
            "pairs_meeting_min_sessions",
            _("Share of pairs meeting at least N times"),
        )
        MENTEE_SELF_RATING_CHANGE = (
            "mentee_self_rating_change",
            _("Change in mentees' self-rating on a topic"),
        )
        MENTOR_SELF_RATING_CHANGE = (
            "mentor_self_rating_change",
            _("Change in mentors' self-rating on a topic"),
        )
        MENTOR_RETENTION = "mentor_retention", _("Mentors still employed after N months")
        PAIR_COMPLETION = "pair_completion", _("Share of pairs completing the program")
        SATISFACTION = "satisfaction", _("Average participant satisfaction (1-5)")
        APPLICATIONS = "applications", _("Number of applications")
        CUSTOM = "custom", _("Other (reported by hand)")

    class Comparison(models.TextChoices):
        AT_LEAST = "at_least", _("at least")
        AT_MOST = "at_most", _("at most")

    class Unit(models.TextChoices):
        PERCENT = "percent", _("%")
        POINTS = "points", _("points")
        COUNT = "count", _("count")
        MONTHS = "months", _("months")

    TITLE_MAX = 200
    PARAMETER_MAX = 120
    TARGET_LIMIT = 9_999_999  # |target| at most this (max_digits=10, decimal_places=2)

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="objectives")
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    metric = models.CharField(_("metric"), max_length=40, choices=Metric.choices)
    parameter = models.CharField(
        _("parameter"),
        max_length=PARAMETER_MAX,
        blank=True,
        help_text=_('The N or the topic of the metric, e.g. "6" or "Generative AI tools".'),
    )
    comparison = models.CharField(
        _("comparison"), max_length=10, choices=Comparison.choices, default=Comparison.AT_LEAST
    )
    target = models.DecimalField(_("target"), max_digits=10, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)

    class Meta:
        ordering = ["program", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def target_label(self) -> str:
        target = format(Decimal(self.target).normalize(), "f")
        sign = "≥" if self.comparison == self.Comparison.AT_LEAST else "≤"
        unit = "%" if self.unit == self.Unit.PERCENT else f" {self.get_unit_display()}"
        if self.metric.endswith("_change") and self.target > 0:
            target = f"+{target}"
        return f"{sign} {target}{unit}"


class Phase(models.TextChoices):
    DRAFT = "draft", _("Draft")
    INTEREST_SURVEY = "interest_survey", _("Interest survey")
    APPLICATIONS_OPEN = "applications_open", _("Applications open")
    APPLICATIONS_CLOSED = "applications_closed", _("Applications closed")
    MATCHING = "matching", _("Matching")
    MATCHED = "matched", _("Matched")
    ACTIVE = "active", _("Active")
    WRAPPING_UP = "wrapping_up", _("Wrapping up")
    CLOSED = "closed", _("Closed")


# The phase machine: each phase and the phases it may move to. Forward one step at a time,
# plus two documented shortcuts: skip the interest survey (draft -> applications open) and
# reopen applications (applications closed -> applications open). Nothing goes backwards
# once matching has started: a new cohort is the way to start over.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Phase.DRAFT: (Phase.INTEREST_SURVEY, Phase.APPLICATIONS_OPEN),
    Phase.INTEREST_SURVEY: (Phase.APPLICATIONS_OPEN,),
    Phase.APPLICATIONS_OPEN: (Phase.APPLICATIONS_CLOSED,),
    Phase.APPLICATIONS_CLOSED: (Phase.MATCHING, Phase.APPLICATIONS_OPEN),
    Phase.MATCHING: (Phase.MATCHED,),
    Phase.MATCHED: (Phase.ACTIVE,),
    Phase.ACTIVE: (Phase.WRAPPING_UP,),
    Phase.WRAPPING_UP: (Phase.CLOSED,),
    Phase.CLOSED: (),
}

# Phases in which employees can see the cohort's public page.
PUBLIC_PHASES: frozenset[str] = frozenset(set(Phase.values) - {Phase.DRAFT})
# Phases in which the manager may accept, waitlist or decline applications.
REVIEW_PHASES: frozenset[str] = frozenset(
    {Phase.APPLICATIONS_OPEN, Phase.APPLICATIONS_CLOSED, Phase.MATCHING}
)


class Cohort(TimeStampedModel):
    """One run of a program, with its dates and its place in the phase machine."""

    Phase = Phase
    NAME_MAX = 120
    NOTE_MAX = 2000  # the note of a phase change

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="cohorts")
    name = models.CharField(_("name"), max_length=NAME_MAX)
    phase = models.CharField(
        _("phase"), max_length=24, choices=Phase.choices, default=Phase.DRAFT, db_index=True
    )
    applications_open_on = models.DateField(_("applications open on"), null=True, blank=True)
    applications_close_on = models.DateField(_("applications close on"), null=True, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    class Meta:
        ordering = ["program", "-starts_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["program", "name"], name="unique_cohort_name"),
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")), name="cohort_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(phase__in=Phase.values), name="cohort_phase_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.program.name} · {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("programs:cohort", args=[self.pk])

    @property
    def next_phases(self) -> tuple[str, ...]:
        return TRANSITIONS[self.phase]

    @property
    def applications_are_open(self) -> bool:
        return self.phase == Phase.APPLICATIONS_OPEN

    @property
    def is_public(self) -> bool:
        return self.phase in PUBLIC_PHASES

    @property
    def matching_started(self) -> bool:
        """From the matching phase on, the cohort has a Matching page (pairing)."""
        return self.phase in {
            Phase.MATCHING,
            Phase.MATCHED,
            Phase.ACTIVE,
            Phase.WRAPPING_UP,
            Phase.CLOSED,
        }


class CohortPhaseChange(models.Model):
    """The cohort's phase history: who moved it from which phase to which, when and why."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="phase_changes")
    from_phase = models.CharField(_("from"), max_length=24, choices=Phase.choices, blank=True)
    to_phase = models.CharField(_("to"), max_length=24, choices=Phase.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("by"), max_length=254)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["cohort", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.cohort}: {self.from_phase or '-'} -> {self.to_phase}"


class InterestSurvey(TimeStampedModel):
    """The short anonymous survey a manager runs before a cohort launches."""

    INTRO_MAX = 2000
    TOPIC_MAX = 120
    TOPICS_MAX = 20
    COMFORT_MIN, COMFORT_MAX = 1, 5

    cohort = models.OneToOneField(Cohort, on_delete=models.CASCADE, related_name="survey")
    intro = models.TextField(_("introduction"), blank=True)
    topics = models.JSONField(
        _("topics to ask about"), default=list, blank=True, help_text=_("One per line.")
    )

    def __str__(self) -> str:
        return f"Interest survey of {self.cohort}"

    @property
    def is_open(self) -> bool:
        return self.cohort.phase == Phase.INTEREST_SURVEY


class Willingness(models.TextChoices):
    YES = "yes", _("Yes")
    MAYBE = "maybe", _("Maybe")
    NO = "no", _("No")


class SurveyQuestion(models.TextChoices):
    WOULD_MENTOR = "would_mentor", _("Would you mentor a senior leader?")
    WOULD_BE_MENTORED = "would_be_mentored", _("Would you be mentored by a junior colleague?")
    COMFORT = "comfort", _("Comfort with reverse mentoring (1-5)")
    TOPIC = "topic", _("Topics of interest")


COMFORT_OPTIONS = tuple(str(n) for n in range(1, 6))


class SurveyTally(models.Model):
    """How many answers chose one option of one question: the only trace answers leave.

    Unlinkable by construction. There is no row per answer, so there is nothing to join to
    a `SurveyParticipation`: no key, no time, no order. A survey's tallies are created all
    at once (every option of every question, in a fixed order, count 0) before the first
    answer is counted, and every answer then updates *all* of them in one statement (adding
    1 or 0), so neither SQLite's rowid nor PostgreSQL's ctid and xmin order says which
    options the latest answer chose. See docs/privacy.md.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey("InterestSurvey", on_delete=models.CASCADE, related_name="tallies")
    question = models.CharField(_("question"), max_length=32, choices=SurveyQuestion.choices)
    option = models.CharField(_("option"), max_length=200)
    count = models.PositiveIntegerField(_("answers"), default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "question", "option"], name="one_tally_per_option"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question}={self.option}: {self.count}"


class SurveyDailyCount(models.Model):
    """How many answers a survey received on a day (instead of an audit record per answer)."""

    survey = models.ForeignKey(
        "InterestSurvey", on_delete=models.CASCADE, related_name="daily_counts"
    )
    day = models.DateField(_("day"))
    count = models.PositiveIntegerField(_("answers"), default=0)

    class Meta:
        ordering = ["survey", "day"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "day"], name="one_count_per_survey_day"),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id} {self.day}: {self.count}"


class SurveyParticipation(models.Model):
    """That a user answered a survey (one answer each), and nothing about what they said."""

    survey = models.ForeignKey(
        InterestSurvey, on_delete=models.CASCADE, related_name="participations"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["survey", "user"], name="one_answer_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} answered {self.survey_id}"
