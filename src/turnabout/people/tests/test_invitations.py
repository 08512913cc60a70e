from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.management import call_command

from turnabout.common.errors import Conflict, PermissionDenied, ValidationFailed
from turnabout.common.models import AuditRecord
from turnabout.people.services import user_invite

pytestmark = pytest.mark.django_db(transaction=True)


def test_invitation_creates_an_account_and_the_worker_emails_a_password_link(
    org_admin, make_employee, client
):
    person = make_employee(email="new.hire@example.com", first_name="Ada")
    user = user_invite(person, acting_user=org_admin)
    person.refresh_from_db()
    assert person.user == user
    assert not user.has_usable_password()
    assert AuditRecord.objects.filter(event="user.invited", target_id=str(person.pk)).exists()

    call_command("db_worker", "--batch", "--no-startup-delay")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.hire@example.com"]
    link = next(word for word in message.body.split() if "/accounts/reset/" in word)
    page = client.get(urlsplit(link).path, follow=True)
    assert page.status_code == 200
    assert b"Choose a new password" in page.content


def test_cannot_invite_twice_or_a_leaver_or_as_a_participant(org_admin, participant, make_employee):
    from datetime import date

    person = make_employee()
    user_invite(person, acting_user=org_admin, send_email=False)
    with pytest.raises(Conflict, match="already has an account"):
        user_invite(person, acting_user=org_admin, send_email=False)
    leaver = make_employee(status="terminated", termination_date=date(2026, 1, 31))
    with pytest.raises(ValidationFailed, match="terminated"):
        user_invite(leaver, acting_user=org_admin, send_email=False)
    with pytest.raises(PermissionDenied):
        user_invite(make_employee(), acting_user=participant, send_email=False)
