"""What insights keeps: KPI history, hand-entered values, pair health and what managers did.

- `KpiSnapshot`: one row per (objective, cohort, day), written by the worker's tick. A
  second tick on the same day updates nothing (the unique constraint decides), so the
  history is "measured from day one" and never doubles.
  Pages read the KPI cards from it (today's row, taken on demand when the tick has not run
  yet), so a dashboard never computes a metric over every pair.
- `CohortRollup`: one row per (cohort, day) with the dashboard's series that would
  otherwise scan every session (sessions held and missed per week), written with the
  KPI snapshot.
- `ManualValue`: a dated value of a `custom` objective, entered by a program manager.
- `PairHealth`: the current state of an active pair and the *codes* of the signals that
  caused it. Never a value: the signal "session ratings are low" is stored, the ratings are
  not (they stay private to their authors in engagement).
- `PairHealthChange`: every change of state, read by the managers' daily digest.
- `CheckInNote`, `SignalSnooze`, `RematchOffer`: what a manager does about a pair. Notes
  are for the program's managers only (never the partners, never sponsors).
- `DigestSent`: one row per (manager, day) inserted before the email is queued: the
  digest goes out once per manager per day however many ticks run.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from turnabout.pairing.models import Mentorship
from turnabout.programs.models import Cohort, Objective


class KpiState(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    OFF_TRACK = "off_track", _("Off track")
    NO_DATA = "no_data", _("No data yet")


class KpiSnapshot(models.Model):
    NOTE_MAX = 120

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="snapshots")
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="kpi_snapshots")
    day = models.DateField(_("day"))
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=3, null=True)
    count = models.PositiveIntegerField(_("measured over"), default=0)
    state = models.CharField(_("state"), max_length=10, choices=KpiState.choices)
    note = models.CharField(_("note"), max_length=NOTE_MAX, blank=True)
    hidden = models.BooleanField(_("below the privacy floor"), default=False)
    taken_at = models.DateTimeField(_("taken at"))

    class Meta:
        ordering = ["objective", "cohort", "day"]
        constraints = [
            models.UniqueConstraint(
                fields=["objective", "cohort", "day"], name="one_kpi_snapshot_per_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.objective_id}/{self.cohort_id} on {self.day}: {self.value}"


class CohortRollup(models.Model):
    """Series of a cohort's dashboard as of the end of `day`: `weeks` is a list of
    [ISO Monday, sessions held, sessions cancelled or missed], oldest first."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="rollups")
    day = models.DateField(_("day"))
    weeks = models.JSONField(_("sessions per week"), default=list, blank=True)
    taken_at = models.DateTimeField(_("taken at"))

    class Meta:
        ordering = ["cohort", "day"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "day"], name="one_cohort_rollup_per_day"),
        ]

    def __str__(self) -> str:
        return f"Rollup of {self.cohort_id} on {self.day}"


class ManualValue(models.Model):
    """A dated value of a `custom` objective ("reported by hand")."""

    NOTE_MAX = 300

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="manual_values")
    day = models.DateField(_("as of"))
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=3)
    note = models.CharField(_("source or note"), max_length=NOTE_MAX, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["objective", "-day", "-pk"]

    def __str__(self) -> str:
        return f"{self.objective_id} = {self.value} on {self.day}"


class HealthState(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    CHECK_IN = "check_in", _("Needs a check-in")
    AT_RISK = "at_risk", _("At risk")


HEALTH_ORDER = {HealthState.ON_TRACK: 0, HealthState.CHECK_IN: 1, HealthState.AT_RISK: 2}


class PairHealth(models.Model):
    mentorship = models.OneToOneField(
        Mentorship, primary_key=True, on_delete=models.CASCADE, related_name="health"
    )
    state = models.CharField(_("state"), max_length=10, choices=HealthState.choices)
    signals = models.JSONField(
        _("signals"), default=list, blank=True, help_text=_("[{code, severity}] only, no values.")
    )
    since = models.DateTimeField(_("in this state since"))
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name_plural = _("pair health")
        indexes = [models.Index(fields=["state"])]

    def __str__(self) -> str:
        return f"{self.mentorship_id}: {self.state}"


class PairHealthChange(models.Model):
    mentorship = models.ForeignKey(
        Mentorship, on_delete=models.CASCADE, related_name="health_changes"
    )
    at = models.DateTimeField(_("at"), db_index=True)
    from_state = models.CharField(max_length=10, choices=HealthState.choices, blank=True)
    to_state = models.CharField(max_length=10, choices=HealthState.choices)
    signals = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.mentorship_id}: {self.from_state or '-'} -> {self.to_state}"


class CheckInNote(models.Model):
    """A program manager's note about a check-in with a pair. Managers only."""

    BODY_MAX = 4000

    mentorship = models.ForeignKey(
        Mentorship, on_delete=models.CASCADE, related_name="checkin_notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_label = models.CharField(max_length=254)
    body = models.TextField(_("note"), max_length=BODY_MAX)
    created_at = models.DateTimeField(_("at"), db_index=True)

    class Meta:
        ordering = ["mentorship", "-created_at", "-pk"]

    def __str__(self) -> str:
        # Never the body: this string lands in the audit log.
        return f"Check-in note {self.pk} on pair {self.mentorship_id}"


class SignalSnooze(models.Model):
    """A manager silences one signal of one pair until a day (it still shows, greyed)."""

    DAYS_MAX = 90

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="snoozes")
    signal = models.CharField(_("signal"), max_length=32)
    until = models.DateField(_("until"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["mentorship", "signal"]
        constraints = [
            models.UniqueConstraint(fields=["mentorship", "signal"], name="one_snooze_per_signal"),
        ]

    def __str__(self) -> str:
        return f"{self.signal} of {self.mentorship_id} until {self.until}"


class RematchOffer(models.Model):
    """A manager offered the pair's mentee (and mentor) a new partner."""

    MESSAGE_MAX = 2000

    mentorship = models.ForeignKey(
        Mentorship, on_delete=models.CASCADE, related_name="rematch_offers"
    )
    message = models.TextField(_("message"), max_length=MESSAGE_MAX, blank=True)
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    offered_at = models.DateTimeField()

    class Meta:
        ordering = ["-offered_at", "-pk"]

    def __str__(self) -> str:
        return f"Re-match offered to pair {self.mentorship_id}"


class DigestSent(models.Model):
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField()
    pairs = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-day", "manager"]
        constraints = [
            models.UniqueConstraint(fields=["manager", "day"], name="one_digest_per_manager_day"),
        ]

    def __str__(self) -> str:
        return f"Digest for {self.manager_id} on {self.day}"
