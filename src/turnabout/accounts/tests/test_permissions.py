from __future__ import annotations

import pytest

from turnabout.accounts import permissions
from turnabout.accounts.models import Role
from turnabout.accounts.services import role_grant, role_revoke
from turnabout.common.errors import PermissionDenied
from turnabout.common.models import AuditRecord

pytestmark = pytest.mark.django_db


def test_org_admin_can_do_everything_people_related(org_admin):
    assert permissions.can_view_people(org_admin)
    assert permissions.can_import_people(org_admin)
    assert permissions.can_invite_people(org_admin)
    assert permissions.can_view_audit_log(org_admin)
    assert permissions.can_view_aggregates(org_admin)


def test_program_manager_sees_people_but_not_import_or_audit(program_manager):
    assert permissions.can_view_people(program_manager)
    assert not permissions.can_import_people(program_manager)
    assert not permissions.can_view_audit_log(program_manager)
    assert permissions.can_view_aggregates(program_manager)


def test_sponsor_sees_aggregates_only(sponsor):
    assert permissions.can_view_aggregates(sponsor)
    assert not permissions.can_view_people(sponsor)
    assert not permissions.can_view_audit_log(sponsor)


def test_participant_has_no_org_wide_access(participant):
    assert not permissions.can_view_people(participant)
    assert not permissions.can_view_aggregates(participant)
    assert not permissions.can_import_people(participant)
    assert not permissions.can_view_audit_log(participant)


def test_anonymous_user_has_no_access():
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    assert permissions.roles_of(anonymous) == frozenset()
    assert not permissions.can_view_people(anonymous)


def test_granting_and_revoking_a_role_is_audited_and_takes_effect(org_admin, participant):
    role_grant(participant, Role.PROGRAM_MANAGER, acting_user=org_admin)
    assert permissions.can_view_people(participant)
    role_revoke(participant, Role.PROGRAM_MANAGER, acting_user=org_admin)
    assert not permissions.can_view_people(participant)
    events = list(
        AuditRecord.objects.filter(target_id=str(participant.pk)).values_list("event", "actor_id")
    )
    assert ("role.granted", org_admin.pk) in events
    assert ("role.revoked", org_admin.pk) in events


def test_org_admin_role_makes_a_staff_account_for_the_admin_site(make_user):
    admin = make_user(Role.ORG_ADMIN)
    assert admin.is_staff and admin.is_superuser


def test_only_org_admins_grant_roles(program_manager, participant):
    with pytest.raises(PermissionDenied):
        role_grant(participant, Role.ORG_ADMIN, acting_user=program_manager)
    assert not permissions.is_org_admin(participant)
