"""Where Turnabout tells other tools what happened: chat channels (Slack, Microsoft Teams)
per program, webhook endpoints for integrators, and the log of every delivery attempt.

A `Delivery` row is written in the same transaction as the event it reports (the audit
record), so nothing is announced that did not happen and nothing that happened is lost; the
task worker posts it, retrying with backoff, and records each outcome.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from turnabout.common.models import TimeStampedModel


class ChatKind(models.TextChoices):
    SLACK = "slack", _("Slack (incoming webhook)")
    TEAMS = "teams", _("Microsoft Teams (workflow webhook)")


class ChatEvent(models.TextChoices):
    COHORT_OPEN = "cohort_open", _("A cohort opens for applications")
    PAIRS_PUBLISHED = "pairs_published", _("Pairs are published")
    WEEKLY_DIGEST = "weekly_digest", _("Weekly digest: KPIs and pairs at risk")


class ChatChannel(TimeStampedModel):
    """A Slack or Teams channel a program posts to, through an incoming-webhook URL."""

    NAME_MAX = 120
    URL_MAX = 1000

    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="chat_channels"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=ChatKind.choices)
    name = models.CharField(_("channel"), max_length=NAME_MAX, help_text=_("e.g. #mentoring"))
    webhook_url = models.URLField(_("webhook URL"), max_length=URL_MAX)
    events = models.JSONField(_("what to post"), default=list)
    active = models.BooleanField(_("active"), default=True)
    last_digest_at = models.DateTimeField(_("last weekly digest"), null=True, blank=True)

    class Meta:
        ordering = ["program_id", "name"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name}"


class WebhookEndpoint(TimeStampedModel):
    """An integrator's URL that receives signed JSON events (see docs/integrations.md)."""

    NAME_MAX = 120
    URL_MAX = 1000

    name = models.CharField(_("name"), max_length=NAME_MAX)
    url = models.URLField(_("URL"), max_length=URL_MAX)
    events = models.JSONField(_("events"), default=list)
    # The signing secret, encrypted with a key derived from SECRET_KEY (it must be read back
    # to sign, so it cannot be hashed). Shown once, at creation.
    secret_encrypted = models.TextField(_("secret (encrypted)"))
    secret_hint = models.CharField(_("secret ends with"), max_length=8)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Delivery(models.Model):
    """One message to one destination, and what happened when it was sent."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed for good")

    MAX_ATTEMPTS = 6

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    channel = models.ForeignKey(
        ChatChannel, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    endpoint = models.ForeignKey(
        WebhookEndpoint,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    event = models.CharField(_("event"), max_length=64)
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(channel__isnull=False) | models.Q(endpoint__isnull=False),
                name="delivery_has_a_destination",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} -> {self.channel or self.endpoint} ({self.status})"
