"""Who may do what with programs, cohorts and interest surveys. Nowhere else decides.

- Org admins: everything, on every program.
- Program managers (the role) may create programs and become their managers; they manage
  only the programs whose `managers` include them.
- Sponsors see every program's design and aggregates (counts), never a person's data.
- Participants (accounts linked to an employee) see the public page of published cohorts
  and answer interest surveys.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from turnabout.accounts import permissions as roles
from turnabout.common.types import AnyUser
from turnabout.people.permissions import is_participant
from turnabout.programs.models import PUBLIC_PHASES, Cohort, Program


def can_create_program(user: AnyUser) -> bool:
    return roles.is_org_admin(user) or roles.is_program_manager(user)


def can_see_programs_overview(user: AnyUser) -> bool:
    """The "Programs" area (design, cohorts, aggregates): managers, admins and sponsors."""
    return roles.is_org_admin(user) or roles.is_program_manager(user) or roles.is_sponsor(user)


def managed_programs_filter(user: AnyUser) -> Q:
    """A filter on Program for the programs `user` manages (all of them for org admins)."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    if roles.is_org_admin(user):
        return Q()
    if roles.is_program_manager(user):
        return Q(managers__id=user.pk)
    return Q(pk__in=[])


def can_manage_program(user: AnyUser, program: Program) -> bool:
    if not user.is_authenticated:
        return False
    if roles.is_org_admin(user):
        return True
    if not roles.is_program_manager(user):
        return False
    prefetched = getattr(program, "_prefetched_objects_cache", {}).get("managers")
    if prefetched is not None:
        return any(manager.pk == user.pk for manager in prefetched)
    return program.managers.filter(pk=user.pk).exists()


def can_manage_cohort(user: AnyUser, cohort: Cohort) -> bool:
    return can_manage_program(user, cohort.program)


def visible_programs_filter(user: AnyUser) -> Q:
    """Programs `user` may read: managed ones, all for sponsors, published ones for anybody."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    if roles.is_org_admin(user) or roles.is_sponsor(user):
        return Q()
    published = Q(cohorts__phase__in=PUBLIC_PHASES)
    return managed_programs_filter(user) | published


def can_view_program(user: AnyUser, program: Program) -> bool:
    if not user.is_authenticated:
        return False
    if roles.is_org_admin(user) or roles.is_sponsor(user) or can_manage_program(user, program):
        return True
    return program.cohorts.filter(phase__in=PUBLIC_PHASES).exists()


def can_view_program_aggregates(user: AnyUser, program: Program) -> bool:
    """Counts and survey results: managers of the program, admins and sponsors."""
    return roles.is_sponsor(user) or can_manage_program(user, program)


def can_view_cohort(user: AnyUser, cohort: Cohort) -> bool:
    """The public page of a cohort: any employee once published; managers, sponsors always."""
    if not user.is_authenticated:
        return False
    if cohort.is_public:
        return True
    return roles.is_sponsor(user) or can_manage_cohort(user, cohort)


def can_answer_survey(user: AnyUser) -> bool:
    return is_participant(user)


def programs_readable(user: AnyUser, qs: QuerySet[Program]) -> QuerySet[Program]:
    return qs.filter(visible_programs_filter(user)).distinct()
