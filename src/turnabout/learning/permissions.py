"""Who may do what with training, guidelines and the resource library. Nowhere else decides.

- The managers of a program (and org admins) create, edit, order and retire its modules,
  steps, resources and conversation guides, switch its readiness gate, and see who is ready
  and who has acknowledged the guidelines (names and counts: they run the cohort).
- A participant (an employee with a live application to one of the program's cohorts)
  sees the program's live modules and resources for their role, completes steps for
  themselves only, and acknowledges the guidelines of a cohort they were accepted to.
- Sponsors see neither: training progress is per person.
"""

from __future__ import annotations

from django.db.models import Q

from turnabout.common.types import AnyUser
from turnabout.enrollment.models import Application
from turnabout.learning.models import Audience
from turnabout.programs import permissions as program_permissions
from turnabout.programs.models import Cohort, Program

LIVE_STATUSES = (
    Application.Status.SUBMITTED,
    Application.Status.ACCEPTED,
    Application.Status.WAITLISTED,
)


def can_manage_learning(user: AnyUser, program: Program) -> bool:
    return program_permissions.can_manage_program(user, program)


def participant_roles(user: AnyUser, program: Program) -> set[str]:
    """The roles in which `user` takes part in `program` (a live application to a cohort)."""
    if not user.is_authenticated:
        return set()
    return set(
        Application.objects.filter(
            person__user_id=user.pk, cohort__program=program, status__in=LIVE_STATUSES
        ).values_list("role", flat=True)
    )


def audiences_of(roles: set[str]) -> set[str]:
    return set(roles) | ({Audience.BOTH.value} if roles else set())


def can_view_learning(user: AnyUser, program: Program) -> bool:
    return can_manage_learning(user, program) or bool(participant_roles(user, program))


def learning_programs_filter(user: AnyUser) -> Q:
    """Programs whose training and library `user` may see."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    mine = Q(
        cohorts__applications__person__user_id=user.pk,
        cohorts__applications__status__in=LIVE_STATUSES,
    )
    return program_permissions.managed_programs_filter(user) | mine


def can_acknowledge(user: AnyUser, cohort: Cohort) -> bool:
    return (
        user.is_authenticated
        and Application.objects.filter(
            person__user_id=user.pk, cohort=cohort, status=Application.Status.ACCEPTED
        ).exists()
    )


def can_view_readiness(user: AnyUser, cohort: Cohort) -> bool:
    return program_permissions.can_manage_cohort(user, cohort)
