"""Single sign-on meets the HR import: a verified company email signs in as its employee.

Registered with `accounts.sso.register_account_resolver` by `PeopleConfig.ready()`.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from turnabout.accounts.sso import SsoRefused
from turnabout.common.audit import AuditEvent, audit_record
from turnabout.people.models import Employee
from turnabout.people.services import user_invite


@transaction.atomic
def employee_account_for_sso(email: str) -> User:
    """The account of the employee with this email; created on their first sign-in.

    Refused: an email no imported employee has, and an employee the HR import marked as a
    leaver (their account, if any, was deactivated by the same import).
    """
    employee = (
        Employee.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(email__iexact=email)
    ).first()
    if employee is None:
        raise SsoRefused(
            _(
                "%(email)s is not in the employee list Turnabout has from HR, so there is no "
                "account to sign you in to. Ask your HR team to include you in the next import."
            )
            % {"email": email},
            reason="unknown_email",
        )
    if employee.status == Employee.Status.TERMINATED:
        raise SsoRefused(
            _("Your access to Turnabout ended when you left the organisation."), reason="leaver"
        )
    if employee.user is not None:
        return employee.user
    # An account made by hand before the import (e.g. `createsuperuser`) is linked, not copied.
    existing = User.objects.filter(email__iexact=email, employee__isnull=True).first()
    if existing is not None:
        employee.user = existing
        employee.save(update_fields=["user", "updated_at"])
        return existing
    user = user_invite(employee, acting_user=None, send_email=False)
    audit_record(
        actor=None,
        event=AuditEvent.SSO_ACCOUNT_CREATED,
        target=employee,
        message=_("Account created at the first single sign-on of %(email)s.") % {"email": email},
    )
    return user
