"""Recognition endpoints: badges, certificates (own; per cohort for managers), public
verification, stories. The selectors scope every read; the services decide every write."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from turnabout.common.errors import NotFound
from turnabout.common.schemas import ERRORS, ErrorOut, Text
from turnabout.people.models import Employee
from turnabout.programs.models import Program
from turnabout.recognition import badges, selectors, services
from turnabout.recognition.models import BadgeAward, Certificate, SuccessStory

router = Router(tags=["recognition"])

ERRS: dict[int, type[Schema]] = {**ERRORS, 409: ErrorOut}
Id = Annotated[int, Field(ge=1, le=2_147_483_647)]


class BadgeDefOut(Schema):
    key: str
    name: str
    rule: str
    emblem_svg: str


class BadgeOut(Schema):
    key: str
    name: str
    rule: str
    awarded_at: datetime
    citation: str
    cohort_id: int | None


class CertificateOut(Schema):
    id: int
    cohort_id: int
    role: str
    holder_name: str
    program_name: str
    starts_on: date
    ends_on: date
    sessions_held: int
    topics_learned: list[str]
    topics_taught: list[str]
    issued_at: datetime
    revoked: bool
    verify_url: str
    pdf_url: str | None


class VerificationOut(Schema):
    valid: bool
    name: str | None = None
    program: str | None = None
    issued_on: date | None = None


class RecognitionIn(Schema):
    person_id: Id
    citation: Annotated[Text, Field(max_length=BadgeAward.CITATION_MAX)]


class RevokeIn(Schema):
    reason: Annotated[Text, Field(max_length=Certificate.REASON_MAX)]


class StoryIn(Schema):
    title: Annotated[Text, Field(max_length=SuccessStory.TITLE_MAX)]
    body: Annotated[Text, Field(max_length=SuccessStory.BODY_MAX)]


class ConsentIn(Schema):
    consent: bool


class StoryOut(Schema):
    id: int
    mentorship_id: int
    title: str
    body: str
    mentor_consented: bool
    mentee_consented: bool
    published_at: datetime | None


def _badge_out(b: selectors.ShownBadge) -> dict[str, Any]:
    return {
        "key": b.key,
        "name": b.name,
        "rule": b.rule,
        "awarded_at": b.awarded_at,
        "citation": b.citation,
        "cohort_id": b.cohort.pk if b.cohort else None,
    }


def _certificate_out(c: Certificate) -> dict[str, Any]:
    return {
        "id": c.pk,
        "cohort_id": c.cohort_id,
        "role": c.role,
        "holder_name": c.holder_name,
        "program_name": c.program_name,
        "starts_on": c.starts_on,
        "ends_on": c.ends_on,
        "sessions_held": c.sessions_held,
        "topics_learned": c.topics_learned,
        "topics_taught": c.topics_taught,
        "issued_at": c.issued_at,
        "revoked": c.revoked_at is not None,
        "verify_url": f"/certificates/{c.code}/",
        "pdf_url": None if c.revoked_at else f"/recognition/certificates/{c.pk}/pdf/",
    }


def _story_out(s: SuccessStory) -> dict[str, Any]:
    return {
        "id": s.pk,
        "mentorship_id": s.mentorship_id,
        "title": s.title,
        "body": s.body,
        "mentor_consented": s.mentor_consent_at is not None,
        "mentee_consented": s.mentee_consent_at is not None,
        "published_at": s.published_at,
    }


@router.get("/badges", response={200: list[BadgeDefOut], **ERRS})
def badge_catalogue(request: HttpRequest) -> list[dict[str, Any]]:
    """Every badge, with its rule in words and its SVG emblem."""
    return [
        {"key": b.key, "name": str(b.name), "rule": str(b.rule), "emblem_svg": str(b.emblem())}
        for b in badges.BADGES
    ]


@router.get("/me/badges", response={200: list[BadgeOut], **ERRS})
def my_badges(request: HttpRequest) -> list[dict[str, Any]]:
    person = selectors.employee_of(request.user)
    return [_badge_out(b) for b in selectors.badges_of(person)] if person else []


@router.get("/people/{person_id}/badges", response={200: list[BadgeOut], **ERRS})
def person_badges(request: HttpRequest, person_id: Id) -> list[dict[str, Any]]:
    """A person's badges: public recognition, visible to anybody signed in."""
    person = Employee.objects.filter(pk=person_id).first()
    if person is None:
        raise NotFound("No such person.")
    return [_badge_out(b) for b in selectors.badges_of(person)]


@router.post("/cohorts/{cohort_id}/recognition", response={200: BadgeOut, **ERRS})
def award_recognition(
    request: HttpRequest, cohort_id: Id, payload: RecognitionIn
) -> dict[str, Any]:
    cohort = selectors.cohort_for_manager(user=request.user, cohort_id=cohort_id)
    person = Employee.objects.filter(pk=payload.person_id).first()
    if person is None:
        raise NotFound("No such person.")
    award = services.badge_award_recognition(
        cohort, person=person, citation=payload.citation, acting_user=request.user
    )
    badge = badges.BY_KEY[award.badge]
    return {
        "key": badge.key,
        "name": str(badge.name),
        "rule": str(badge.rule),
        "awarded_at": award.awarded_at,
        "citation": award.citation,
        "cohort_id": cohort.pk,
    }


@router.get("/me/certificates", response={200: list[CertificateOut], **ERRS})
def my_certificates(request: HttpRequest) -> list[dict[str, Any]]:
    return [_certificate_out(c) for c in selectors.certificates_of_user(user=request.user)]


@router.get("/cohorts/{cohort_id}/certificates", response={200: list[CertificateOut], **ERRS})
def cohort_certificates(request: HttpRequest, cohort_id: Id) -> list[dict[str, Any]]:
    cohort = selectors.cohort_for_manager(user=request.user, cohort_id=cohort_id)
    return [
        _certificate_out(c)
        for c in selectors.certificates_of_cohort(user=request.user, cohort=cohort)[:1000]
    ]


@router.post("/cohorts/{cohort_id}/certificates", response={200: list[CertificateOut], **ERRS})
def issue_certificates(request: HttpRequest, cohort_id: Id) -> list[dict[str, Any]]:
    """Issue the missing certificates of a closed cohort (the tick also does it)."""
    cohort = selectors.cohort_for_manager(user=request.user, cohort_id=cohort_id)
    return [
        _certificate_out(c) for c in services.certificates_issue(cohort, acting_user=request.user)
    ]


@router.post("/certificates/{certificate_id}/revoke", response={200: CertificateOut, **ERRS})
def revoke_certificate(
    request: HttpRequest, certificate_id: Id, payload: RevokeIn
) -> dict[str, Any]:
    certificate = selectors.certificate_get(user=request.user, certificate_id=certificate_id)
    return _certificate_out(
        services.certificate_revoke(certificate, reason=payload.reason, acting_user=request.user)
    )


@router.get("/certificates/verify/{code}", response={200: VerificationOut}, auth=None)
def verify_certificate(request: HttpRequest, code: str) -> dict[str, Any]:
    """Public: is this certificate genuine? Name, program and date only."""
    certificate = selectors.certificate_by_code(code[:64])
    if certificate is None or certificate.revoked_at is not None:
        return {"valid": False}
    return {
        "valid": True,
        "name": certificate.holder_name,
        "program": certificate.program_name,
        "issued_on": certificate.issued_at.date(),
    }


@router.get("/programs/{program_id}/stories", response={200: list[StoryOut], **ERRS})
def program_stories(request: HttpRequest, program_id: Id) -> list[dict[str, Any]]:
    """The program's published stories."""
    program = Program.objects.filter(pk=program_id).first()
    if program is None:
        raise NotFound("No such program.")
    return [_story_out(s) for s in selectors.published_stories(program=program, limit=100)]


@router.put("/mentorships/{mentorship_id}/story", response={200: StoryOut, **ERRS})
def story_save(request: HttpRequest, mentorship_id: Id, payload: StoryIn) -> dict[str, Any]:
    mentorship = selectors.mentorship_for_partner(user=request.user, mentorship_id=mentorship_id)
    return _story_out(
        services.story_save(
            mentorship, title=payload.title, body=payload.body, acting_user=request.user
        )
    )


@router.post("/stories/{story_id}/consent", response={200: StoryOut, **ERRS})
def story_consent(request: HttpRequest, story_id: Id, payload: ConsentIn) -> dict[str, Any]:
    story = selectors.story_get(user=request.user, story_id=story_id)
    return _story_out(
        services.story_consent(story, acting_user=request.user, consent=payload.consent)
    )


@router.post("/stories/{story_id}/publish", response={200: StoryOut, **ERRS})
def story_publish(request: HttpRequest, story_id: Id) -> dict[str, Any]:
    story = selectors.story_get(user=request.user, story_id=story_id)
    return _story_out(services.story_publish(story, acting_user=request.user))
