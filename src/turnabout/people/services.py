"""Writes on people: inviting an employee to log in (or back in, after they returned), and
corrections of an employee record made by hand (the HR import has its own, in
`importing/`). The admin site edits employees through `person_create`/`person_update`, so a
correction made there is checked and audited like every other change."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from turnabout.accounts import permissions
from turnabout.accounts.tasks import send_invitation as send_invitation_task
from turnabout.common.audit import AuditEvent, Change, audit_record
from turnabout.common.errors import Conflict, ErrorCode, ValidationFailed, require
from turnabout.common.types import AnyUser, AnyUserOrSystem
from turnabout.people.models import Employee


@transaction.atomic
def user_invite(
    employee: Employee, *, acting_user: AnyUserOrSystem, send_email: bool = True
) -> User:
    """Give an employee a login account and email them a link to set their password.

    An employee whose account was deactivated (they were terminated, then came back) is
    re-invited: the same account is reactivated with no usable password, so the old one
    no longer works, and the email asks them to choose a new one. Revoked API tokens stay
    revoked.
    """
    if acting_user is not None:
        require(permissions.can_invite_people(acting_user), _("Only org admins can invite."))
    if employee.status == Employee.Status.TERMINATED:
        raise ValidationFailed(
            _("A terminated employee cannot be invited."), code=ErrorCode.EMPLOYEE_TERMINATED
        )
    if employee.user_id is not None:
        existing = User.objects.select_for_update().get(pk=employee.user_id)
        if existing.is_active:
            raise Conflict(
                _("%(name)s already has an account.") % {"name": employee.full_name},
                code=ErrorCode.ACCOUNT_EXISTS,
            )
        return _user_reinvite(employee, existing, acting_user=acting_user, send_email=send_email)
    if User.objects.filter(username__iexact=employee.email).exists():
        raise Conflict(
            _("An account with the email %(email)s exists.") % {"email": employee.email},
            code=ErrorCode.ACCOUNT_EXISTS,
        )
    user = User.objects.create_user(
        username=employee.email,
        email=employee.email,
        first_name=employee.first_name,
        last_name=employee.last_name,
    )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    employee.user = user
    employee.save(update_fields=["user", "updated_at"])
    audit_record(actor=acting_user, event=AuditEvent.USER_INVITED, target=employee)
    if send_email:
        transaction.on_commit(partial(send_invitation_task.enqueue, user.pk))
    return user


def _user_reinvite(
    employee: Employee, user: User, *, acting_user: AnyUserOrSystem, send_email: bool
) -> User:
    user.is_active = True
    user.set_unusable_password()
    user.save(update_fields=["is_active", "password"])
    audit_record(
        actor=acting_user,
        event=AuditEvent.USER_REINVITED,
        target=employee,
        changes={"is_active": (False, True)},
        message=_("The deactivated account was reactivated; a new password must be chosen."),
    )
    if send_email:
        transaction.on_commit(partial(send_invitation_task.enqueue, user.pk))
    return user


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
