from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from turnabout.accounts.models import ApiToken
from turnabout.accounts.selectors import token_user
from turnabout.accounts.services import hash_token, token_create, token_revoke
from turnabout.common.errors import PermissionDenied, ValidationFailed

pytestmark = pytest.mark.django_db


def test_token_is_stored_hashed_and_authenticates_its_user(org_admin):
    issued = token_create(user=org_admin, name="HRIS sync", acting_user=org_admin)
    stored = ApiToken.objects.get(pk=issued.token.pk)
    assert issued.secret not in (stored.key_hash, stored.prefix)
    assert stored.key_hash == hash_token(issued.secret)
    assert token_user(issued.secret) == org_admin
    assert ApiToken.objects.get(pk=issued.token.pk).last_used_at is not None


def test_revoked_or_unknown_tokens_do_not_authenticate(org_admin):
    issued = token_create(user=org_admin, name="old", acting_user=org_admin)
    token_revoke(issued.token, acting_user=org_admin)
    assert token_user(issued.secret) is None
    assert token_user("tbt_00000000_nonsense") is None
    assert token_user("not-a-token") is None


def test_only_org_admins_create_tokens(participant):
    with pytest.raises(PermissionDenied):
        token_create(user=participant, name="mine", acting_user=participant)


def test_token_needs_a_name(org_admin):
    with pytest.raises(ValidationFailed, match="name"):
        token_create(user=org_admin, name="  ", acting_user=org_admin)


def test_token_create_command_prints_a_working_secret(org_admin, capsys):
    call_command("token", "create", "--email", org_admin.email)
    secret = capsys.readouterr().out.strip()
    assert token_user(secret) == org_admin


def test_token_create_command_rejects_an_unknown_email():
    with pytest.raises(CommandError, match=r"No active account has the email nobody@example\.com"):
        call_command("token", "create", "--email", "nobody@example.com")
