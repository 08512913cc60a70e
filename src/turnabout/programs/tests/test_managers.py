"""Co-managers: a program's managers add and remove each other; it keeps at least one.

Services first (the rules), then the program page's "Managers" card, then the API."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from turnabout.accounts.models import Role
from turnabout.accounts.services import role_revoke
from turnabout.common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from turnabout.common.models import AuditRecord
from turnabout.common.testing import api_error
from turnabout.programs import selectors
from turnabout.programs.services import program_manager_add, program_manager_remove
from turnabout.programs.tests.factories import make_program

pytestmark = pytest.mark.django_db


def _managers(program: Any) -> set[Any]:
    return set(program.managers.all())


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- Services -----------------------------------------------------------------------------


def test_a_manager_adds_another_program_manager_and_it_is_audited(program_manager, make_user):
    program = make_program(program_manager)
    colleague = make_user(Role.PROGRAM_MANAGER)
    program_manager_add(program, user=colleague, acting_user=program_manager)
    assert _managers(program) == {program_manager, colleague}
    record = AuditRecord.objects.get(event="program.manager_added")
    assert record.actor == program_manager
    assert record.changes == {"manager": [None, colleague.username]}


def test_an_org_admin_can_be_added_and_can_add_without_being_listed(
    program_manager, org_admin, make_user
):
    program = make_program(program_manager)
    program_manager_add(program, user=org_admin, acting_user=program_manager)
    colleague = make_user(Role.PROGRAM_MANAGER)
    other = make_program(program_manager, name="Other")
    program_manager_add(other, user=colleague, acting_user=org_admin)  # admin, not listed
    assert org_admin in _managers(program) and colleague in _managers(other)


def test_only_the_programs_managers_add_managers(program_manager, make_user, participant):
    program = make_program(program_manager)
    outsider = make_user(Role.PROGRAM_MANAGER)  # the role, but not this program
    colleague = make_user(Role.PROGRAM_MANAGER)
    for actor in (outsider, participant):
        with pytest.raises(PermissionDenied, match="Only this program's managers can add"):
            program_manager_add(program, user=colleague, acting_user=actor)
    assert _managers(program) == {program_manager}


def test_the_new_manager_must_hold_the_role(program_manager, participant, sponsor, make_user):
    program = make_program(program_manager)
    for person in (participant, sponsor):
        with pytest.raises(ValidationFailed, match="is not a program manager or org admin"):
            program_manager_add(program, user=person, acting_user=program_manager)
    inactive = make_user(Role.PROGRAM_MANAGER)
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    with pytest.raises(ValidationFailed):
        program_manager_add(program, user=inactive, acting_user=program_manager)
    assert _managers(program) == {program_manager}
    assert not AuditRecord.objects.filter(event="program.manager_added").exists()


def test_adding_a_manager_twice_is_a_conflict(program_manager, make_user):
    program = make_program(program_manager)
    with pytest.raises(Conflict, match="already manages this program"):
        program_manager_add(program, user=program_manager, acting_user=program_manager)


def test_a_manager_removes_another_and_it_is_audited(program_manager, make_user):
    program = make_program(program_manager)
    colleague = make_user(Role.PROGRAM_MANAGER)
    program_manager_add(program, user=colleague, acting_user=program_manager)
    program_manager_remove(program, user=program_manager, acting_user=colleague)
    assert _managers(program) == {colleague}
    record = AuditRecord.objects.get(event="program.manager_removed")
    assert record.actor == colleague
    assert record.changes == {"manager": [program_manager.username, None]}


def test_the_last_manager_cannot_be_removed(program_manager, org_admin):
    program = make_program(program_manager)
    for actor in (program_manager, org_admin):
        with pytest.raises(Conflict, match="is the program's last manager"):
            program_manager_remove(program, user=program_manager, acting_user=actor)
    assert _managers(program) == {program_manager}
    assert not AuditRecord.objects.filter(event="program.manager_removed").exists()


def test_removing_needs_a_manager_of_the_program_and_a_listed_person(
    program_manager, make_user, sponsor
):
    program = make_program(program_manager)
    colleague = make_user(Role.PROGRAM_MANAGER)
    program_manager_add(program, user=colleague, acting_user=program_manager)
    outsider = make_user(Role.PROGRAM_MANAGER)
    for actor in (outsider, sponsor):
        with pytest.raises(PermissionDenied, match="Only this program's managers can remove"):
            program_manager_remove(program, user=colleague, acting_user=actor)
    with pytest.raises(NotFound, match="does not manage this program"):
        program_manager_remove(program, user=outsider, acting_user=program_manager)
    # A listed manager who lost the role cannot act on the program any more.
    role_revoke(colleague, Role.PROGRAM_MANAGER, acting_user=None)
    with pytest.raises(PermissionDenied):
        program_manager_remove(program, user=program_manager, acting_user=colleague)
    assert _managers(program) == {program_manager, colleague}


def test_candidates_are_managers_and_admins_not_yet_listed(
    program_manager, org_admin, make_user, participant, sponsor
):
    program = make_program(program_manager)
    colleague = make_user(Role.PROGRAM_MANAGER)
    assert set(selectors.manager_candidates(program=program)) == {colleague, org_admin}


# --- The program page ---------------------------------------------------------------------


def test_the_managers_card_lists_managers_with_add_and_remove(program_manager, make_user):
    program = make_program(program_manager)
    colleague = make_user(Role.PROGRAM_MANAGER)
    client = _client(program_manager)
    page = client.get(f"/programs/{program.pk}/").content.decode()
    assert 'id="managers"' in page and "Add manager" in page
    assert f'<option value="{colleague.email}">' in page  # suggested in the email field
    assert "A program keeps at least one manager" in page  # alone: no remove button
    assert f"/programs/{program.pk}/managers/{program_manager.pk}/remove/" not in page

    response = client.post(f"/programs/{program.pk}/managers/", {"email": colleague.email.upper()})
    assert response.status_code == 302
    assert response["Location"] == f"/programs/{program.pk}/#managers"
    assert _managers(program) == {program_manager, colleague}
    page = client.get(f"/programs/{program.pk}/").content.decode()
    assert "now manages this program" in page
    assert f"/programs/{program.pk}/managers/{colleague.pk}/remove/" in page
    assert f"/programs/{program.pk}/managers/{program_manager.pk}/remove/" in page

    response = client.post(f"/programs/{program.pk}/managers/{colleague.pk}/remove/")
    assert response["Location"] == f"/programs/{program.pk}/#managers"
    assert _managers(program) == {program_manager}


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("nobody@example.com", "No active account has the email nobody@example.com."),
        ("not an email", "Enter the email of the account to add as a manager."),
        ("participant", "is not a program manager or org admin."),
        ("self", "already manages this program."),
    ],
)
def test_bad_additions_are_explained_on_the_page(program_manager, participant, email, message):
    program = make_program(program_manager)
    email = {"participant": participant.email, "self": program_manager.email}.get(email, email)
    client = _client(program_manager)
    response = client.post(f"/programs/{program.pk}/managers/", {"email": email}, follow=True)
    assert message in response.content.decode()
    assert _managers(program) == {program_manager}


def test_the_last_manager_is_kept_on_the_page(program_manager):
    program = make_program(program_manager)
    client = _client(program_manager)
    response = client.post(
        f"/programs/{program.pk}/managers/{program_manager.pk}/remove/", follow=True
    )
    assert "is the program&#x27;s last manager" in response.content.decode()
    assert _managers(program) == {program_manager}


def test_a_manager_who_leaves_a_program_lands_on_the_program_list(program_manager, make_user):
    program = make_program(program_manager)
    colleague = make_user(Role.PROGRAM_MANAGER)
    program_manager_add(program, user=colleague, acting_user=program_manager)
    response = _client(colleague).post(f"/programs/{program.pk}/managers/{colleague.pk}/remove/")
    assert response["Location"] == "/programs/"
    assert _managers(program) == {program_manager}


def test_sponsors_see_the_managers_but_cannot_change_them(program_manager, sponsor, make_user):
    program = make_program(program_manager)
    colleague = make_user(Role.PROGRAM_MANAGER)
    program_manager_add(program, user=colleague, acting_user=program_manager)
    client = _client(sponsor)
    page = client.get(f"/programs/{program.pk}/").content.decode()
    assert 'id="managers"' in page and colleague.email in page
    assert "Add manager" not in page and "/remove/" not in page.split('id="managers"')[1]
    assert (
        client.post(f"/programs/{program.pk}/managers/", {"email": "x@example.com"}).status_code
        == 403
    )
    remove = client.post(f"/programs/{program.pk}/managers/{colleague.pk}/remove/")
    assert remove.status_code == 403
    outsider = _client(make_user(Role.PROGRAM_MANAGER))
    removal = outsider.post(f"/programs/{program.pk}/managers/{colleague.pk}/remove/")
    assert removal.status_code == 404  # a draft program they do not manage: not visible
    assert _managers(program) == {program_manager, colleague}


# --- API ----------------------------------------------------------------------------------


def _post(client: Client, url: str, data: Any) -> Any:
    return client.post(url, data, content_type="application/json")


def test_api_lists_adds_and_removes_managers(program_manager, make_user):
    program = make_program(program_manager)
    colleague = make_user(Role.PROGRAM_MANAGER)
    client = _client(program_manager)
    url = f"/api/v1/programs/{program.pk}/managers"
    listed = client.get(url).json()
    assert listed["count"] == 1 and listed["items"][0]["user_id"] == program_manager.pk

    added = _post(client, url, {"email": colleague.email})
    assert added.status_code == 201, added.content
    assert added.json() == {
        "user_id": colleague.pk,
        "email": colleague.email,
        "name": colleague.get_full_name() or colleague.username,
    }
    assert {item["email"] for item in client.get(url).json()["items"]} == {
        program_manager.email,
        colleague.email,
    }

    removed = client.delete(f"{url}/{colleague.pk}")
    assert removed.status_code == 204
    assert _managers(program) == {program_manager}


@pytest.mark.parametrize(
    ("email", "status", "code", "message"),
    [
        ("nobody@example.com", 422, "account_not_found", "No active account has the email"),
        ("participant", 422, "manager_not_eligible", "is not a program manager or org admin"),
        ("self", 409, "manager_already_added", "already manages this program"),
        ("not an email\x00", 422, "invalid_input", "The request is not valid."),
    ],
)
def test_api_explains_bad_additions(program_manager, participant, email, status, code, message):
    program = make_program(program_manager)
    email = {"participant": participant.email, "self": program_manager.email}.get(email, email)
    response = _post(
        _client(program_manager), f"/api/v1/programs/{program.pk}/managers", {"email": email}
    )
    assert response.status_code == status
    assert response.json()["code"] == code and message in response.json()["message"]
    assert _managers(program) == {program_manager}


def test_api_refuses_to_remove_the_last_manager_or_a_non_manager(program_manager, make_user):
    program = make_program(program_manager)
    client = _client(program_manager)
    url = f"/api/v1/programs/{program.pk}/managers"
    last = client.delete(f"{url}/{program_manager.pk}")
    assert last.status_code == 409 and last.json()["code"] == "last_manager"
    assert "last manager" in last.json()["message"]
    stranger = make_user(Role.PROGRAM_MANAGER)
    missing = client.delete(f"{url}/{stranger.pk}")
    assert missing.status_code == 404 and missing.json()["code"] == "manager_not_listed"
    unknown = client.delete(f"{url}/999999")
    assert unknown.status_code == 404 and unknown.json()["code"] == "manager_not_listed"
    assert _managers(program) == {program_manager}


def test_api_permissions(program_manager, make_user, sponsor, participant, client):
    program = make_program(program_manager)
    colleague = make_user(Role.PROGRAM_MANAGER)
    url = f"/api/v1/programs/{program.pk}/managers"
    assert api_error(client.get(url)) == (401, "unauthenticated")
    assert api_error(_post(client, url, {"email": colleague.email})) == (401, "unauthenticated")

    as_sponsor = _client(sponsor)
    assert as_sponsor.get(url).status_code == 200  # sponsors see the design
    refused = _post(as_sponsor, url, {"email": colleague.email})
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    assert api_error(as_sponsor.delete(f"{url}/{program_manager.pk}")) == (403, "permission_denied")

    outsider = _client(make_user(Role.PROGRAM_MANAGER))
    for response in (
        outsider.get(url),
        _post(outsider, url, {"email": colleague.email}),
        outsider.delete(f"{url}/{program_manager.pk}"),
    ):
        # a draft program they do not manage: not visible
        assert api_error(response) == (404, "not_found")

    as_participant = _client(participant)
    assert api_error(as_participant.get(url)) == (404, "not_found")
    assert _managers(program) == {program_manager}


def test_a_listed_manager_who_lost_the_role_does_not_count_as_another_manager(
    program_manager, make_user
):
    program = make_program(program_manager)
    colleague = make_user(Role.PROGRAM_MANAGER)
    program_manager_add(program, user=colleague, acting_user=program_manager)
    role_revoke(colleague, Role.PROGRAM_MANAGER, acting_user=None)

    with pytest.raises(Conflict, match="is the program's last manager"):
        program_manager_remove(program, user=program_manager, acting_user=program_manager)
    program_manager_remove(program, user=colleague, acting_user=program_manager)
    assert _managers(program) == {program_manager}
