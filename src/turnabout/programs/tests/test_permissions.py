"""Who sees what: per role, and a manager of program A never reaches program B."""

from __future__ import annotations

import pytest

from turnabout.accounts.models import Role
from turnabout.common.errors import NotFound, PermissionDenied
from turnabout.common.testing import api_error
from turnabout.programs import selectors
from turnabout.programs.tests.factories import make_cohort, make_program, move_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_programs(make_user):
    manager_a = make_user(Role.PROGRAM_MANAGER)
    manager_b = make_user(Role.PROGRAM_MANAGER)
    program_a = make_program(manager_a, name="Program A")
    program_b = make_program(manager_b, name="Program B")
    cohort_b = make_cohort(program_b, manager_b)
    return manager_a, program_a, manager_b, program_b, cohort_b


def test_a_manager_of_program_a_cannot_see_program_b(two_programs, client):
    manager_a, program_a, _manager_b, program_b, cohort_b = two_programs
    assert list(selectors.program_list(user=manager_a)) == [program_a]
    assert list(selectors.program_list_readable(user=manager_a)) == [program_a]
    with pytest.raises(NotFound):
        selectors.program_get(user=manager_a, program_id=program_b.pk)
    with pytest.raises(NotFound):
        selectors.cohort_get(user=manager_a, cohort_id=cohort_b.pk)
    client.force_login(manager_a)
    assert client.get(f"/programs/{program_b.pk}/").status_code == 404
    assert client.get(f"/programs/{program_b.pk}/edit/").status_code == 404
    assert client.get(f"/programs/cohorts/{cohort_b.pk}/").status_code == 404
    assert client.get(f"/programs/cohorts/{cohort_b.pk}/applications/").status_code == 404
    assert api_error(client.get(f"/api/v1/programs/{program_b.pk}")) == (404, "not_found")
    assert api_error(client.get(f"/api/v1/cohorts/{cohort_b.pk}")) == (404, "not_found")
    assert "Program B" not in client.get("/programs/").content.decode()
    assert [p["name"] for p in client.get("/api/v1/programs").json()["items"]] == ["Program A"]


def test_once_b_is_published_manager_a_sees_its_public_page_but_cannot_manage_it(
    two_programs, client
):
    manager_a, _program_a, manager_b, program_b, cohort_b = two_programs
    move_to(cohort_b, "applications_open", manager_b)
    with pytest.raises(PermissionDenied):
        selectors.cohort_get_for_manager(user=manager_a, cohort_id=cohort_b.pk)
    with pytest.raises(PermissionDenied):
        selectors.program_get_for_manager(user=manager_a, program_id=program_b.pk)
    client.force_login(manager_a)
    assert client.get(f"/programs/cohorts/{cohort_b.pk}/about/").status_code == 200
    assert client.get(f"/programs/{program_b.pk}/edit/").status_code == 403
    assert client.get(f"/programs/cohorts/{cohort_b.pk}/applications/").status_code == 403
    assert client.get(f"/api/v1/cohorts/{cohort_b.pk}/applications").json()["items"] == []
    response = client.post(
        f"/api/v1/cohorts/{cohort_b.pk}/phase",
        {"to": "applications_closed"},
        content_type="application/json",
    )
    assert api_error(response) == (403, "permission_denied")


def test_sponsors_see_every_program_and_counts_but_no_applications(two_programs, sponsor, client):
    _a, _pa, _manager_b, program_b, cohort_b = two_programs
    client.force_login(sponsor)
    assert client.get("/programs/").status_code == 200
    assert client.get(f"/programs/{program_b.pk}/").status_code == 200
    page = client.get(f"/programs/cohorts/{cohort_b.pk}/")
    assert page.status_code == 200 and "Move the cohort on" not in page.content.decode()
    assert client.get(f"/programs/cohorts/{cohort_b.pk}/applications/").status_code == 403
    assert client.get(f"/programs/{program_b.pk}/edit/").status_code == 403
    detail = client.get(f"/api/v1/cohorts/{cohort_b.pk}").json()
    assert detail["counts"]["mentors"] == 0
    assert client.get(f"/api/v1/cohorts/{cohort_b.pk}/applications").json()["items"] == []


def test_participants_see_published_cohorts_only(two_programs, participant, client):
    _a, _pa, manager_b, program_b, cohort_b = two_programs
    client.force_login(participant)
    assert client.get("/programs/").status_code == 403
    assert client.get(f"/programs/cohorts/{cohort_b.pk}/about/").status_code == 404
    assert client.get("/api/v1/programs").json()["items"] == []

    move_to(cohort_b, "interest_survey", manager_b)
    assert client.get(f"/programs/cohorts/{cohort_b.pk}/about/").status_code == 200
    assert client.get(f"/programs/{program_b.pk}/").status_code == 302  # to the public page
    assert [p["name"] for p in client.get("/api/v1/programs").json()["items"]] == ["Program B"]
    assert client.get(f"/api/v1/cohorts/{cohort_b.pk}").json()["counts"] is None


def test_org_admins_manage_everything(two_programs, org_admin, client):
    _a, _pa, _mb, program_b, cohort_b = two_programs
    assert selectors.program_get_for_manager(user=org_admin, program_id=program_b.pk) == program_b
    client.force_login(org_admin)
    assert client.get(f"/programs/cohorts/{cohort_b.pk}/applications/").status_code == 200


def test_navigation_links_follow_the_roles(client, program_manager, participant, sponsor):
    client.force_login(program_manager)
    labels = [link.label for link in client.get("/").context["nav_links"]]
    assert "Programs" in labels
    client.force_login(sponsor)
    labels = [link.label for link in client.get("/").context["nav_links"]]
    # Sponsors in the fixture are employees: they take part too.
    assert "Programs" in labels and "My mentoring" in labels
    client.force_login(participant)
    labels = [link.label for link in client.get("/").context["nav_links"]]
    assert labels == ["Home", "My mentoring"]  # one hub instead of four links
