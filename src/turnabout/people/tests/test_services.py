"""Hand edits of employee records: checked, audited, and the admin site goes through them."""

from __future__ import annotations

import pytest

from turnabout.common.audit import AuditEvent
from turnabout.common.errors import PermissionDenied, ValidationFailed
from turnabout.common.models import AuditRecord
from turnabout.people.models import Employee
from turnabout.people.services import person_update

pytestmark = pytest.mark.django_db


def test_person_update_saves_and_audits_old_and_new_values(org_admin, make_employee):
    person = make_employee(title="Analyst", level=3)
    person_update(person, changes={"title": "Lead", "level": 3}, acting_user=org_admin)
    assert Employee.objects.get(pk=person.pk).title == "Lead"
    record = AuditRecord.objects.get(event=AuditEvent.PERSON_UPDATED)
    assert record.changes == {"title": ["Analyst", "Lead"]}
    assert record.actor == org_admin


def test_person_update_refuses_non_admins_and_bad_values(participant, org_admin, make_employee):
    person = make_employee(email="a@example.com")
    other = make_employee(email="b@example.com")
    with pytest.raises(PermissionDenied):
        person_update(person, changes={"title": "Boss"}, acting_user=participant)
    with pytest.raises(ValidationFailed) as refused:
        person_update(person, changes={"email": other.email}, acting_user=org_admin)
    assert refused.value.field == "email"
    with pytest.raises(ValidationFailed, match="cannot be edited"):
        person_update(person, changes={"created_at": None}, acting_user=org_admin)
    assert Employee.objects.get(pk=person.pk).email == "a@example.com"
    assert not AuditRecord.objects.filter(event=AuditEvent.PERSON_UPDATED).exists()


def test_the_admin_site_edits_through_the_service(client, org_admin, make_employee):
    org_admin.is_staff = True
    org_admin.is_superuser = True
    org_admin.save()
    person = make_employee(title="Analyst")
    client.force_login(org_admin)
    url = f"/admin/people/employee/{person.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        title="Principal",
        languages="[]",
        hire_date="",
        termination_date="",
        manager="",
        user="",
        resource_groups=[],
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Employee.objects.get(pk=person.pk).title == "Principal"
    record = AuditRecord.objects.get(event=AuditEvent.PERSON_UPDATED)
    assert record.changes["title"] == ["Analyst", "Principal"]
    assert record.message == "Edited in the admin site."
