"""Who counts as a participant: any account linked to an employee record.

Roles (admin, manager, sponsor) are `accounts.permissions`; this predicate needs the
employee records, so it lives with them.
"""

from __future__ import annotations

from turnabout.common.types import AnyUser
from turnabout.people.models import Employee


def is_participant(user: AnyUser) -> bool:
    return user.is_authenticated and Employee.objects.filter(user_id=user.pk).exists()
