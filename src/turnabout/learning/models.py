"""Training modules and their steps, completions, guidelines acknowledgements, the resource
library and conversation guides.

- A *module* belongs to a program and an audience (mentors, mentees or both); its *steps*
  are ordered content (Markdown, shown sanitised), a video link, a downloadable file, a
  short multiple-choice check with a pass mark, or an acknowledgement.
- Completion is recorded per person per step (`StepCompletion`); a module is complete when
  every one of its steps is. A check counts as completed only when it was passed.
- The readiness gate (`LearningSettings.readiness_gate`) keeps accepted applicants who have
  not completed their required modules out of a match run (`pairing.adapter` asks
  `readiness.not_ready`).
- `GuidelinesAcknowledgement`: one per person per cohort, dated.
- Files are stored in the database (`StoredFile`), so several stateless app servers serve
  them without a shared disk, always through a permission check.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from turnabout.common.models import TimeStampedModel
from turnabout.enrollment.models import ParticipantRole
from turnabout.people.models import Employee
from turnabout.programs.models import Cohort, Program


class Audience(models.TextChoices):
    MENTORS = "mentor", _("Mentors")
    MENTEES = "mentee", _("Mentees")
    BOTH = "both", _("Mentors and mentees")


def audiences_for(role: str) -> list[str]:
    """The audiences that include a participant of `role`."""
    return [role, Audience.BOTH]


class StoredFile(models.Model):
    """An uploaded file (a step's handout, a library resource), kept in the database."""

    MAX_BYTES = 5 * 1024 * 1024
    NAME_MAX = 200

    name = models.CharField(_("file name"), max_length=NAME_MAX)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    data = models.BinaryField(_("content"))
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class LearningSettings(models.Model):
    """A program's learning options (kept here so the programs app need not know them)."""

    program = models.OneToOneField(
        Program, on_delete=models.CASCADE, related_name="learning_settings"
    )
    readiness_gate = models.BooleanField(
        _("training gates matching"),
        default=False,
        help_text=_(
            "When on, an accepted applicant who has not completed their required modules is "
            "left out of match runs."
        ),
    )

    def __str__(self) -> str:
        return f"Learning settings of {self.program_id}"


class TrainingModule(TimeStampedModel):
    TITLE_MAX = 200

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="training_modules")
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    summary = models.TextField(_("summary"), blank=True)
    audience = models.CharField(
        _("for"), max_length=8, choices=Audience.choices, default=Audience.BOTH
    )
    required = models.BooleanField(
        _("required"), default=True, help_text=_("Counts towards readiness.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)
    starter_key = models.CharField(
        max_length=64, blank=True, editable=False, help_text="Set on the starter curriculum."
    )

    class Meta:
        ordering = ["program", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "title"], name="unique_module_title_per_program"
            ),
            models.CheckConstraint(
                condition=Q(audience__in=Audience.values), name="module_audience_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_live(self) -> bool:
        return self.retired_at is None


class Step(TimeStampedModel):
    """One step of a module. `questions` (checks only): [{text, options: [..], answer: i}]."""

    TITLE_MAX = 200
    BODY_MAX = 20_000
    URL_MAX = 500
    QUESTIONS_MAX = 10
    OPTIONS_MAX = 6
    OPTION_MAX = 300

    class Kind(models.TextChoices):
        CONTENT = "content", _("Reading")
        VIDEO = "video", _("Video")
        FILE = "file", _("Download")
        CHECK = "check", _("Short check")
        ACKNOWLEDGE = "acknowledge", _("Acknowledgement")

    module = models.ForeignKey(TrainingModule, on_delete=models.CASCADE, related_name="steps")
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.CONTENT)
    body = models.TextField(_("text (Markdown)"), blank=True, max_length=BODY_MAX)
    video_url = models.URLField(_("video link"), max_length=URL_MAX, blank=True)
    file = models.ForeignKey(
        StoredFile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    questions = models.JSONField(_("questions"), default=list, blank=True)
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=80, help_text=_("Share of right answers needed.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["module", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["content", "video", "file", "check", "acknowledge"]),
                name="step_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(pass_mark__gte=1) & Q(pass_mark__lte=100), name="step_pass_mark_1_100"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class StepCompletion(models.Model):
    """That a person completed a step (passed it, for a check), with the score of a check."""

    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="completions")
    person = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="step_completions")
    completed_at = models.DateTimeField(_("completed at"))
    score = models.PositiveSmallIntegerField(_("score (%)"), null=True, blank=True)

    class Meta:
        ordering = ["step", "person"]
        constraints = [
            models.UniqueConstraint(fields=["step", "person"], name="one_completion_per_step"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} completed step {self.step_id}"


class GuidelinesAcknowledgement(models.Model):
    """An accepted participant acknowledged the program's guidelines for one cohort."""

    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="guideline_acknowledgements"
    )
    person = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(_("role"), max_length=8, choices=ParticipantRole.choices)
    acknowledged_at = models.DateTimeField(_("acknowledged at"))

    class Meta:
        ordering = ["cohort", "acknowledged_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "person"], name="one_acknowledgement_per_cohort"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} acknowledged the guidelines of {self.cohort_id}"


class ReadinessReminder(models.Model):
    """One reminder to finish training, per person, cohort and ISO week (the tick's key)."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=10)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "person", "period"], name="one_readiness_reminder_per_week"
            ),
        ]

    def __str__(self) -> str:
        return f"Training reminder to {self.person_id} ({self.period})"


class Resource(TimeStampedModel):
    """An article, link or file of a program's resource library."""

    TITLE_MAX = 200
    BODY_MAX = 20_000
    URL_MAX = 500
    TAGS_MAX = 8
    TAG_MAX = 40

    class Kind(models.TextChoices):
        ARTICLE = "article", _("Article")
        LINK = "link", _("Link")
        FILE = "file", _("File")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="resources")
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.ARTICLE)
    summary = models.TextField(_("summary"), blank=True, max_length=1000)
    body = models.TextField(_("text (Markdown)"), blank=True, max_length=BODY_MAX)
    url = models.URLField(_("link"), max_length=URL_MAX, blank=True)
    file = models.ForeignKey(
        StoredFile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    tags = models.JSONField(_("tags"), default=list, blank=True)
    audience = models.CharField(
        _("for"), max_length=8, choices=Audience.choices, default=Audience.BOTH
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)

    class Meta:
        ordering = ["program", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["article", "link", "file"]), name="resource_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ConversationGuide(TimeStampedModel):
    """A suggested agenda and questions for a session, offered when scheduling.

    Moved here from the engagement app (same table) so that managers keep guides in the
    resource library; engagement's sessions still point at it.
    """

    TITLE_MAX = 200

    class Stage(models.TextChoices):
        FIRST = "first", _("First session")
        ANY = "any", _("Any session")
        MIDPOINT = "midpoint", _("Midpoint check-in")
        CLOSING = "closing", _("Closing session")

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="conversation_guides"
    )
    title = models.CharField(_("title"), max_length=200)
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices, default=Stage.ANY)
    summary = models.TextField(_("summary"), blank=True)
    agenda = models.JSONField(_("suggested agenda"), default=list, blank=True)
    questions = models.JSONField(_("questions"), default=list, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    audience = models.CharField(
        _("for"), max_length=8, choices=Audience.choices, default=Audience.BOTH
    )
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)

    class Meta:
        db_table = "engagement_conversationguide"
        ordering = ["program", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["program", "title"], name="unique_guide_title"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def agenda_text(self) -> str:
        return "\n".join(f"- {item}" for item in self.agenda)
