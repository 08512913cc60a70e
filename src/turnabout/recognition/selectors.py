"""Reads of the recognition app, scoped to what the user may see."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from turnabout.common.errors import NotFound, PermissionDenied
from turnabout.common.types import AnyUser
from turnabout.enrollment.models import Application
from turnabout.pairing.models import Mentorship
from turnabout.people.models import Employee
from turnabout.programs.models import Cohort, Program
from turnabout.recognition import badges, permissions
from turnabout.recognition.models import STORY_PHASES, BadgeAward, Certificate, SuccessStory


@dataclass(frozen=True)
class ShownBadge:
    key: str
    name: str
    rule: str
    emblem: SafeString
    awarded_at: object
    citation: str
    cohort: Cohort | None


def badges_of(person: Employee) -> list[ShownBadge]:
    """A person's badges (public recognition: anybody signed in may see them)."""
    out = []
    for award in BadgeAward.objects.filter(person=person).select_related("cohort__program"):
        badge = badges.BY_KEY.get(award.badge)
        if badge is None:
            continue
        out.append(
            ShownBadge(
                key=badge.key,
                name=str(badge.name),
                rule=str(badge.rule),
                emblem=badge.emblem(48),
                awarded_at=award.awarded_at,
                citation=award.citation,
                cohort=award.cohort,
            )
        )
    return out


def employee_of(user: AnyUser) -> Employee | None:
    if not user.is_authenticated:
        return None
    return Employee.objects.filter(user_id=user.pk).first()


def certificates_of_user(*, user: AnyUser) -> QuerySet[Certificate]:
    if not user.is_authenticated:
        return Certificate.objects.none()
    return Certificate.objects.filter(person__user_id=user.pk).select_related("cohort")


def certificate_get(*, user: AnyUser, certificate_id: int) -> Certificate:
    c = Certificate.objects.select_related("person", "cohort__program").filter(pk=certificate_id)
    certificate = c.first()
    if certificate is None or not permissions.can_download_certificate(user, certificate):
        raise NotFound(_("No such certificate."))
    return certificate


def certificate_by_code(code: str) -> Certificate | None:
    """The public verification: anybody may look a code up."""
    if not code or len(code) > 64:
        return None
    return Certificate.objects.filter(code=code).select_related("cohort").first()


def cohort_for_manager(*, user: AnyUser, cohort_id: int) -> Cohort:
    cohort = Cohort.objects.select_related("program").filter(pk=cohort_id).first()
    if cohort is None:
        raise NotFound(_("No such cohort."))
    if not permissions.can_manage_recognition(user, cohort):
        raise PermissionDenied(_("Only this program's managers see its certificates."))
    return cohort


def certificates_of_cohort(*, user: AnyUser, cohort: Cohort) -> QuerySet[Certificate]:
    if not permissions.can_manage_recognition(user, cohort):
        raise PermissionDenied(_("Only this program's managers see its certificates."))
    return Certificate.objects.filter(cohort=cohort).select_related("person")


def stories_of_cohort(*, user: AnyUser, cohort: Cohort) -> QuerySet[SuccessStory]:
    if not permissions.can_manage_recognition(user, cohort):
        raise PermissionDenied(_("Only this program's managers see unpublished stories."))
    return SuccessStory.objects.filter(mentorship__cohort=cohort).select_related(
        "mentorship__mentor", "mentorship__mentee"
    )


def published_stories(*, program: Program, limit: int = 20) -> list[SuccessStory]:
    return list(
        SuccessStory.objects.filter(mentorship__cohort__program=program, published_at__isnull=False)
        .select_related("mentorship__mentor", "mentorship__mentee", "mentorship__cohort")
        .order_by("-published_at")[:limit]
    )


def mentorship_for_partner(*, user: AnyUser, mentorship_id: int) -> Mentorship:
    m = Mentorship.objects.select_related("cohort__program", "mentor", "mentee").filter(
        pk=mentorship_id
    )
    mentorship = m.first()
    if mentorship is None or permissions.partner_side(user, mentorship) is None:
        raise NotFound(_("No such pair."))
    return mentorship


def story_get(*, user: AnyUser, story_id: int) -> SuccessStory:
    story = (
        SuccessStory.objects.select_related("mentorship__cohort__program")
        .filter(pk=story_id)
        .first()
    )
    if story is None or not permissions.can_view_story(user, story):
        raise NotFound(_("No such story."))
    return story


def my_pairs_at_wrap_up(*, user: AnyUser) -> list[Mentorship]:
    person = employee_of(user)
    if person is None:
        return []
    return list(
        Mentorship.objects.filter(
            Q(mentor=person) | Q(mentee=person),
            cohort__phase__in=STORY_PHASES,
            status__in=badges.LIVE,
        )
        .select_related("cohort__program", "mentor", "mentee")
        .order_by("-pk")
    )


def stories_of_pairs(pairs: list[Mentorship]) -> dict[int, SuccessStory]:
    """The story of each of these pairs (already scoped to the reader), by mentorship id."""
    return {s.mentorship_id: s for s in SuccessStory.objects.filter(mentorship__in=pairs)}


def story_of_pair(mentorship: Mentorship) -> SuccessStory | None:
    """The pair's story, if it has one (`mentorship_for_partner` scoped the pair)."""
    return SuccessStory.objects.filter(mentorship=mentorship).first()


def cohort_participants(*, user: AnyUser, cohort: Cohort) -> list[Application]:
    """The accepted participants of a cohort its manager may recognise, by name."""
    if not permissions.can_manage_recognition(user, cohort):
        raise PermissionDenied(_("Only this program's managers see its certificates."))
    return list(
        Application.objects.filter(cohort=cohort, status=Application.Status.ACCEPTED)
        .select_related("person")
        .order_by("person__last_name", "person__first_name")
    )
