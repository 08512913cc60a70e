"""People records and resource groups: a manager sees the applicants to their programs only;
resource-group choices are the applicant's alone (and the matching engine's)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from turnabout.accounts.models import Role
from turnabout.common.errors import NotFound
from turnabout.common.testing import api_error
from turnabout.enrollment.forms import ApplicationForm
from turnabout.enrollment.services import application_create
from turnabout.people import selectors
from turnabout.people.models import Employee, ResourceGroup
from turnabout.programs.tests.factories import make_cohort, make_program, mentor_profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(make_user, program_manager):
    cohort = make_cohort(make_program(program_manager), program_manager, phase="applications_open")
    applicant = make_user()
    group = ResourceGroup.objects.create(name="Pride Network")
    applicant.employee.resource_groups.add(group)
    application = application_create(
        cohort,
        role="mentor",
        profile=mentor_profile(ergs=["Pride Network"]),
        acting_user=applicant,
    )
    bystander = make_user()
    other_manager = make_user(Role.PROGRAM_MANAGER)
    return {
        "applicant": applicant.employee,
        "applicant_user": applicant,
        "application": application,
        "bystander": bystander.employee,
        "other_manager": other_manager,
    }


def test_a_manager_sees_the_applicants_to_their_programs_only(program_manager, setup, client):
    visible = set(selectors.people_list(user=program_manager))
    assert setup["applicant"] in visible and setup["bystander"] not in visible
    assert selectors.person_get(user=program_manager, employee_pk=setup["applicant"].pk)
    with pytest.raises(NotFound):
        selectors.person_get(user=program_manager, employee_pk=setup["bystander"].pk)
    client.force_login(program_manager)
    assert client.get(reverse("people:detail", args=[setup["bystander"].pk])).status_code == 404
    api = client.get(f"/api/v1/people/{setup['bystander'].pk}")
    assert api_error(api) == (404, "not_found")
    listed = {p["id"] for p in client.get("/api/v1/people?page_size=100").json()["items"]}
    assert setup["applicant"].pk in listed and setup["bystander"].pk not in listed


def test_a_manager_of_another_program_sees_nobody_else(setup):
    other = setup["other_manager"]
    visible = set(selectors.people_list(user=other))
    assert visible == set(Employee.objects.filter(user=other))
    with pytest.raises(NotFound):
        selectors.person_get(user=other, employee_pk=setup["applicant"].pk)


def test_org_admins_still_see_everyone(org_admin, setup):
    assert selectors.people_list(user=org_admin).count() == Employee.objects.count()


def test_resource_groups_are_never_shown_per_person(org_admin, program_manager, setup, client):
    applicant = setup["applicant"]
    for user in (org_admin, program_manager):
        client.force_login(user)
        page = client.get(reverse("people:detail", args=[applicant.pk])).content.decode()
        assert "Pride Network" not in page
        assert "Pride Network" not in client.get(f"/api/v1/people/{applicant.pk}").content.decode()
        application = setup["application"]
        page = client.get(reverse("enrollment:detail", args=[application.pk]))
        assert page.status_code == 200 and "Pride Network" not in page.content.decode()
        api = client.get(f"/api/v1/applications/{application.pk}").json()
        assert api["ergs"] == []
    client.force_login(setup["applicant_user"])
    own = client.get(f"/api/v1/applications/{setup['application'].pk}").json()
    assert own["ergs"] == ["Pride Network"]
    page = client.get(reverse("enrollment:detail", args=[setup["application"].pk]))
    assert "Pride Network" in page.content.decode()


def test_the_form_says_exactly_who_sees_resource_group_choices(setup, client):
    text = str(ApplicationForm.base_fields["ergs"].help_text)
    assert "Nobody else sees them" not in text
    assert "program managers who review proposed pairs" in text
