from __future__ import annotations

import pytest

from turnabout.accounts.models import Role
from turnabout.common.errors import NotFound, PermissionDenied
from turnabout.enrollment import selectors
from turnabout.enrollment.services import application_create, applications_decide
from turnabout.people.models import Employee
from turnabout.programs.tests.factories import (
    make_cohort,
    make_program,
    mentee_profile,
    mentor_profile,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(program_manager):
    return make_cohort(make_program(program_manager), program_manager, phase="applications_open")


def test_an_applicant_sees_only_their_own_application(cohort, make_user, program_manager):
    me, other = make_user(), make_user()
    mine = application_create(cohort, role="mentor", profile=mentor_profile(), acting_user=me)
    theirs = application_create(cohort, role="mentor", profile=mentor_profile(), acting_user=other)
    assert selectors.application_get(user=me, application_id=mine.pk) == mine
    with pytest.raises(NotFound):
        selectors.application_get(user=me, application_id=theirs.pk)
    assert list(selectors.applications_visible(user=me, cohort=cohort)) == [mine]
    assert list(selectors.applications_of_user(user=me)) == [mine]
    with pytest.raises(PermissionDenied):
        selectors.applications_for_review(user=me, cohort=cohort)
    assert set(selectors.applications_visible(user=program_manager, cohort=cohort)) == {
        mine,
        theirs,
    }


def test_a_manager_of_another_program_sees_no_application(cohort, make_user):
    application = application_create(
        cohort, role="mentor", profile=mentor_profile(), acting_user=make_user()
    )
    stranger = make_user(Role.PROGRAM_MANAGER)
    with pytest.raises(NotFound):
        selectors.application_get(user=stranger, application_id=application.pk)
    with pytest.raises(PermissionDenied):
        selectors.applications_for_review(user=stranger, cohort=cohort)
    with pytest.raises(PermissionDenied):
        selectors.cohort_counts(user=stranger, cohort=cohort)


def test_review_filters(cohort, make_user, program_manager):
    junior = make_user()
    senior = make_user()
    Employee.objects.filter(user=senior).update(level=8, department="Sales")
    application_create(cohort, role="mentor", profile=mentor_profile(), acting_user=junior)
    application_create(cohort, role="mentee", profile=mentee_profile(), acting_user=senior)
    review = selectors.applications_for_review

    def count(**filters):
        return review(user=program_manager, cohort=cohort, filters=filters).count()

    assert count() == 2
    assert count(role="mentee") == 1
    assert count(department="Sales") == 1
    assert count(level_min=5) == 1 and count(level_max=5) == 1
    assert count(status="accepted") == 0
    assert count(q="hands-on") == 1  # goals text
    assert selectors.review_filter_choices(user=program_manager, cohort=cohort) == {
        "departments": ["Finance", "Sales"]
    }


def test_counts_for_sponsors_and_accepted_applications_for_matching(
    cohort, make_user, program_manager, sponsor
):
    junior, senior = make_user(), make_user()
    Employee.objects.filter(user=senior).update(level=8)
    mentor = application_create(cohort, role="mentor", profile=mentor_profile(), acting_user=junior)
    mentee = application_create(cohort, role="mentee", profile=mentee_profile(), acting_user=senior)
    applications_decide(
        cohort, application_ids=[mentor.pk], decision="accepted", acting_user=program_manager
    )
    # The manager reviews the applications: exact counts.
    counts = selectors.cohort_counts(user=program_manager, cohort=cohort)
    assert (counts.mentors, counts.mentees, counts.accepted_mentors, counts.mentor_capacity) == (
        1,
        1,
        1,
        2,
    )
    assert counts.by_role_status["mentee"]["submitted"] == 1
    # A sponsor gets them through the privacy floor: one person is hidden.
    floored = selectors.cohort_counts(user=sponsor, cohort=cohort)
    assert floored.floored and floored.mentors is None and floored.mentor_capacity is None
    assert floored.by_role_status["mentee"]["submitted"] is None
    with pytest.raises(PermissionDenied):
        selectors.accepted_for_matching(user=sponsor, cohort=cohort)
    accepted = list(selectors.accepted_for_matching(user=program_manager, cohort=cohort))
    assert accepted == [mentor]
    assert accepted[0].skills == {"Generative AI tools": 3, "TikTok": 2}
    assert mentee not in accepted
