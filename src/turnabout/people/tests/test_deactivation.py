"""Deactivating the accounts of people who left, and re-inviting one who came back."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command

from turnabout.accounts.models import ApiToken
from turnabout.accounts.selectors import token_user
from turnabout.accounts.services import token_create, users_deactivate, users_deactivate_count
from turnabout.common.audit import AuditEvent
from turnabout.common.errors import Conflict, PermissionDenied, ValidationFailed
from turnabout.common.models import AuditRecord
from turnabout.people.models import Employee
from turnabout.people.services import user_invite


@pytest.mark.django_db
def test_deactivating_turns_the_account_off_revokes_every_token_and_audits_each(
    make_user: Any, org_admin: Any
) -> None:
    user, bystander = make_user(), make_user()
    secrets = [token_create(user=user, name=n, acting_user=None).secret for n in "ab"]
    kept = token_create(user=bystander, name="c", acting_user=None).secret
    assert users_deactivate_count([user.pk]).accounts == 1
    assert users_deactivate_count([user.pk]).tokens == 2

    done = users_deactivate([user.pk, user.pk], reason="Left.", acting_user=org_admin)

    assert (done.accounts, done.tokens) == (1, 2)
    user.refresh_from_db()
    assert not user.is_active
    assert all(token_user(secret) is None for secret in secrets)
    assert token_user(kept) == bystander
    records = AuditRecord.objects.filter(event=AuditEvent.USER_DEACTIVATED)
    assert [(r.target_id, r.message, r.actor) for r in records] == [
        (str(user.pk), "Left.", org_admin)
    ]
    assert AuditRecord.objects.filter(event=AuditEvent.TOKEN_REVOKED).count() == 2


@pytest.mark.django_db
def test_deactivating_twice_writes_nothing_the_second_time(make_user: Any) -> None:
    user = make_user()
    token_create(user=user, name="a", acting_user=None)
    users_deactivate([user.pk], reason="Left.", acting_user=None)
    before = AuditRecord.objects.count()
    revoked_at = ApiToken.objects.get(user=user).revoked_at

    done = users_deactivate([user.pk], reason="Left.", acting_user=None)

    assert (done.accounts, done.tokens) == (0, 0)
    assert users_deactivate_count([user.pk]).accounts == 0
    assert AuditRecord.objects.count() == before
    assert ApiToken.objects.get(user=user).revoked_at == revoked_at


@pytest.mark.django_db
def test_only_org_admins_and_the_system_deactivate(
    make_user: Any, program_manager: Any, participant: Any
) -> None:
    user = make_user()
    for actor in (program_manager, participant):
        with pytest.raises(PermissionDenied):
            users_deactivate([user.pk], reason="x", acting_user=actor)
    user.refresh_from_db()
    assert user.is_active


@pytest.mark.django_db(transaction=True)
def test_a_returning_employee_is_re_invited_on_the_same_account(
    make_user: Any, org_admin: Any
) -> None:
    user = make_user()
    employee = Employee.objects.get(user=user)
    users_deactivate([user.pk], reason="Left.", acting_user=None)

    Employee.objects.filter(pk=employee.pk).update(
        status="terminated", termination_date=date(2026, 1, 31)
    )
    employee.refresh_from_db()
    with pytest.raises(ValidationFailed, match="terminated"):
        user_invite(employee, acting_user=org_admin)

    Employee.objects.filter(pk=employee.pk).update(status="active", termination_date=None)
    employee.refresh_from_db()
    again = user_invite(employee, acting_user=org_admin)

    assert again.pk == user.pk and again.is_active and not again.has_usable_password()
    record = AuditRecord.objects.get(event=AuditEvent.USER_REINVITED)
    assert record.changes == {"is_active": [False, True]} and record.actor == org_admin
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    (message,) = mail.outbox
    assert message.to == [user.email] and "/accounts/reset/" in message.body
    with pytest.raises(Conflict, match="already has an account"):
        user_invite(employee, acting_user=org_admin, send_email=False)


@pytest.mark.django_db
def test_the_profile_page_offers_a_re_invite_for_a_deactivated_account(
    client: Any, make_user: Any, org_admin: Any
) -> None:
    user = make_user()
    employee = Employee.objects.get(user=user)
    client.force_login(org_admin)
    page = client.get(f"/people/{employee.pk}/").content.decode()
    assert "Has an account" in page and "Re-invite" not in page

    users_deactivate([user.pk], reason="Left.", acting_user=None)
    page = client.get(f"/people/{employee.pk}/").content.decode()
    assert "Account deactivated" in page and "Re-invite to Turnabout" in page
