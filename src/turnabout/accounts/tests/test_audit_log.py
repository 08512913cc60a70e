"""The audit log page and its selector: org admins only, filtered by actor, event,
target and dates."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from turnabout.accounts.selectors import audit_list
from turnabout.common.audit import AuditEvent, audit_record
from turnabout.common.errors import PermissionDenied

pytestmark = pytest.mark.django_db


def test_audit_filters_by_actor_event_target_and_dates(org_admin, make_employee):
    alice = make_employee(first_name="Alice")
    audit_record(actor=org_admin, event=AuditEvent.PERSON_UPDATED, target=alice)
    audit_record(actor=None, event=AuditEvent.PERSON_CREATED, target=make_employee())
    today = timezone.localdate()
    by_event = audit_list(user=org_admin, filters={"event": "person.updated"})
    assert [r.target_label for r in by_event] == [str(alice)]
    system_created = {"actor": "system", "event": "person.created"}
    assert audit_list(user=org_admin, filters=system_created).count() == 1
    assert audit_list(user=org_admin, filters={"target": "Alice"}).count() == 1
    assert (
        audit_list(
            user=org_admin, filters={"since": today.isoformat(), "until": today.isoformat()}
        ).count()
        >= 2
    )
    tomorrow = today + timedelta(days=1)
    assert audit_list(user=org_admin, filters={"since": tomorrow.isoformat()}).count() == 0


@pytest.mark.parametrize("role_fixture", ["program_manager", "sponsor", "participant"])
def test_only_org_admins_read_the_audit_log(role_fixture, request, client):
    user = request.getfixturevalue(role_fixture)
    with pytest.raises(PermissionDenied):
        audit_list(user=user)
    client.force_login(user)
    assert client.get(reverse("audit:list")).status_code == 403


def test_audit_page_lists_and_filters_records(org_admin, make_employee, client):
    audit_record(
        actor=org_admin, event=AuditEvent.PERSON_UPDATED, target=make_employee(first_name="Zed")
    )
    client.force_login(org_admin)
    page = client.get(reverse("audit:list"), {"event": "person.updated"})
    assert page.status_code == 200
    assert b"Zed" in page.content
    partial = client.get(reverse("audit:list"), {"event": "person.updated"}, HTTP_HX_REQUEST="true")
    assert b"<html" not in partial.content
    assert b"Zed" in partial.content


def test_audit_page_reports_a_reversed_date_range(org_admin, client):
    client.force_login(org_admin)
    page = client.get(reverse("audit:list"), {"since": "2026-05-02", "until": "2026-05-01"})
    assert page.status_code == 200
    assert "must be on or before" in page.content.decode()


def test_events_read_as_words_in_the_filter_and_the_table(org_admin, make_employee, client):
    from turnabout.common.audit import event_label

    audit_record(actor=org_admin, event=AuditEvent.PERSON_UPDATED, target=make_employee())
    audit_record(actor=None, event="proposal.manual")  # an event pairing describes
    audit_record(actor=None, event="chat_channel.created")
    # Every app's events have a label; an event no app describes reads as its code in words.
    assert event_label("proposal.manual") == "Pair made by hand"
    assert event_label("chat_channel.created") == "Chat channel created"
    client.force_login(org_admin)
    page = client.get(reverse("audit:list")).content.decode()
    options = page.split('name="event"', 1)[1].split("</select>", 1)[0]
    assert f'value="person.updated">{AuditEvent.PERSON_UPDATED.label}</option>' in options
    assert 'value="proposal.manual">Pair made by hand</option>' in options
    assert ">Chat channel created</option>" in options
    assert f"<td>{AuditEvent.PERSON_UPDATED.label} <code" in page
