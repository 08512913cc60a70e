from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from turnabout.common.errors import NotFound, PermissionDenied
from turnabout.people import selectors
from turnabout.people.models import Employee

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_org(make_employee):
    ceo = make_employee(first_name="Cleo", last_name="Boss", level=10, department="Executive")
    vp = make_employee(
        first_name="Vic", last_name="Pratt", level=9, manager=ceo, department="Sales"
    )
    juniors = [
        make_employee(
            first_name=f"Junior{i}", level=2, manager=vp, department="Sales", location="Berlin"
        )
        for i in range(3)
    ]
    return {"ceo": ceo, "vp": vp, "juniors": juniors}


def test_people_list_filters_by_department_level_and_search(org_admin, small_org):
    program_manager = (
        org_admin  # managers see applicants only: enrollment/tests/test_people_scope.py
    )
    everyone = selectors.people_list(user=program_manager)
    assert everyone.count() == Employee.objects.count()
    sales = selectors.people_list(
        user=program_manager, filters={"department": "Sales", "level_max": 5}
    )
    assert {p.first_name for p in sales} == {"Junior0", "Junior1", "Junior2"}
    found = selectors.people_list(user=program_manager, filters={"q": "vic pratt"})
    assert [p.first_name for p in found] == ["Vic"]
    reports = selectors.people_list(
        user=program_manager,
        filters={"manager_employee_id": small_org["vp"].employee_id},
    )
    assert reports.count() == 3


@pytest.mark.parametrize("role_fixture", ["sponsor", "participant"])
def test_people_list_is_refused_to_sponsors_and_participants(role_fixture, request, client):
    user = request.getfixturevalue(role_fixture)
    with pytest.raises(PermissionDenied):
        selectors.people_list(user=user)
    client.force_login(user)
    assert client.get(reverse("people:list")).status_code == 403


def test_a_participant_sees_their_own_record_only(participant, small_org, client):
    own = Employee.objects.get(user=participant)
    assert selectors.person_get(user=participant, employee_pk=own.pk) == own
    with pytest.raises(NotFound):
        selectors.person_get(user=participant, employee_pk=small_org["ceo"].pk)
    client.force_login(participant)
    assert client.get(reverse("people:detail", args=[small_org["ceo"].pk])).status_code == 404
    assert client.get(reverse("people:detail", args=[own.pk])).status_code == 200


def test_people_list_page_renders_with_a_fixed_number_of_queries(
    org_admin, small_org, client, make_employee
):
    client.force_login(org_admin)
    url = reverse("people:list")
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for i in range(20):
        make_employee(first_name=f"Extra{i}", manager=small_org["vp"])
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert page.status_code == 200
    assert len(many) == len(few)
    assert b"Extra19" in page.content
    # Each name has a decorative initials avatar beside it (no extra query, checked above).
    assert b'<span class="person"><span class="avatar avatar--sm' in page.content


def test_people_list_htmx_request_gets_only_the_results(org_admin, small_org, client):
    client.force_login(org_admin)
    page = client.get(reverse("people:list"), {"department": "Sales"}, HTTP_HX_REQUEST="true")
    body = page.content.decode()
    assert "<html" not in body and 'id="results"' in body and "Junior0" in body
    assert reverse("people:detail", args=[small_org["ceo"].pk]) not in body  # not in Sales


def test_people_list_reports_a_bad_level_range(org_admin, small_org, client):
    client.force_login(org_admin)
    page = client.get(reverse("people:list"), {"level_min": "9", "level_max": "2"})
    assert "must not be above" in page.content.decode()


def test_person_page_shows_the_reporting_line(org_admin, small_org, client):
    client.force_login(org_admin)
    junior = small_org["juniors"][0]
    page = client.get(reverse("people:detail", args=[junior.pk])).content.decode()
    body = page[page.index("Reporting line") :]
    assert body.index("Cleo Boss") < body.index("Vic Pratt") < body.index("Junior0")


def test_org_admin_invites_from_the_person_page(org_admin, small_org, client):
    client.force_login(org_admin)
    junior = small_org["juniors"][1]
    response = client.post(reverse("people:invite", args=[junior.pk]), follow=True)
    assert "Invitation sent" in response.content.decode()
    junior.refresh_from_db()
    assert junior.user is not None
    again = client.post(reverse("people:invite", args=[junior.pk]), follow=True)
    assert "already has an account" in again.content.decode()


def test_program_manager_cannot_invite(program_manager, small_org, client):
    client.force_login(program_manager)
    # The CEO applied to none of their programs: the record is not even found.
    response = client.post(reverse("people:invite", args=[small_org["ceo"].pk]), follow=True)
    assert response.status_code == 404
    small_org["ceo"].refresh_from_db()
    assert small_org["ceo"].user is None


def test_home_shows_aggregates_to_sponsors_but_no_people(sponsor, small_org, client):
    client.force_login(sponsor)
    body = client.get(reverse("home")).content.decode()
    assert "Headcount by department" in body and "<svg" in body
    assert "Junior0" not in body
    assert reverse("people:list") not in body


def test_home_of_a_participant_shows_their_profile_without_org_figures(participant, client):
    client.force_login(participant)
    body = client.get(reverse("home")).content.decode()
    assert "Your profile" in body
    assert "Headcount" not in body


def test_login_with_the_form_and_logout(participant, client):
    response = client.post(
        reverse("login"), {"login": participant.email, "password": "correct-horse-42"}
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_wrong_password_shows_a_clear_error(participant, client):
    page = client.post(reverse("login"), {"login": participant.email, "password": "nope"})
    assert (
        "The email address and/or password you specified are not correct." in page.content.decode()
    )
