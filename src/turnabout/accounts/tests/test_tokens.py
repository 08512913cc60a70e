from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from turnabout.accounts import permissions, scopes
from turnabout.accounts.models import ApiToken
from turnabout.accounts.selectors import token_user
from turnabout.accounts.services import (
    hash_token,
    service_account_create,
    token_create,
    token_revoke,
)
from turnabout.common.errors import PermissionDenied, ValidationFailed
from turnabout.common.models import AuditRecord

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


# --- Tokens act as a service account or their issuer, expire, and carry a scope ----------


@pytest.fixture
def integration(org_admin):
    return service_account_create(name="Workday sync", role="org_admin", acting_user=org_admin)


def test_an_org_admin_cannot_issue_a_token_acting_as_another_person(org_admin, participant):
    with pytest.raises(PermissionDenied) as refused:
        token_create(user=participant, name="peek", acting_user=org_admin)
    assert refused.value.code == "token_for_other_person"
    assert not ApiToken.objects.filter(user=participant).exists()


def test_the_token_page_cannot_issue_a_token_for_another_person(org_admin, participant, client):
    client.force_login(org_admin)
    response = client.post(
        "/accounts/tokens/",
        {"name": "peek", "acts_as": str(participant.pk), "scope": "full", "days": 30},
    )
    assert response.status_code == 200
    assert not ApiToken.objects.exists()
    assert "Select a valid choice" in response.content.decode()


def test_a_service_account_is_a_separate_account_without_password_or_employee(integration):
    user = integration.user
    assert not user.has_usable_password()
    # No employee record: the account is no participant (people.permissions.is_participant).
    assert not hasattr(user, "employee") or user.employee is None
    assert user.is_active and not user.is_staff and not user.is_superuser
    assert permissions.is_org_admin(user)


def test_the_audit_row_says_whose_account_the_token_acts_as(org_admin, integration):
    issued = token_create(user=integration.user, name="nightly", acting_user=org_admin)
    record = AuditRecord.objects.get(event="token.created", target_id=str(issued.token.pk))
    assert record.actor == org_admin
    assert record.changes["acts_as"] == [None, integration.user.username]
    assert "Workday sync" in record.message and integration.user.username in record.message
    created = AuditRecord.objects.get(event="service_account.created")
    assert created.changes["role"] == [None, "org_admin"]


def test_the_token_page_names_the_integration_scope_expiry_and_last_use(
    org_admin, integration, client
):
    client.force_login(org_admin)
    response = client.post(
        "/accounts/tokens/",
        {"name": "nightly", "acts_as": str(integration.pk), "scope": "import", "days": 30},
    )
    assert response.status_code == 200
    secret = response.context["issued_secret"]
    token = ApiToken.objects.get()
    assert token.user == integration.user and token.scope == "import"
    assert token.created_by == org_admin
    assert 29 <= (token.expires_at - token.created_at).days <= 30
    assert token_user(secret) == integration.user
    page = client.get("/accounts/tokens/").content.decode()
    assert "integration Workday sync" in page and "import" in page
    assert token.expires_at.strftime("%Y") in page


def test_an_expired_token_is_refused(org_admin, integration, client):
    from datetime import timedelta

    from django.utils import timezone

    issued = token_create(user=integration.user, name="t", days=1, acting_user=org_admin)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {issued.secret}"}
    assert client.get("/api/v1/programs", **headers).status_code == 200
    ApiToken.objects.filter(pk=issued.token.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert client.get("/api/v1/programs", **headers).status_code == 401
    with pytest.raises(ValidationFailed):
        token_create(user=integration.user, name="t", days=10_000, acting_user=org_admin)


def test_scopes_read_only_import_only_and_full(org_admin, integration, client):
    def call(scope, method, url, **kwargs):
        secret = token_create(
            user=integration.user, name=scope, scope=scope, acting_user=org_admin
        ).secret
        return client.generic(method, url, HTTP_AUTHORIZATION=f"Bearer {secret}", **kwargs)

    body = {"data": '{"name": "Scoped", "purpose": "p"}', "content_type": "application/json"}
    read_write = call("read", "POST", "/api/v1/programs", **body)
    assert read_write.status_code == 403 and read_write.json()["code"] == "token_scope"
    assert call("read", "GET", "/api/v1/programs").status_code == 200
    import_read = call("import", "GET", "/api/v1/programs")
    assert import_read.status_code == 403 and import_read.json()["code"] == "token_scope"
    import_call = call("import", "POST", "/api/v1/people/import")
    assert import_call.status_code != 403  # reaches the import (which wants a file)
    assert call("full", "GET", "/api/v1/programs").status_code == 200
    assert call("full", "POST", "/api/v1/programs", **body).status_code in (201, 422)


def test_finer_scopes_combine_and_are_shown_on_the_token_page(org_admin, integration, client):
    issued = token_create(
        user=integration.user,
        name="bi",
        scope=[scopes.READ_PEOPLE, scopes.READ_INSIGHTS],
        acting_user=org_admin,
    )
    assert issued.token.scope == "read_people read_insights"
    headers = {"HTTP_AUTHORIZATION": f"Bearer {issued.secret}"}
    assert client.get("/api/v1/people", **headers).status_code == 200
    refused = client.get("/api/v1/programs", **headers)
    assert refused.status_code == 403 and refused.json()["code"] == "token_scope"
    assert refused.json()["params"]["required"] == "read_programs"
    # The three presets of the first tokens are kept: "read" is every read scope.
    assert (
        token_create(
            user=integration.user,
            name="r",
            scope=list(scopes.PRESETS["read"].scopes),
            acting_user=org_admin,
        ).token.scope
        == "read"
    )
    with pytest.raises(ValidationFailed) as unknown:
        token_create(user=integration.user, name="x", scope="everything", acting_user=org_admin)
    assert unknown.value.code == "token_scope_invalid"
    client.force_login(org_admin)
    page = client.get("/accounts/tokens/").content.decode()
    assert "read_people read_insights" in page and "Read insights" in page
    assert "Manage programs" in page  # the scopes one can choose are listed


def test_the_openapi_schema_and_docs_answer_a_valid_token(org_admin, integration, client):
    secret = token_create(
        user=integration.user, name="docs", scope="read", acting_user=org_admin
    ).secret
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    schema = client.get("/api/v1/openapi.json", **headers)
    assert schema.status_code == 200 and "paths" in schema.json()
    assert client.get("/api/v1/docs", **headers).status_code == 200
    refused = client.get("/api/v1/openapi.json")
    assert refused.status_code == 401 and refused.json()["code"] == "unauthenticated"
    wrong = client.get("/api/v1/openapi.json", HTTP_AUTHORIZATION="Bearer tbt_bad_bad")
    assert wrong.status_code == 401
    assert client.get("/api/v1/docs").status_code == 302  # a browser goes to the login page


def test_revoked_tokens_stop_at_once_and_the_revocation_is_audited(org_admin, integration, client):
    issued = token_create(user=integration.user, name="t", acting_user=org_admin)
    client.force_login(org_admin)
    client.post(f"/accounts/tokens/{issued.token.pk}/revoke/")
    assert token_user(issued.secret) is None
    record = AuditRecord.objects.get(event="token.revoked")
    assert "Workday sync" in record.message


def test_token_create_command_for_an_integration(capsys):
    call_command(
        "token", "create", "--integration", "BI export", "--role", "sponsor", "--scope", "read"
    )
    secret = capsys.readouterr().out.strip()
    user = token_user(secret)
    assert user is not None and user.service_account.name == "BI export"
