"""What an active pair does together: agreement, sessions, goals, learning, reflections.

Privacy is part of the data model:
- `Reflection` rows are read through `selectors.reflections_of_user` only (author = the
  user); no admin, no manager view and no API endpoint returns somebody else's.
- `SessionLog.rating` and `SessionLog.comment` belong to the partner who wrote them; the
  other partner's view of a log (`PartnerLog`) carries the outcome and topics only.
- Program managers see whether an agreement is signed and counts and tags of learning
  entries, never the agreement's goals, a reflection, a rating or a learning entry's text.

`Reminder` makes every nudge idempotent: one row per (kind, target, period), inserted
before the email is queued, so a second tick finds the row and sends nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from turnabout.common.models import TimeStampedModel
from turnabout.enrollment.models import Communication
from turnabout.learning.models import ConversationGuide  # moved to learning; sessions use it
from turnabout.pairing.models import Mentorship
from turnabout.people.models import Employee, Skill
from turnabout.programs.models import Format


class Side(models.TextChoices):
    MENTOR = "mentor", _("Mentor")
    MENTEE = "mentee", _("Mentee")


class Agreement(TimeStampedModel):
    """The pair's mentoring agreement: the program's frame plus what they fill in together.

    Any change to the content after a signature clears both signatures: the two always
    sign the same text (`version` counts the changes).
    """

    TEXT_MAX = 4000  # what the mentor gains, the ground rules
    GOALS_MIN, GOALS_MAX = 1, 3
    CADENCE_DAYS_MIN, CADENCE_DAYS_MAX = 1, 90

    mentorship = models.OneToOneField(
        Mentorship, on_delete=models.CASCADE, related_name="agreement"
    )
    cadence_days = models.PositiveSmallIntegerField(_("meet every (days)"), default=14)
    session_minutes = models.PositiveSmallIntegerField(_("session length (minutes)"), default=60)
    format = models.CharField(
        _("format"), max_length=16, choices=Format.choices, default=Format.HYBRID
    )
    confidentiality = models.TextField(_("confidentiality"), blank=True)
    mentor_expectations = models.TextField(_("what the mentor commits to"), blank=True)
    mentee_expectations = models.TextField(_("what the mentee commits to"), blank=True)
    mentor_gains = models.TextField(_("what the mentor wants to gain"), blank=True)
    channel = models.CharField(
        _("preferred channel between sessions"),
        max_length=16,
        choices=Communication.choices,
        blank=True,
    )
    ground_rules = models.TextField(_("ground rules"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    mentor_signed_at = models.DateTimeField(_("signed by the mentor"), null=True, blank=True)
    mentee_signed_at = models.DateTimeField(_("signed by the mentee"), null=True, blank=True)
    signed_at = models.DateTimeField(_("signed by both"), null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(cadence_days__gte=1), name="agreement_cadence_positive"
            ),
            models.CheckConstraint(
                condition=Q(session_minutes__gte=5), name="agreement_minutes_min"
            ),
        ]

    def __str__(self) -> str:
        return f"Agreement of mentorship {self.mentorship_id}"

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None

    def signed_by(self, side: str) -> bool:
        return (self.mentor_signed_at if side == Side.MENTOR else self.mentee_signed_at) is not None


class PairGoal(TimeStampedModel):
    """One of the mentee's 1-3 goals from the agreement, tracked with milestones."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        ACHIEVED = "achieved", _("Achieved")
        DROPPED = "dropped", _("Dropped")

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="goals")
    position = models.PositiveSmallIntegerField(_("position"))
    TITLE_MAX = 200
    EVIDENCE_MAX = 1000
    NOTE_MAX = 1000  # the note of a progress update
    PROGRESS_MIN, PROGRESS_MAX = 0, 100
    MILESTONES_MAX = 20

    title = models.CharField(_("what the mentee wants to learn"), max_length=TITLE_MAX)
    evidence = models.TextField(_("how they will show it"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)

    class Meta:
        ordering = ["mentorship", "position"]
        constraints = [
            models.UniqueConstraint(fields=["mentorship", "position"], name="unique_goal_position"),
            models.CheckConstraint(
                condition=Q(position__gte=1) & Q(position__lte=3), name="goal_position_1_3"
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="goal_progress_0_100"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("engagement:goal", args=[self.pk])


class GoalMilestone(models.Model):
    goal = models.ForeignKey(PairGoal, on_delete=models.CASCADE, related_name="milestones")
    TITLE_MAX = 200

    title = models.CharField(_("milestone"), max_length=TITLE_MAX)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["goal", "due_on", "pk"]

    def __str__(self) -> str:
        return self.title


class GoalEvent(models.Model):
    """The history of a goal: every change of status, progress or milestones, and who."""

    class Kind(models.TextChoices):
        CREATED = "created", _("created")
        EDITED = "edited", _("reworded")
        UPDATED = "updated", _("updated")
        MILESTONE_ADDED = "milestone_added", _("milestone added")
        MILESTONE_DONE = "milestone_done", _("milestone done")
        MILESTONE_REOPENED = "milestone_reopened", _("milestone reopened")

    goal = models.ForeignKey(PairGoal, on_delete=models.CASCADE, related_name="history")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(_("by"), max_length=300, blank=True)
    at = models.DateTimeField(_("at"), db_index=True)
    status_from = models.CharField(max_length=12, blank=True)
    status_to = models.CharField(max_length=12, blank=True)
    progress_from = models.PositiveSmallIntegerField(null=True, blank=True)
    progress_to = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["goal", "-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.goal_id} {self.kind} at {self.at:%Y-%m-%d}"

    @property
    def status_to_label(self) -> str:
        return str(PairGoal.Status(self.status_to).label) if self.status_to else ""


class MentoringSession(TimeStampedModel):
    """A scheduled meeting of a pair. `uid` and `sequence` make its calendar invites."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    class Outcome(models.TextChoices):
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")
        NO_SHOW = "no_show", _("No-show")

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="sessions")
    MINUTES_MIN, MINUTES_MAX = 5, 480
    PLACE_MAX = 200
    VIDEO_URL_MAX = 500
    AGENDA_MAX = 4000
    CANCEL_NOTE_MAX = 1000

    uid = models.CharField(_("calendar UID"), max_length=120, unique=True, editable=False)
    sequence = models.PositiveIntegerField(_("calendar sequence"), default=0)
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=60)
    format = models.CharField(_("format"), max_length=16, choices=Format.choices)
    place = models.CharField(_("place"), max_length=PLACE_MAX, blank=True)
    video_url = models.URLField(_("video link"), max_length=VIDEO_URL_MAX, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    guide = models.ForeignKey(
        ConversationGuide,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sessions",
        verbose_name=_("conversation guide"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SCHEDULED
    )
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    scheduled_by = models.ForeignKey(
        Employee, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_note = models.TextField(_("why it was cancelled"), blank=True)

    class Meta:
        ordering = ["mentorship", "-starts_at", "-pk"]
        verbose_name = _("session")
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=5) & Q(minutes__lte=480), name="session_minutes_5_480"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["scheduled", "cancelled"]), name="session_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["mentorship", "starts_at"]),
            # The outcome figures per pair and the "last held" of the engagement dashboard.
            models.Index(
                fields=["mentorship", "outcome", "starts_at"], name="session_pair_outcome_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"Session {self.pk} of mentorship {self.mentorship_id}"

    def get_absolute_url(self) -> str:
        return reverse("engagement:session", args=[self.pk])

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.minutes)

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED


class SessionLog(TimeStampedModel):
    """One partner's account of a session. The rating and comment are theirs alone."""

    OTHER_TOPICS_MAX = 300
    COMMENT_MAX = 2000
    RATING_MIN, RATING_MAX = 1, 5
    TOPICS_MAX = 20

    session = models.ForeignKey(MentoringSession, on_delete=models.CASCADE, related_name="logs")
    author = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    side = models.CharField(_("side"), max_length=8, choices=Side.choices)
    outcome = models.CharField(
        _("what happened"), max_length=12, choices=MentoringSession.Outcome.choices
    )
    topics = models.ManyToManyField(Skill, blank=True, related_name="+", verbose_name=_("topics"))
    other_topics = models.CharField(_("other topics"), max_length=OTHER_TOPICS_MAX, blank=True)
    rating = models.PositiveSmallIntegerField(_("rating (1-5)"), null=True, blank=True)
    comment = models.TextField(_("private comment"), blank=True)

    class Meta:
        ordering = ["session", "side"]
        constraints = [
            models.UniqueConstraint(fields=["session", "side"], name="one_log_per_side"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | (Q(rating__gte=1) & Q(rating__lte=5)),
                name="session_rating_1_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.side} log of session {self.session_id}"


class LearningEntry(TimeStampedModel):
    """What one partner learned from the other, tagged with skills."""

    TEXT_MAX = 4000
    SKILLS_MAX = 20

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="learning")
    author = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    side = models.CharField(_("side"), max_length=8, choices=Side.choices)
    text = models.TextField(_("what I learned"))
    skills = models.ManyToManyField(Skill, blank=True, related_name="+", verbose_name=_("tags"))
    session = models.ForeignKey(
        MentoringSession, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["mentorship", "-created_at", "-pk"]
        verbose_name_plural = _("learning entries")
        indexes = [models.Index(fields=["mentorship", "-created_at"])]

    def __str__(self) -> str:
        return f"Learning entry {self.pk} ({self.side})"


class Reflection(TimeStampedModel):
    """A private journal entry: visible to its author alone (no admin, no manager view)."""

    BODY_MAX = 10000

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    mentorship = models.ForeignKey(
        Mentorship, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("reflection"))

    class Meta:
        ordering = ["author", "-created_at", "-pk"]
        indexes = [models.Index(fields=["author", "-created_at"])]

    def __str__(self) -> str:
        # Never the body: this string lands in the audit log.
        return f"Private reflection {self.pk}"


class Reminder(models.Model):
    """A nudge sent (or queued) once per trigger: (kind, target, period) is unique."""

    class Kind(models.TextChoices):
        NO_SESSION = "no_session", _("No session scheduled")
        LOG_SESSION = "log_session", _("Session not logged")
        AGREEMENT_UNSIGNED = "agreement_unsigned", _("Agreement not signed")
        PAIR_STALLED = "pair_stalled", _("No session held for two cadence periods")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    target = models.CharField(_("target"), max_length=64)
    period = models.CharField(_("period"), max_length=64)
    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="reminders")
    session = models.ForeignKey(
        MentoringSession, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    recipients = models.JSONField(_("recipients"), default=list, blank=True)
    created_at = models.DateTimeField(_("due at"), db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "target", "period"], name="reminder_once_per_trigger"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.target} {self.period}"
