"""Writes on employee records made by hand (the HR import has its own, in `importing/`).

The admin site edits employees through these services, so a correction made there is
checked and audited like every other change.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from turnabout.accounts import permissions
from turnabout.common.audit import AuditEvent, Change, audit_record
from turnabout.common.errors import ValidationFailed, require
from turnabout.common.types import AnyUser
from turnabout.people.models import Employee

# Relations and bookkeeping that are not edited as plain values.
_NOT_EDITABLE = frozenset({"id", "created_at", "updated_at", "resource_groups"})


def _full_clean(person: Employee) -> None:
    try:
        person.full_clean(validate_unique=True)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise ValidationFailed(" ".join(messages), field=field) from exc


@transaction.atomic
def person_create(person: Employee, *, acting_user: AnyUser, note: str = "") -> Employee:
    """Save a new employee record built by hand (e.g. in the admin site)."""
    require(permissions.can_edit_people(acting_user), _("Only org admins edit people records."))
    _full_clean(person)
    person.save()
    audit_record(actor=acting_user, event=AuditEvent.PERSON_CREATED, target=person, message=note)
    return person


@transaction.atomic
def person_update(
    person: Employee, *, changes: Mapping[str, Any], acting_user: AnyUser, note: str = ""
) -> Employee:
    """Change some fields of an employee record; the audit log keeps old and new values."""
    require(permissions.can_edit_people(acting_user), _("Only org admins edit people records."))
    editable = {f.attname for f in Employee._meta.concrete_fields} | {
        f.name for f in Employee._meta.concrete_fields
    }
    unknown = sorted(set(changes) - (editable - _NOT_EDITABLE))
    if unknown:
        raise ValidationFailed(
            _("These fields cannot be edited: %(keys)s.") % {"keys": ", ".join(unknown)}
        )
    locked = Employee.objects.select_for_update().get(pk=person.pk)
    changed: dict[str, Change] = {}
    for key, value in changes.items():
        old = getattr(locked, key)
        if old != value:
            changed[key] = (old, value)
            setattr(locked, key, value)
    if not changed:
        return locked
    _full_clean(locked)
    locked.save(update_fields=[*changed, "updated_at"])
    audit_record(
        actor=acting_user,
        event=AuditEvent.PERSON_UPDATED,
        target=locked,
        changes=changed,
        message=note,
    )
    return locked
