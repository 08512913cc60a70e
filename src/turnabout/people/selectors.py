"""Reads of people data, each scoped by the permission module."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet

from turnabout.accounts import permissions
from turnabout.common.errors import NotFound, PermissionDenied
from turnabout.common.privacy import suppress_counts
from turnabout.common.types import AnyUser
from turnabout.people import permissions as people_permissions
from turnabout.people.filters import PeopleFilter
from turnabout.people.models import Employee


def _require_people_access(user: AnyUser) -> None:
    if not permissions.can_view_people(user):
        raise PermissionDenied("Only org admins and program managers can see people records.")


PEOPLE_ORDER = ("last_name", "first_name", "pk")  # unique: the keyset of the list's pages


def people_filter(
    *, user: AnyUser, filters: Mapping[str, Any] | None = None, page: bool = False
) -> PeopleFilter:
    """People `user` may see (`people.permissions`: everybody for org admins, the applicants
    to their programs for program managers), filtered by `filters` (query parameters).
    `page=True` gives the page's form (departments and locations as choices)."""
    _require_people_access(user)
    qs = (
        Employee.objects.filter(people_permissions.visible_people_q(user))
        .select_related("manager")
        .order_by(*PEOPLE_ORDER)
    )
    choices: dict[str, Any] = filter_choices(user=user) if page else {}
    return PeopleFilter(filters or None, queryset=qs, page=page, **choices)


def people_list(*, user: AnyUser, filters: Mapping[str, Any] | None = None) -> QuerySet[Employee]:
    return people_filter(user=user, filters=filters).filtered


def person_get(*, user: AnyUser, employee_pk: int) -> Employee:
    """One employee within `people.permissions.visible_people_q`; anyone else is "not found"
    (the answer does not reveal that the record exists)."""
    employee = (
        Employee.objects.filter(people_permissions.visible_people_q(user))
        .select_related("manager", "user")
        .prefetch_related("reports")
        .filter(pk=employee_pk)
        .first()
    )
    if employee is None:
        raise NotFound("No such person.")
    return employee


def person_for_user(*, user: AnyUser) -> Employee | None:
    if not user.is_authenticated:
        return None
    return Employee.objects.select_related("manager").filter(user_id=user.pk).first()


def management_chain(employee: Employee, *, limit: int = 20) -> list[Employee]:
    """The employee's managers, nearest first (cycle-safe)."""
    chain: list[Employee] = []
    seen = {employee.pk}
    current_id = employee.manager_id
    while current_id is not None and current_id not in seen and len(chain) < limit:
        manager = Employee.objects.filter(pk=current_id).first()
        if manager is None:
            break
        chain.append(manager)
        seen.add(manager.pk)
        current_id = manager.manager_id
    return chain


def filter_choices(*, user: AnyUser) -> dict[str, list[str]]:
    _require_people_access(user)
    values = Employee.objects.filter(people_permissions.visible_people_q(user)).values_list
    return {
        "departments": sorted(set(values("department", flat=True)) - {""}),
        "locations": sorted(set(values("location", flat=True)) - {""}),
    }


@dataclass(frozen=True)
class OrgOverview:
    """Headcounts through the privacy floor: groups that are too small, and those that would
    give them away by subtraction from `active`, are summed into one `hidden_*` figure (at
    least the floor together, so no single group can be derived from it)."""

    headcount: int
    active: int
    departments: list[tuple[str, int]]
    locations: list[tuple[str, int]]
    levels: list[tuple[int, int]]
    hidden_departments: int = 0
    hidden_locations: int = 0
    hidden_levels: int = 0


def _floored(groups: list[tuple[Any, int]]) -> tuple[list[tuple[Any, int]], int]:
    safe = suppress_counts(dict(groups))
    shown = [(key, n) for key, n in groups if safe[key] is not None]
    return shown, sum(n for key, n in groups if safe[key] is None)


def org_overview(*, user: AnyUser) -> OrgOverview:
    """Aggregates only: safe for executive sponsors."""
    if not permissions.can_view_aggregates(user):
        raise PermissionDenied("Only sponsors, program managers and admins see the overview.")
    active = Employee.objects.exclude(status=Employee.Status.TERMINATED)

    def count_by(field: str) -> list[tuple[Any, int]]:
        return list(active.values_list(field).annotate(n=Count("pk")).order_by("-n", field))

    departments, hidden_departments = _floored(count_by("department"))
    locations, hidden_locations = _floored(count_by("location"))
    levels, hidden_levels = _floored(sorted(count_by("level")))
    return OrgOverview(
        headcount=Employee.objects.count(),
        active=active.count(),
        departments=departments,
        locations=locations,
        levels=levels,
        hidden_departments=hidden_departments,
        hidden_locations=hidden_locations,
        hidden_levels=hidden_levels,
    )
