from __future__ import annotations

import pytest

from turnabout.common.audit import AuditEntry, AuditEvent, audit_record, audit_record_many
from turnabout.common.models import AuditRecord

pytestmark = pytest.mark.django_db


def test_audit_record_keeps_actor_target_and_changes(org_admin, make_employee):
    person = make_employee(title="Analyst")
    record = audit_record(
        actor=org_admin,
        event=AuditEvent.PERSON_UPDATED,
        target=person,
        changes={"title": ("Analyst", "Senior analyst")},
    )
    assert record.actor == org_admin
    assert record.actor_label == org_admin.username
    assert record.target_type == "people.employee"
    assert record.target_id == str(person.pk)
    assert record.changes == {"title": ["Analyst", "Senior analyst"]}


def test_system_actions_are_labelled_system(make_employee):
    record = audit_record(actor=None, event=AuditEvent.PERSON_CREATED, target=make_employee())
    assert record.actor is None
    assert record.actor_label == "system"


def test_bulk_audit_writes_every_entry(make_employee):
    people = [make_employee() for _ in range(3)]
    count = audit_record_many(
        actor=None, entries=[AuditEntry(event=AuditEvent.PERSON_CREATED, target=p) for p in people]
    )
    assert count == 3
    assert AuditRecord.objects.filter(event="person.created").count() == 3
