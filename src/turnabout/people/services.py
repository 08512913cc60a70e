"""Writes on people: inviting an employee to log in (or back in, after they returned)."""

from __future__ import annotations

from functools import partial

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from turnabout.accounts import permissions
from turnabout.accounts.tasks import send_invitation as send_invitation_task
from turnabout.common.audit import AuditEvent, audit_record
from turnabout.common.errors import Conflict, ErrorCode, ValidationFailed, require
from turnabout.common.types import AnyUserOrSystem
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
