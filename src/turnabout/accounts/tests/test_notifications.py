"""Notification choices: each person picks email or none per kind; the email helper drops
whoever turned a kind off; account and security emails cannot be turned off."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core import mail

import turnabout
from turnabout.accounts.models import NotificationPreference
from turnabout.accounts.services import notification_preferences, notification_preferences_update
from turnabout.common.email import send_templated_email
from turnabout.common.errors import ErrorCode, PermissionDenied, ValidationFailed
from turnabout.common.models import AuditRecord
from turnabout.common.notifications import MANDATORY, TEMPLATE_KINDS, NotificationKind

pytestmark = pytest.mark.django_db


def _send(template: str, to: str) -> None:
    send_templated_email(template, {"first_name": "Ada", "count": 1, "rows": []}, to=[to])


def test_a_kind_turned_off_is_not_emailed_and_the_other_kinds_are(participant, make_user):
    other = make_user()
    notification_preferences_update(
        participant, choices={"surveys": "none"}, acting_user=participant
    )
    _send("feedback/emails/invitation", participant.email)
    _send("feedback/emails/invitation", other.email)
    _send("enrollment/emails/decision", participant.email)
    assert [m.to for m in mail.outbox] == [[other.email], [participant.email]]


def test_the_address_is_matched_whatever_its_case(participant):
    notification_preferences_update(
        participant, choices={"digests": "none"}, acting_user=participant
    )
    _send("insights/emails/digest", participant.email.upper())
    _send("insights/emails/digest", "someone.else@example.com")
    assert [m.to for m in mail.outbox] == [["someone.else@example.com"]]


def test_one_email_to_several_keeps_those_who_want_it(participant, make_user):
    other = make_user()
    notification_preferences_update(
        participant, choices={"manager_alerts": "none"}, acting_user=participant
    )
    send_templated_email("feedback/emails/fit_flag", {}, to=[participant.email, other.email])
    assert [m.to for m in mail.outbox] == [[other.email]]


def test_security_emails_cannot_be_turned_off(participant):
    with pytest.raises(ValidationFailed) as refused:
        notification_preferences_update(
            participant, choices={"account": "none"}, acting_user=participant
        )
    assert refused.value.code == ErrorCode.NOTIFICATION_MANDATORY
    # Even a row written behind the service's back does not stop them.
    NotificationPreference.objects.create(user=participant, kind="account", channel="none")
    _send("accounts/emails/password_reset", participant.email)
    _send("accounts/emails/invitation", participant.email)
    assert len(mail.outbox) == 2
    assert notification_preferences(participant)["account"] == "email"


def test_people_choose_their_own_and_changes_are_audited(participant, org_admin):
    with pytest.raises(PermissionDenied):
        notification_preferences_update(
            participant, choices={"surveys": "none"}, acting_user=org_admin
        )
    notification_preferences_update(
        participant, choices={"surveys": "none", "matches": "email"}, acting_user=participant
    )
    record = AuditRecord.objects.get(event="notifications.changed")
    assert record.changes == {"surveys": ["email", "none"]}
    with pytest.raises(ValidationFailed) as unknown:
        notification_preferences_update(
            participant, choices={"carrier_pigeon": "none"}, acting_user=participant
        )
    assert unknown.value.code == ErrorCode.NOTIFICATION_KIND_UNKNOWN


def test_every_email_template_has_a_kind():
    root = Path(turnabout.__file__).parent
    templates = {
        str(path.relative_to(path.parents[2])).removesuffix(".subject.txt")
        for path in root.glob("*/templates/*/emails/*.subject.txt")
    }
    assert templates, "no email templates found"
    assert sorted(templates - set(TEMPLATE_KINDS)) == []
    assert set(TEMPLATE_KINDS.values()) <= set(NotificationKind.values)
    assert {"account"} == MANDATORY


def test_the_notifications_page_saves_the_choices(client, participant):
    client.force_login(participant)
    page = client.get("/accounts/notifications/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Survey invitations" in html and "Always sent" in html
    choices = dict.fromkeys(NotificationKind.values, "email")
    choices.update(surveys="none", account="none")  # the mandatory one is fixed: ignored
    response = client.post("/accounts/notifications/", choices)
    assert response.status_code == 302
    saved = notification_preferences(participant)
    assert saved["surveys"] == "none" and saved["account"] == "email"
    assert "Notifications" in client.get("/").content.decode()  # linked from the shell


def test_the_api_reads_and_changes_ones_own_choices(client, participant):
    client.force_login(participant)
    got = client.get("/api/v1/me/notifications").json()["preferences"]
    assert {p["kind"]: p["mandatory"] for p in got}["account"] is True
    changed = client.put(
        "/api/v1/me/notifications",
        {"preferences": {"digests": "none"}},
        content_type="application/json",
    )
    assert changed.status_code == 200
    assert {p["kind"]: p["channel"] for p in changed.json()["preferences"]}["digests"] == "none"
    refused = client.put(
        "/api/v1/me/notifications",
        {"preferences": {"account": "none"}},
        content_type="application/json",
    )
    assert refused.status_code == 422 and refused.json()["code"] == "notification_mandatory"
