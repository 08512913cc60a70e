"""Roles in the product: org admins grant and revoke org admin, program manager and sponsor
from the roles page and from a person's page; audited; the last org admin stays."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from turnabout.accounts import permissions
from turnabout.accounts.models import Role
from turnabout.accounts.services import role_revoke
from turnabout.common.errors import Conflict, ErrorCode
from turnabout.common.models import AuditRecord
from turnabout.people.selectors import person_for_user

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_roles_page_lists_holders_and_grants_by_email(org_admin, participant, sponsor):
    client = _client(org_admin)
    page = client.get(reverse("accounts:roles")).content.decode()
    assert org_admin.email in page and sponsor.email in page
    response = client.post(
        reverse("accounts:roles"), {"email": participant.email, "role": Role.PROGRAM_MANAGER}
    )
    assert response.status_code == 302
    assert permissions.roles_of(type(participant).objects.get(pk=participant.pk)) == {
        Role.PROGRAM_MANAGER
    }
    granted = AuditRecord.objects.filter(event="role.granted", target_id=str(participant.pk))
    assert granted.get().actor_id == org_admin.pk


def test_an_unknown_email_is_refused_at_the_field(org_admin):
    response = _client(org_admin).post(
        reverse("accounts:roles"), {"email": "ghost@example.com", "role": Role.SPONSOR}
    )
    assert response.status_code == 200
    assert "No active account has this email" in response.content.decode()


def test_roles_are_granted_and_revoked_from_the_person_page(org_admin, participant):

    person = person_for_user(user=participant)
    assert person is not None
    client = _client(org_admin)
    page_url = reverse("people:detail", kwargs={"employee_pk": person.pk})
    page = client.get(page_url).content.decode()
    assert "Make Executive sponsor" in page
    granted = client.post(
        reverse("accounts:role_grant", kwargs={"user_id": participant.pk}),
        {"role": Role.SPONSOR, "next": page_url},
    )
    assert granted.status_code == 302 and granted["Location"] == page_url
    assert "Revoke Executive sponsor" in client.get(page_url).content.decode()
    client.post(
        reverse("accounts:role_revoke", kwargs={"user_id": participant.pk}),
        {"role": Role.SPONSOR, "next": "https://evil.example/"},
    )
    assert not permissions.roles_of(type(participant).objects.get(pk=participant.pk))
    events = AuditRecord.objects.filter(target_id=str(participant.pk)).values_list(
        "event", flat=True
    )
    assert {"role.granted", "role.revoked"} <= set(events)


def test_the_last_org_admin_cannot_be_revoked(org_admin):
    with pytest.raises(Conflict) as refused:
        role_revoke(org_admin, Role.ORG_ADMIN, acting_user=org_admin)
    assert refused.value.code == ErrorCode.LAST_ORG_ADMIN
    response = _client(org_admin).post(
        reverse("accounts:role_revoke", kwargs={"user_id": org_admin.pk}),
        {"role": Role.ORG_ADMIN},
        follow=True,
    )
    assert "the last org admin" in response.content.decode()
    assert permissions.is_org_admin(type(org_admin).objects.get(pk=org_admin.pk))


def test_a_second_admin_can_then_be_removed(org_admin, make_user):
    other = make_user(Role.ORG_ADMIN)
    role_revoke(other, Role.ORG_ADMIN, acting_user=org_admin)
    assert not permissions.is_org_admin(type(other).objects.get(pk=other.pk))


@pytest.mark.parametrize("who", ["participant", "program_manager", "sponsor"])
def test_only_org_admins_manage_roles(who, request, participant):
    user = request.getfixturevalue(who)
    client = _client(user)
    assert client.get(reverse("accounts:roles")).status_code == 403
    for name in ("accounts:role_grant", "accounts:role_revoke"):
        response = client.post(
            reverse(name, kwargs={"user_id": participant.pk}), {"role": Role.ORG_ADMIN}
        )
        assert response.status_code == 403
    assert not permissions.is_org_admin(type(participant).objects.get(pk=participant.pk))


def test_a_person_page_shows_no_role_controls_to_a_program_manager(program_manager, participant):

    person = person_for_user(user=participant)
    assert person is not None
    page = _client(program_manager).get(reverse("people:detail", kwargs={"employee_pk": person.pk}))
    assert "Make Executive sponsor" not in page.content.decode()
