"""Badges awarded, certificates with verification, and success stories.

- `BadgeAward`: one row per (person, badge, context). The rules that award badges live in
  `badges.py` (one module); the tick inserts missing awards with the unique constraint as
  the guard, so running it twice awards nothing twice. The manual "recognition" badge is
  awarded by a manager with a citation (audited), with a random context key.
- `Certificate`: one per accepted application of a closed cohort whose holder completed it.
  Its `code` is 32 random URL-safe characters (about 190 bits): the verification page at
  `/certificates/<code>/` shows the name, program and date only. A revoked certificate
  verifies as revoked and is no longer downloadable.
- `SuccessStory`: written by a pair at wrap-up. Any change of its text clears both consents
  (they always consent to the same text); a manager publishes it only with both consents;
  withdrawing a consent unpublishes it. It holds only what the pair wrote in it.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from turnabout.common.models import TimeStampedModel
from turnabout.enrollment.models import Application, ParticipantRole
from turnabout.pairing.models import Mentorship
from turnabout.people.models import Employee
from turnabout.programs.models import Cohort, Phase

# A pair writes its story at wrap-up.
STORY_PHASES = (Phase.WRAPPING_UP, Phase.CLOSED)


class BadgeAward(models.Model):
    CITATION_MAX = 500

    person = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="badges")
    badge = models.CharField(_("badge"), max_length=32, db_index=True)
    context = models.CharField(
        _("context"), max_length=64, blank=True, help_text="e.g. cohort:12; '' when once ever."
    )
    cohort = models.ForeignKey(
        Cohort, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    awarded_at = models.DateTimeField(_("awarded at"))
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    citation = models.TextField(_("citation"), blank=True, max_length=CITATION_MAX)

    class Meta:
        ordering = ["-awarded_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "badge", "context"], name="one_award_per_badge_and_context"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.badge} for {self.person_id}"


def new_code() -> str:
    return secrets.token_urlsafe(24)


class Certificate(models.Model):
    REASON_MAX = 500

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="certificate"
    )
    person = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="certificates")
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="certificates")
    role = models.CharField(_("role"), max_length=8, choices=ParticipantRole.choices)
    code = models.CharField(max_length=64, unique=True, default=new_code, editable=False)
    # What the certificate says, fixed when it is issued.
    holder_name = models.CharField(_("name"), max_length=300)
    program_name = models.CharField(_("program"), max_length=200)
    starts_on = models.DateField()
    ends_on = models.DateField()
    sessions_held = models.PositiveSmallIntegerField(default=0)
    topics_learned = models.JSONField(default=list, blank=True)
    topics_taught = models.JSONField(default=list, blank=True)
    issued_at = models.DateTimeField(_("issued at"))
    pdf = models.BinaryField(editable=False)
    emailed_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoke_reason = models.TextField(_("reason"), blank=True, max_length=REASON_MAX)

    class Meta:
        ordering = ["cohort", "holder_name", "pk"]

    def __str__(self) -> str:
        return f"Certificate of {self.holder_name} ({self.program_name})"

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None


class SuccessStory(TimeStampedModel):
    TITLE_MAX = 200
    BODY_MAX = 5000

    mentorship = models.OneToOneField(Mentorship, on_delete=models.CASCADE, related_name="story")
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    body = models.TextField(_("our story"), max_length=BODY_MAX)
    mentor_consent_at = models.DateTimeField(null=True, blank=True)
    mentee_consent_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name_plural = _("success stories")

    def __str__(self) -> str:
        return self.title

    @property
    def both_consented(self) -> bool:
        return self.mentor_consent_at is not None and self.mentee_consent_at is not None

    @property
    def is_published(self) -> bool:
        return self.published_at is not None
