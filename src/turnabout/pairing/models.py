"""Match runs, their proposals and unmatched people, exclusions, and mentorships (pairs).

A *match run* asks the matching engine for pairs for one cohort, with a snapshot of the
settings it used. Its *proposals* are reviewed (locked, removed, excluded, made by hand) and
then *published*: each proposal becomes a *mentorship*, which both people accept or decline.

Capacity rules are enforced by the database where a constraint can express them: a mentee
holds at most one live (proposed or active) mentorship per cohort, so a pair also holds at
most one. A mentor's capacity (1-3) cannot be a unique constraint; the services lock the
mentor's application row (`select_for_update`) and count inside the same transaction.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from turnabout.common.models import TimeStampedModel
from turnabout.enrollment.models import Application
from turnabout.people.models import Employee
from turnabout.programs.models import Cohort

LIVE_STATUSES = ("proposed", "active")


class MatchRun(TimeStampedModel):
    """One execution of the matching engine for a cohort, and its quality figures."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class Kind(models.TextChoices):
        INITIAL = "initial", _("Matching")
        REMATCH = "rematch", _("Re-match")

    class Objective(models.TextChoices):
        MAX_MATCHED = "max_matched", _("Most people matched, then best scores")
        MAX_SCORE = "max_score", _("Best scores, even if fewer people are matched")

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="match_runs")
    number = models.PositiveIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.INITIAL)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    stage = models.CharField(_("stage"), max_length=40, blank=True)
    config = models.JSONField(_("settings used"), default=dict, blank=True)
    objective = models.CharField(
        _("objective"), max_length=12, choices=Objective.choices, default=Objective.MAX_MATCHED
    )
    locks = models.JSONField(
        _("locked pairs"),
        default=list,
        blank=True,
        help_text=_(
            "[{mentor_application, mentee_application, override_reason}] application ids kept "
            "from a run."
        ),
    )
    based_on = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("re-run of"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        _("last sign of life"),
        null=True,
        blank=True,
        help_text=_("Renewed every few seconds while a worker runs it (the run's lease)."),
    )
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    seconds = models.FloatField(_("engine seconds"), null=True, blank=True)
    mentors = models.PositiveIntegerField(_("mentors"), default=0)
    mentees = models.PositiveIntegerField(_("mentees"), default=0)
    matched = models.PositiveIntegerField(_("pairs"), default=0)
    mean_score = models.FloatField(_("mean score"), null=True, blank=True)
    min_score = models.FloatField(_("weakest score"), null=True, blank=True)
    total_score = models.FloatField(_("total score"), null=True, blank=True)
    blocking_pairs = models.PositiveIntegerField(_("blocking pairs"), null=True, blank=True)
    mode = models.CharField(_("solve"), max_length=8, blank=True)
    certified = models.BooleanField(
        _("certified optimal"),
        null=True,
        blank=True,
        help_text=_("Sparse runs: whether the certificate proved the result optimal."),
    )
    gap_bound = models.FloatField(
        _("certified gap bound"),
        null=True,
        blank=True,
        help_text=_("Sparse runs: how much the total could at most still improve."),
    )
    error = models.TextField(_("error"), blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["cohort", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "number"], name="unique_run_number"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="run_progress_0_100"),
        ]

    def __str__(self) -> str:
        return f"Run {self.number} of {self.cohort}"

    def get_absolute_url(self) -> str:
        return reverse("pairing:run", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def verdict(self) -> str:
        """Optimal (dense), optimal (certified), or the certified bound of the gap."""
        if self.mode == "dense":
            return str(_("optimal"))
        if self.certified:
            return str(_("optimal (certified)"))
        if self.mode == "sparse" and self.gap_bound is not None:
            return str(_("within %(bound)s of the optimum (certified bound)")) % {
                "bound": f"{self.gap_bound:.6f}"
            }
        if self.mode == "sparse":
            return str(_("not certified"))
        return ""


class Proposal(models.Model):
    """A pair proposed by a run (or made by hand), with its score and explanation.

    ``reasons`` are the engine's codes with parameters (``[{"code", "params"}]``, best
    criterion first); ``pairing/explain.py`` puts them into words for each reader."""

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="proposals")
    mentor_application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+")
    mentee_application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(_("score"))
    breakdown = models.JSONField(_("breakdown"), default=dict, blank=True)
    reasons = models.JSONField(_("reasons (codes)"), default=list, blank=True)
    locked = models.BooleanField(_("locked"), default=False)
    manual = models.BooleanField(_("made by hand"), default=False)
    kept = models.BooleanField(
        _("existing pair"), default=False, help_text=_("A live mentorship kept by a re-match.")
    )
    violations = models.JSONField(_("broken hard constraints"), default=list, blank=True)
    override_reason = models.TextField(_("override reason"), blank=True)

    class Meta:
        ordering = ["run", "-score", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "mentee_application"], name="one_proposal_per_mentee"
            ),
            models.CheckConstraint(
                condition=~Q(mentor_application=F("mentee_application")),
                name="proposal_two_people",
            ),
        ]
        # The run page's and the API's pages of proposals, best first.
        indexes = [models.Index(fields=["run", "-score", "id"], name="proposal_review_idx")]

    def __str__(self) -> str:
        return (
            f"{self.mentor_application_id} mentors {self.mentee_application_id} (run {self.run_id})"
        )


class UnmatchedEntry(models.Model):
    """Somebody a run left without a partner, and why (``{"code", "params"}``)."""

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="unmatched")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+")
    reason = models.JSONField(_("reason (code)"), default=dict)

    class Meta:
        ordering = ["run", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["run", "application"], name="one_unmatched_entry"),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} unmatched in run {self.run_id}"


class PairExclusion(models.Model):
    """Two people never to be paired again in this cohort (a manager's call or a decline)."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="pair_exclusions")
    mentor = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    mentee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField(_("reason"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["cohort", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "mentor", "mentee"], name="unique_pair_exclusion"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor_id} never with {self.mentee_id} in {self.cohort_id}"


class Mentorship(TimeStampedModel):
    """A published pair: proposed until both accept, then active, until it ends."""

    REASON_MAX = 2000  # why a pair was declined, ended or overridden

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Waiting for answers")
        ACTIVE = "active", _("Active")
        DECLINED = "declined", _("Declined")
        ENDED = "ended", _("Ended")

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="mentorships")
    mentor = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="mentoring")
    mentee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="mentored_by")
    mentor_application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="mentorships_as_mentor"
    )
    mentee_application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="mentorships_as_mentee"
    )
    run = models.ForeignKey(
        MatchRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="mentorships"
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PROPOSED, db_index=True
    )
    score = models.FloatField(_("score"), null=True, blank=True)
    reasons = models.JSONField(_("why they were matched (codes)"), default=list, blank=True)
    mentor_accepted_at = models.DateTimeField(_("mentor accepted at"), null=True, blank=True)
    mentee_accepted_at = models.DateTimeField(_("mentee accepted at"), null=True, blank=True)
    activated_at = models.DateTimeField(_("active since"), null=True, blank=True)
    ended_at = models.DateTimeField(_("declined or ended at"), null=True, blank=True)
    ended_by_role = models.CharField(_("declined or ended by"), max_length=16, blank=True)
    reason = models.TextField(
        _("decline or end reason"), blank=True, help_text=_("Visible to program managers only.")
    )
    violations = models.JSONField(_("broken hard constraints"), default=list, blank=True)
    override_reason = models.TextField(_("override reason"), blank=True)

    class Meta:
        ordering = ["cohort", "-created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "mentee"],
                condition=Q(status__in=LIVE_STATUSES),
                name="one_live_mentorship_per_mentee",
            ),
            models.UniqueConstraint(
                fields=["cohort", "mentor", "mentee"],
                condition=Q(status__in=LIVE_STATUSES),
                name="one_live_mentorship_per_pair",
            ),
            models.CheckConstraint(condition=~Q(mentor=F("mentee")), name="mentorship_two_people"),
            models.CheckConstraint(
                condition=Q(status__in=["proposed", "active", "declined", "ended"]),
                name="mentorship_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(violations=[]) | ~Q(override_reason=""),
                name="mentorship_override_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["cohort", "status"]),
            # A person's live load and last freed time (the waiting list, re-matching).
            models.Index(
                fields=["mentor_application", "status"], name="pair_mentor_app_status_idx"
            ),
            models.Index(
                fields=["mentee_application", "status"], name="pair_mentee_app_status_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} mentors {self.mentee}"

    def get_absolute_url(self) -> str:
        return reverse("pairing:mentorship", args=[self.pk])

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES

    def accepted_by(self, side: str) -> bool:
        """Whether the partner on `side` ("mentor" or "mentee") has accepted the match."""
        accepted = self.mentor_accepted_at if side == "mentor" else self.mentee_accepted_at
        return accepted is not None
