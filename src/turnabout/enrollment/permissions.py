"""Who may do what with applications. Nowhere else decides.

- An applicant (an employee with an account) sees, edits and withdraws their own
  applications only.
- The managers of a cohort's program (and org admins) see and review its applications.
- Sponsors see counts only (through the programs app), never an application.
"""

from __future__ import annotations

from django.db.models import Q

from turnabout.common.types import AnyUser
from turnabout.enrollment.models import Application
from turnabout.people.permissions import is_participant
from turnabout.programs import permissions as program_permissions
from turnabout.programs.models import Cohort


def can_apply(user: AnyUser) -> bool:
    return is_participant(user)


def is_applicant(user: AnyUser, application: Application) -> bool:
    return user.is_authenticated and application.person.user_id == user.pk


def can_review(user: AnyUser, cohort: Cohort) -> bool:
    return program_permissions.can_manage_cohort(user, cohort)


def can_view_application(user: AnyUser, application: Application) -> bool:
    return is_applicant(user, application) or can_review(user, application.cohort)


def can_edit_application(user: AnyUser, application: Application) -> bool:
    """Only the applicant edits or withdraws; the phase rule is checked by the services."""
    return is_applicant(user, application)


def can_manage_questions(user: AnyUser, cohort: Cohort) -> bool:
    return program_permissions.can_manage_cohort(user, cohort)


def applicants_of_managed_programs(user: AnyUser) -> Q:
    """The people a program manager may look up: those who applied to a program they manage
    (registered with `people.permissions` when the app starts)."""
    return Q(
        pk__in=Application.objects.filter(cohort__program__managers=user.pk).values("person_id")
    )
