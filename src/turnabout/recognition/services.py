"""Writes of the recognition app: badges, certificates, success stories."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from turnabout.common.audit import audit_record
from turnabout.common.email import site_url
from turnabout.common.errors import (
    Conflict,
    ErrorCode,
    PermissionDenied,
    ValidationFailed,
    require,
)
from turnabout.common.types import AnyUser
from turnabout.engagement.models import LearningEntry, MentoringSession
from turnabout.enrollment.models import Application
from turnabout.pairing.models import Mentorship
from turnabout.people.models import Employee
from turnabout.programs.models import Cohort, Phase
from turnabout.recognition import badges, permissions
from turnabout.recognition.audit import RecognitionEvent
from turnabout.recognition.models import STORY_PHASES, BadgeAward, Certificate, SuccessStory
from turnabout.recognition.tasks import send_certificate as send_certificate_task

# --- Badges -------------------------------------------------------------------------------


def badges_award(*, now: datetime | None = None) -> dict[str, int]:
    """The tick: award every badge whose rule now holds and that is not awarded yet.

    Idempotent and safe to run concurrently (the unique constraint decides). Returns the
    number of new awards per badge.
    """
    now = now or timezone.now()
    created: dict[str, int] = {}
    for badge in badges.BADGES:
        if badge.find is None:
            continue
        earned = badge.find()
        if not earned:
            continue
        have = set(BadgeAward.objects.filter(badge=badge.key).values_list("person_id", "context"))
        new = [
            BadgeAward(
                person_id=person_id,
                badge=badge.key,
                context=context,
                cohort_id=cohort_id,
                awarded_at=now,
            )
            for person_id, context, cohort_id in sorted(earned, key=lambda e: (e[0], e[1]))
            if (person_id, context) not in have
        ]
        if new:
            BadgeAward.objects.bulk_create(new, ignore_conflicts=True)
            created[badge.key] = len(new)
    if created:
        audit_record(
            actor=None,
            event=RecognitionEvent.BADGES_AWARDED,
            changes={key: (0, n) for key, n in sorted(created.items())},
        )
    return created


@transaction.atomic
def badge_award_recognition(
    cohort: Cohort,
    *,
    person: Employee,
    citation: str,
    acting_user: AnyUser,
    now: datetime | None = None,
) -> BadgeAward:
    """A manager awards the "recognition" badge by hand, with a citation (audited)."""
    require(
        permissions.can_manage_recognition(acting_user, cohort),
        _("Only this program's managers award recognition."),
    )
    citation = " ".join(citation.split())
    if not citation:
        raise ValidationFailed(_("Say what the recognition is for."), field="citation")
    if len(citation) > BadgeAward.CITATION_MAX:
        raise ValidationFailed(
            _("At most %(n)d characters.") % {"n": BadgeAward.CITATION_MAX}, field="citation"
        )
    if not Application.objects.filter(
        cohort=cohort, person=person, status=Application.Status.ACCEPTED
    ).exists():
        raise ValidationFailed(
            _("Recognise a participant of this cohort."),
            code=ErrorCode.NOT_AN_ACCEPTED_PARTICIPANT,
            field="person",
        )
    award = BadgeAward.objects.create(
        person=person,
        badge=badges.RECOGNITION,
        context=f"manual:{badges.new_context()}",
        cohort=cohort,
        awarded_at=now or timezone.now(),
        awarded_by=acting_user if acting_user.is_authenticated else None,  # type: ignore[misc]
        citation=citation,
    )
    audit_record(
        actor=acting_user,
        event=RecognitionEvent.BADGE_AWARDED_BY_HAND,
        target=person,
        changes={"citation": (None, citation)},
        message=str(cohort),
    )
    return award


# --- Certificates -------------------------------------------------------------------------


@dataclass(frozen=True)
class Completion:
    application: Application
    mentorship: Mentorship
    sessions_held: int


def cohort_completions(cohort: Cohort) -> list[Completion]:
    """The participants who completed the cohort (the rule of the "completed" badge)."""
    if cohort.phase != Phase.CLOSED:
        return []
    pairs = (
        Mentorship.objects.filter(cohort=cohort, status__in=badges.LIVE)
        .annotate(held=Count("sessions", filter=Q(sessions__outcome=MentoringSession.Outcome.HELD)))
        .filter(held__gte=badges.COMPLETION_MIN_SESSIONS)
        .select_related("mentor_application__person", "mentee_application__person")
        .order_by("pk")
    )
    out: list[Completion] = []
    seen: set[int] = set()
    for m in pairs:
        for app in (m.mentor_application, m.mentee_application):
            if app.pk not in seen:
                seen.add(app.pk)
                out.append(Completion(app, m, m.held))
    return out


def _topics(mentorship_ids: list[int], side: str) -> list[str]:
    return sorted(
        set(
            LearningEntry.objects.filter(mentorship_id__in=mentorship_ids, side=side)
            .exclude(skills__isnull=True)
            .values_list("skills__name", flat=True)
        )
    )


def render_certificate_pdf(certificate: Certificate) -> bytes:
    from weasyprint import HTML

    verify_url = site_url(reverse("certificate_verify", kwargs={"code": certificate.code}))
    html = render_to_string(
        "recognition/certificate_pdf.html", {"c": certificate, "verify_url": verify_url}
    )
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


def certificates_issue(
    cohort: Cohort,
    *,
    acting_user: AnyUser | None,
    now: datetime | None = None,
    notify: bool = True,
) -> list[Certificate]:
    """Issue (and email) a certificate to each participant who completed the closed cohort
    and has none yet. Idempotent: the one-per-application constraint decides."""
    if acting_user is not None:
        require(
            permissions.can_manage_recognition(acting_user, cohort),
            _("Only this program's managers issue certificates."),
        )
    if cohort.phase != Phase.CLOSED:
        raise Conflict(
            _("Certificates are issued once the cohort is closed."),
            code=ErrorCode.CERTIFICATE_NOT_ELIGIBLE,
        )
    now = now or timezone.now()
    have = set(Certificate.objects.filter(cohort=cohort).values_list("application_id", flat=True))
    issued: list[Certificate] = []
    for done in cohort_completions(cohort):
        app = done.application
        if app.pk in have:
            continue
        side = app.role
        pair_ids = list(
            Mentorship.objects.filter(
                Q(mentor_application=app) | Q(mentee_application=app)
            ).values_list("pk", flat=True)
        )
        other = "mentee" if side == "mentor" else "mentor"
        certificate = Certificate(
            application=app,
            person=app.person,
            cohort=cohort,
            role=app.role,
            holder_name=app.person.full_name,
            program_name=cohort.program.name,
            starts_on=cohort.starts_on,
            ends_on=cohort.ends_on,
            sessions_held=done.sessions_held,
            topics_learned=_topics(pair_ids, side),
            topics_taught=_topics(pair_ids, other),
            issued_at=now,
        )
        certificate.pdf = render_certificate_pdf(certificate)
        try:
            with transaction.atomic():
                certificate.save()
                audit_record(
                    actor=acting_user,
                    event=RecognitionEvent.CERTIFICATE_ISSUED,
                    target=certificate,
                )
                if notify:
                    transaction.on_commit(partial(send_certificate_task.enqueue, certificate.pk))
        except IntegrityError:
            continue  # issued by a concurrent tick
        issued.append(certificate)
    return issued


@transaction.atomic
def certificate_revoke(
    certificate: Certificate, *, reason: str, acting_user: AnyUser, now: datetime | None = None
) -> Certificate:
    require(
        permissions.can_manage_recognition(acting_user, certificate.cohort),
        _("Only this program's managers revoke certificates."),
    )
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.revoked_at is not None:
        raise Conflict(
            _("This certificate is already revoked."), code=ErrorCode.CERTIFICATE_REVOKED
        )
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationFailed(_("Say why the certificate is revoked."), field="reason")
    certificate.revoked_at = now or timezone.now()
    certificate.revoked_by = acting_user if acting_user.is_authenticated else None  # type: ignore[assignment]
    certificate.revoke_reason = reason[: Certificate.REASON_MAX]
    certificate.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    audit_record(
        actor=acting_user,
        event=RecognitionEvent.CERTIFICATE_REVOKED,
        target=certificate,
        changes={"revoked_at": (None, certificate.revoked_at)},
        message=certificate.revoke_reason,
    )
    return certificate


def certificate_mark_emailed(certificate_id: int) -> None:
    Certificate.objects.filter(pk=certificate_id, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )


def certificates_tick(*, now: datetime | None = None, notify: bool = True) -> int:
    """Issue the missing certificates of every closed cohort (the tick)."""
    issued = 0
    for cohort in Cohort.objects.filter(phase=Phase.CLOSED).select_related("program"):
        issued += len(certificates_issue(cohort, acting_user=None, now=now, notify=notify))
    return issued


# --- Success stories ------------------------------------------------------------------------


def _partner(user: AnyUser, mentorship: Mentorship) -> str:
    side = permissions.partner_side(user, mentorship)
    if side is None:
        raise PermissionDenied(_("Only the two partners write their story."))
    return side


@transaction.atomic
def story_save(
    mentorship: Mentorship, *, title: str, body: str, acting_user: AnyUser
) -> SuccessStory:
    """Write or edit the pair's story at wrap-up. A change clears both consents; the
    writer's own consent is given again at once (they wrote it)."""
    side = _partner(acting_user, mentorship)
    if mentorship.cohort.phase not in STORY_PHASES or mentorship.status not in badges.LIVE:
        raise Conflict(
            _("A pair writes its story at wrap-up."), code=ErrorCode.STORY_NOT_ALLOWED_NOW
        )
    title, body = " ".join(title.split()), body.strip()
    if not title or not body:
        raise ValidationFailed(_("Give the story a title and a text."), field="body")
    if len(title) > SuccessStory.TITLE_MAX or len(body) > SuccessStory.BODY_MAX:
        raise ValidationFailed(_("The story is too long."), field="body")
    story = SuccessStory.objects.select_for_update().filter(mentorship=mentorship).first()
    if story is not None and story.is_published:
        raise Conflict(
            _("A published story cannot be edited: withdraw your consent first."),
            code=ErrorCode.STORY_LOCKED,
        )
    now = timezone.now()
    if story is None:
        story = SuccessStory(mentorship=mentorship)
    changed = (story.title, story.body) != (title, body)
    story.title, story.body = title, body
    if changed:
        story.mentor_consent_at = now if side == "mentor" else None
        story.mentee_consent_at = now if side == "mentee" else None
    story.save()
    audit_record(actor=acting_user, event=RecognitionEvent.STORY_SAVED, target=story)
    return story


@transaction.atomic
def story_consent(story: SuccessStory, *, acting_user: AnyUser, consent: bool) -> SuccessStory:
    """A partner gives or withdraws consent; withdrawing unpublishes the story at once."""
    side = _partner(acting_user, story.mentorship)
    story = SuccessStory.objects.select_for_update().get(pk=story.pk)
    name = f"{side}_consent_at"
    old = getattr(story, name)
    setattr(story, name, timezone.now() if consent else None)
    fields = [name, "updated_at"]
    if not consent and story.published_at is not None:
        story.published_at = None
        story.published_by = None
        fields += ["published_at", "published_by"]
    story.save(update_fields=fields)
    audit_record(
        actor=acting_user,
        event=RecognitionEvent.STORY_CONSENTED if consent else RecognitionEvent.STORY_WITHDRAWN,
        target=story,
        changes={name: (old, getattr(story, name))},
    )
    return story


@transaction.atomic
def story_publish(story: SuccessStory, *, acting_user: AnyUser) -> SuccessStory:
    require(
        permissions.can_manage_recognition(acting_user, story.mentorship.cohort),
        _("Only this program's managers publish stories."),
    )
    story = SuccessStory.objects.select_for_update().get(pk=story.pk)
    missing = [
        side
        for side, at in (("mentor", story.mentor_consent_at), ("mentee", story.mentee_consent_at))
        if at is None
    ]
    if missing:
        raise Conflict(
            _("Both partners must consent before the story is published."),
            code=ErrorCode.STORY_CONSENT_MISSING,
            params={"missing": missing},
        )
    if story.published_at is None:
        story.published_at = timezone.now()
        story.published_by = acting_user if acting_user.is_authenticated else None  # type: ignore[assignment]
        story.save(update_fields=["published_at", "published_by", "updated_at"])
        audit_record(actor=acting_user, event=RecognitionEvent.STORY_PUBLISHED, target=story)
    return story
