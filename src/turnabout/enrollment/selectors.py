"""Reads of applications, each scoped by `enrollment.permissions`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.utils.translation import gettext as _

from turnabout.common.errors import NotFound, PermissionDenied
from turnabout.common.privacy import meets_floor, suppress_table
from turnabout.common.types import AnyUser
from turnabout.enrollment import permissions
from turnabout.enrollment.filters import ApplicationFilter
from turnabout.enrollment.models import Application, CustomQuestion, ParticipantRole
from turnabout.people.models import Employee, Skill
from turnabout.programs import permissions as program_permissions
from turnabout.programs.models import Cohort

# Unique: the keyset of the review list's pages.
APPLICATION_ORDER = ("role", "person__last_name", "person__first_name", "pk")


def application_filter(
    *, user: AnyUser, cohort: Cohort, filters: Mapping[str, Any] | None = None, page: bool = False
) -> ApplicationFilter:
    """A cohort's applications for its managers, filtered by `filters` (query parameters);
    a bounded number of queries. `page=True` gives the page's form (departments as choices)."""
    if not permissions.can_review(user, cohort):
        raise PermissionDenied(_("Only this program's managers can see its applications."))
    qs = (
        Application.objects.filter(cohort=cohort)
        .select_related("person", "cohort__program")
        .order_by(*APPLICATION_ORDER)
    )
    departments = review_filter_choices(user=user, cohort=cohort)["departments"] if page else None
    return ApplicationFilter(filters or None, queryset=qs, departments=departments)


def applications_for_review(
    *, user: AnyUser, cohort: Cohort, filters: Mapping[str, Any] | None = None
) -> QuerySet[Application]:
    return application_filter(user=user, cohort=cohort, filters=filters).filtered


def review_filter_choices(*, user: AnyUser, cohort: Cohort) -> dict[str, list[str]]:
    if not permissions.can_review(user, cohort):
        raise PermissionDenied(_("Only this program's managers can see its applications."))
    departments = (
        Application.objects.filter(cohort=cohort)
        .values_list("person__department", flat=True)
        .distinct()
    )
    return {"departments": sorted(set(departments) - {""})}


def application_get(*, user: AnyUser, application_id: int) -> Application:
    """One application: its applicant or the cohort's managers; 404 for anybody else."""
    application = (
        Application.objects.select_related("person", "cohort__program", "decided_by")
        .prefetch_related("avoid")
        .filter(pk=application_id)
        .first()
    )
    if application is None or not permissions.can_view_application(user, application):
        raise NotFound(_("No such application."))
    return application


def applications_of_user(*, user: AnyUser) -> QuerySet[Application]:
    """The signed-in person's own applications, newest cohort first."""
    if not user.is_authenticated:
        return Application.objects.none()
    return (
        Application.objects.filter(person__user_id=user.pk)
        .select_related("cohort__program", "person")
        .order_by("-cohort__starts_on", "role", "pk")
    )


def applications_visible(
    *, user: AnyUser, cohort: Cohort, filters: Mapping[str, Any] | None = None
) -> QuerySet[Application]:
    """The API list: managers see every application of the cohort, applicants their own."""
    if permissions.can_review(user, cohort):
        return applications_for_review(user=user, cohort=cohort, filters=filters)
    return applications_of_user(user=user).filter(cohort=cohort)


def own_applications_in(*, user: AnyUser, cohort: Cohort) -> dict[str, Application]:
    """The user's applications to a cohort, by role."""
    return {a.role: a for a in applications_of_user(user=user).filter(cohort=cohort)}


def applicant_of(*, user: AnyUser) -> Employee:
    """The signed-in employee who applies, with their resource groups (for the form)."""
    if not permissions.can_apply(user) or user.pk is None:
        raise PermissionDenied(_("Only employees with an account can apply."))
    person = Employee.objects.prefetch_related("resource_groups").filter(user_id=user.pk).first()
    if person is None:
        raise PermissionDenied(_("Only employees with an account can apply."))
    return person


def question_get(*, cohort: Cohort, question_id: int) -> CustomQuestion:
    """One custom question of a cohort the caller has looked up for its manager."""
    question = CustomQuestion.objects.filter(cohort=cohort, pk=question_id).first()
    if question is None:
        raise NotFound(_("No such question."))
    return question


def questions_for(*, cohort: Cohort, role: str | None = None) -> list[CustomQuestion]:
    questions = list(CustomQuestion.objects.filter(cohort=cohort).order_by("position", "pk"))
    if role is None:
        return questions
    return [q for q in questions if q.applies_to(role)]


def skill_catalogue() -> list[Skill]:
    return list(Skill.objects.order_by("category", "name"))


def people_to_avoid_choices(*, user: AnyUser) -> QuerySet[Employee]:
    """Colleagues an applicant may name as people to avoid (names and departments only)."""
    if not permissions.can_apply(user):
        return Employee.objects.none()
    return (
        Employee.objects.exclude(status=Employee.Status.TERMINATED)
        .exclude(user=user.pk)
        .only("pk", "first_name", "last_name", "department")
        .order_by("last_name", "first_name", "pk")
    )


@dataclass(frozen=True)
class CohortCounts:
    """Counts of a cohort's applications by role and status: aggregates only.

    For a viewer who may not see the applications themselves (a sponsor), every figure goes
    through the privacy floor (`common.privacy`): None is "hidden". The cohort's reviewers
    see the applications one by one anyway, so their counts are exact (`floored` False).
    """

    by_role_status: dict[str, dict[str, int | None]]
    mentors: int | None
    mentees: int | None
    accepted_mentors: int | None
    accepted_mentees: int | None
    mentor_capacity: int | None
    floored: bool = False


def cohort_counts(*, user: AnyUser, cohort: Cohort) -> CohortCounts:
    if not program_permissions.can_view_program_aggregates(user, cohort.program):
        raise PermissionDenied(_("Only this program's managers and sponsors see the counts."))
    rows = (
        Application.objects.filter(cohort=cohort)
        .values_list("role", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    table: dict[str, dict[str, int]] = {
        role: dict.fromkeys(Application.Status.values, 0) for role in ParticipantRole.values
    }
    for role, status, n in rows:
        table[role][status] = n
    capacity = sum(
        Application.objects.filter(
            cohort=cohort, role=ParticipantRole.MENTOR, status=Application.Status.ACCEPTED
        ).values_list("capacity", flat=True)
    )

    def active(role: str) -> int:
        return sum(n for status, n in table[role].items() if status != "withdrawn")

    accepted_mentors = table[ParticipantRole.MENTOR][Application.Status.ACCEPTED]
    if permissions.can_review(user, cohort):
        return CohortCounts(
            by_role_status={role: dict(row) for role, row in table.items()},
            mentors=active(ParticipantRole.MENTOR),
            mentees=active(ParticipantRole.MENTEE),
            accepted_mentors=accepted_mentors,
            accepted_mentees=table[ParticipantRole.MENTEE][Application.Status.ACCEPTED],
            mentor_capacity=capacity,
        )
    safe = suppress_table(table)

    def floored(n: int) -> int | None:
        return n if n == 0 or meets_floor(n) else None

    return CohortCounts(
        by_role_status=safe,
        mentors=floored(active(ParticipantRole.MENTOR)),
        mentees=floored(active(ParticipantRole.MENTEE)),
        accepted_mentors=safe[ParticipantRole.MENTOR][Application.Status.ACCEPTED],
        accepted_mentees=safe[ParticipantRole.MENTEE][Application.Status.ACCEPTED],
        mentor_capacity=capacity
        if accepted_mentors == 0 or meets_floor(accepted_mentors)
        else None,
        floored=True,
    )


def accepted_for_matching(*, user: AnyUser, cohort: Cohort) -> QuerySet[Application]:
    """Accepted applications, ready to turn into matching-engine input (the Pairing issue).

    Each carries the person (level, department, location, time zone, manager) and the
    profile in engine shapes: `skills` {name: 1-3}, `wants` {topic: low|medium|high}, lists
    of strings, `capacity`, and `avoid` (employees never to pair with).
    """
    if not permissions.can_review(user, cohort):
        raise PermissionDenied(_("Only this program's managers can see its applications."))
    return (
        Application.objects.filter(cohort=cohort, status=Application.Status.ACCEPTED)
        .select_related("person")
        .prefetch_related(Prefetch("avoid", queryset=Employee.objects.only("pk", "employee_id")))
        .order_by("role", "person__employee_id")
    )
