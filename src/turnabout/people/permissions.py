"""Who sees which person's record. Nowhere else decides.

- Org admins see every person (they run the HR import).
- A program manager sees the people who applied to a program they manage, nobody else:
  managing one program is no licence to browse the company.
- A participant sees their own record. Whether an account is a participant at all (linked
  to an employee record) is `is_participant`.
- Sensitive attributes (generation, gender, ethnicity) and resource-group (ERG) memberships
  are never shown per person to anybody: see `people/sensitive.py`.

Applications live in a higher layer (`enrollment`), so that app registers which people a
manager may see with `register_manager_scope` when it starts.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Q

from turnabout.accounts import permissions as roles
from turnabout.common.types import AnyUser
from turnabout.people.models import Employee

ManagerScope = Callable[[AnyUser], Q]
_manager_scopes: list[ManagerScope] = []

NOBODY = Q(pk__in=[])


def register_manager_scope(scope: ManagerScope) -> None:
    """Add a rule naming the employees a program manager may see (a Q over Employee)."""
    if scope not in _manager_scopes:
        _manager_scopes.append(scope)


def visible_people_q(user: AnyUser) -> Q:
    """The employees `user` may look up, as a filter on Employee."""
    if not user.is_authenticated:
        return NOBODY
    if roles.is_org_admin(user):
        return Q()
    visible = Q(user_id=user.pk)
    if roles.is_program_manager(user):
        for scope in _manager_scopes:
            visible |= scope(user)
    return visible


def is_participant(user: AnyUser) -> bool:
    """Any account linked to an employee record takes part in programs."""
    return user.is_authenticated and Employee.objects.filter(user_id=user.pk).exists()
