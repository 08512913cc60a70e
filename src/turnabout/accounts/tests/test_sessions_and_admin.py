"""Sessions end (12 h after login; 30 idle minutes for admins and managers), production
refuses a missing SECRET_KEY, and every admin-site change is in the audit log with role
grants going through the role service."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from turnabout.accounts.middleware import LOGIN_AT, SEEN_AT
from turnabout.accounts.models import Role, RoleAssignment
from turnabout.common.models import AuditRecord

pytestmark = pytest.mark.django_db


def _age_session(client, *, login_ago: int, seen_ago: int) -> None:
    session = client.session
    now = int(time.time())
    session[LOGIN_AT] = now - login_ago
    session[SEEN_AT] = now - seen_ago
    session.save()


@pytest.mark.parametrize("role", [Role.ORG_ADMIN, Role.PROGRAM_MANAGER])
def test_admins_and_managers_are_logged_out_after_30_idle_minutes(make_user, client, role):
    user = make_user(role)
    client.force_login(user)
    _age_session(client, login_ago=40 * 60, seen_ago=29 * 60)
    assert client.get("/").status_code == 200  # 29 minutes idle: still in
    _age_session(client, login_ago=40 * 60, seen_ago=31 * 60)
    response = client.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_participants_keep_an_idle_session_but_not_past_12_hours(participant, client):
    client.force_login(participant)
    _age_session(client, login_ago=5 * 3600, seen_ago=3 * 3600)
    assert client.get("/").status_code == 200
    _age_session(client, login_ago=12 * 3600 + 60, seen_ago=10)
    assert client.get("/").status_code == 302


def test_the_lifetimes_are_configurable(make_user, client, settings):
    settings.TURNABOUT_SESSION_IDLE_MINUTES_PRIVILEGED = 5
    user = make_user(Role.ORG_ADMIN)
    client.force_login(user)
    _age_session(client, login_ago=600, seen_ago=6 * 60)
    assert client.get("/").status_code == 302


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    env["DEBUG"] = "0"
    result = subprocess.run(
        [sys.executable, "-c", "import turnabout.settings"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
    env["DEBUG"] = "1"
    dev = subprocess.run([sys.executable, "-c", "import turnabout.settings"], env=env, check=False)
    assert dev.returncode == 0


def test_admin_site_changes_are_audited(org_admin, client):
    client.force_login(org_admin)
    before = AuditRecord.objects.filter(event="admin.change").count()
    page = client.get("/admin/people/skill/add/")
    assert page.status_code == 200
    client.post("/admin/people/skill/add/", {"name": "Excel", "category": "digital"})
    added = AuditRecord.objects.filter(event="admin.change").exclude(target_id="")
    assert added.count() == before + 1
    record = added.latest("id")
    assert record.actor == org_admin and record.target_label == "Excel"
    assert record.message.startswith("Added in the admin site")
    skill_pk = record.target_id
    client.post(f"/admin/people/skill/{skill_pk}/delete/", {"post": "yes"})
    assert AuditRecord.objects.filter(
        event="admin.change", target_id=skill_pk, message__startswith="Deleted"
    ).exists()


def test_role_grants_in_the_admin_go_through_the_role_service(org_admin, participant, client):
    client.force_login(org_admin)
    response = client.post(
        "/admin/accounts/roleassignment/add/", {"user": participant.pk, "role": "org_admin"}
    )
    assert response.status_code == 302
    assert RoleAssignment.objects.filter(user=participant, role="org_admin").exists()
    participant.refresh_from_db()
    assert participant.is_staff and participant.is_superuser  # what role_grant does
    assert AuditRecord.objects.filter(event="role.granted", target_id=str(participant.pk)).exists()
    assignment = RoleAssignment.objects.get(user=participant, role="org_admin")
    client.post(f"/admin/accounts/roleassignment/{assignment.pk}/delete/", {"post": "yes"})
    participant.refresh_from_db()
    assert not participant.is_superuser
    assert AuditRecord.objects.filter(event="role.revoked", target_id=str(participant.pk)).exists()
    # Staff and superuser flags cannot be set by hand on the account page.
    page = client.get(f"/admin/auth/user/{participant.pk}/change/").content.decode()
    assert 'name="is_superuser"' not in page
