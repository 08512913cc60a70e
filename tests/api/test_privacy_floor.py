"""Every aggregate a sponsor or a manager sees goes through the one privacy floor
(`common.privacy`): the sponsor's cohort counts, a program's engagement figures, the
interest survey (programs/tests/test_survey.py) and the organisation's headcount charts."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from turnabout.engagement.tests.factories import build_pair
from turnabout.enrollment.services import application_create, applications_decide
from turnabout.people.models import Employee
from turnabout.programs.tests.factories import make_cohort, make_program, mentor_profile, move_to

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def floor(settings: Any) -> None:
    settings.TURNABOUT_MIN_GROUP_SIZE = 5
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_sponsors_cohort_counts_hide_a_single_waitlisted_person(
    program_manager, sponsor, make_user
):
    cohort = make_cohort(make_program(program_manager), program_manager, phase="applications_open")
    applications = [
        application_create(cohort, role="mentor", profile=mentor_profile(), acting_user=make_user())
        for _ in range(7)
    ]
    move_to(cohort, "applications_closed", program_manager)
    applications_decide(
        cohort,
        application_ids=[a.pk for a in applications[:6]],
        decision="accepted",
        acting_user=program_manager,
    )
    applications_decide(
        cohort,
        application_ids=[applications[6].pk],
        decision="waitlisted",
        acting_user=program_manager,
    )
    counts = _client(sponsor).get(f"/api/v1/cohorts/{cohort.pk}").json()["counts"]
    assert counts["floored"] is True
    mentors = counts["by_role_status"]["mentor"]
    # One waitlisted person is below the floor; 6 accepted would give them away from the
    # total (7): both hidden (and whatever would let them be derived in the other line).
    assert mentors["waitlisted"] is None and mentors["accepted"] is None
    shown = [n for row in counts["by_role_status"].values() for n in row.values() if n]
    assert all(n >= 5 for n in shown)
    assert counts["mentors"] == 7
    # The program's manager reviews the applications one by one: exact counts.
    exact = _client(program_manager).get(f"/api/v1/cohorts/{cohort.pk}").json()["counts"]
    assert exact["floored"] is False and exact["by_role_status"]["mentor"]["waitlisted"] == 1
    page = _client(sponsor).get(f"/programs/cohorts/{cohort.pk}/").content.decode()
    assert "hidden" in page


def test_engagement_figures_need_enough_pairs(program_manager, make_user, sponsor):
    pair = build_pair(program_manager, make_user)
    for client in (_client(sponsor), _client(program_manager)):
        data = client.get(f"/api/v1/programs/{pair.program.pk}/engagement").json()
        assert data["active_pairs"] == 1 and data["shown"] is False
        assert data["learning_entries_by_mentors"] is None
        assert data["learning_entries_by_mentees"] is None
        assert data["sessions_held"] is None and data["tags"] == []
        page = client.get(f"/engagement/programs/{pair.program.pk}/").content.decode()
        assert "Figures appear once at least 5 pairs are active" in page


def test_headcount_charts_merge_small_groups(sponsor, make_employee):
    for _ in range(6):
        make_employee(department="Sales", level=3)
    make_employee(department="Legal", level=3)
    make_employee(department="Audit", level=3)
    from turnabout.people.selectors import org_overview

    overview = org_overview(user=sponsor)
    # Legal (1) and Audit (1) and then the sponsor's own department are below the floor.
    departments = dict(overview.departments)
    assert "Legal" not in departments and "Audit" not in departments
    assert overview.hidden_departments >= 5
    assert sum(departments.values()) + overview.hidden_departments == overview.active
    home = _client(sponsor).get("/").content.decode()
    assert "Legal" not in home and "small groups together" in home
    assert Employee.objects.filter(department="Legal").exists()


def _cohort_with(program_manager, make_user, *, mentors: int, mentees: int):
    from turnabout.programs.tests.factories import mentee_profile

    cohort = make_cohort(make_program(program_manager), program_manager, phase="applications_open")
    apps = []
    for role, n in (("mentor", mentors), ("mentee", mentees)):
        for _ in range(n):
            user = make_user()
            Employee.objects.filter(user=user).update(level=2 if role == "mentor" else 8)
            profile = mentor_profile() if role == "mentor" else mentee_profile()
            apps.append(application_create(cohort, role=role, profile=profile, acting_user=user))
    return cohort, apps


def _cohort_row(page: str, cohort) -> list[str]:
    """The three count cells (mentors, mentees, accepted) of the cohort's row."""
    import re

    row = page.split(f'href="/programs/cohorts/{cohort.pk}/"', 1)[1].split("</tr>", 1)[0]
    return re.findall(r'<td class="num">([^<]*)</td>', row)


def test_program_list_and_detail_floor_each_cohorts_counts_for_sponsors(
    program_manager, sponsor, make_user
):
    cohort, apps = _cohort_with(program_manager, make_user, mentors=2, mentees=6)
    program = cohort.program
    for url in ("/programs/", f"/programs/{program.pk}/"):
        # 2 mentors is a group below the floor: hidden; 6 mentees and 0 accepted are shown.
        assert _cohort_row(_client(sponsor).get(url).content.decode(), cohort) == [
            "hidden",
            "6",
            "0",
        ], url
        # The program's manager reviews the applications one by one: exact counts.
        assert _cohort_row(_client(program_manager).get(url).content.decode(), cohort) == [
            "2",
            "6",
            "0",
        ], url
    move_to(cohort, "applications_closed", program_manager)
    applications_decide(
        cohort,
        application_ids=[a.pk for a in apps],
        decision="accepted",
        acting_user=program_manager,
    )
    # 8 accepted is above the floor, but its parts (2 accepted mentors) are not: the cohort
    # page hides the accepted cells, and the list hides their sum with them.
    page = _client(sponsor).get(f"/programs/{program.pk}/").content.decode()
    assert _cohort_row(page, cohort) == ["hidden", "6", "hidden"]
    cohort_page = _client(sponsor).get(f"/api/v1/cohorts/{cohort.pk}").json()["counts"]
    assert cohort_page["accepted_mentees"] is None and cohort_page["accepted_mentors"] is None


def test_pairing_counts_are_floored_for_sponsors(program_manager, sponsor, make_user):
    pair = build_pair(program_manager, make_user)
    cohort_id = pair.mentorship.cohort_id
    counts = _client(sponsor).get(f"/api/v1/cohorts/{cohort_id}/pairing-counts").json()
    assert counts["floored"] is True and counts["active"] is None
    assert counts["runs"] == 1  # runs are the managers' actions, not people
    exact = _client(program_manager).get(f"/api/v1/cohorts/{cohort_id}/pairing-counts").json()
    assert exact["floored"] is False and exact["active"] == 1


def test_insights_dashboard_floors_the_funnel_and_a_few_pairs_activity(
    program_manager, sponsor, make_user
):
    from datetime import timedelta

    from django.utils import timezone

    from turnabout.engagement import services as engagement

    pair = build_pair(program_manager, make_user)
    start = timezone.now() - timedelta(days=1)
    session = engagement.session_schedule(
        pair.mentorship, starts_at=start, minutes=45, format="video", acting_user=pair.mentor,
        now=start - timedelta(days=2), notify=False,
    )  # fmt: skip
    engagement.session_log(session, outcome="held", acting_user=pair.mentee)
    url = f"/api/v1/insights/programs/{pair.program.pk}/dashboard"
    board = _client(sponsor).get(url).json()
    # Two applicants, two matched, two active: every step is a group below the floor.
    assert {step["step"]: step["people"] for step in board["funnel"]} == {
        "Interested": 0,
        "Applied": None,
        "Accepted": None,
        "Matched": None,
        "Active": None,
        "Completed": 0,
    }
    # One pair: how many started, and nothing of what it did (as the engagement figures).
    assert board["pairs_started"] == 1
    assert board["sessions_per_week"] == [] and board["mentees_learned"] == []
    assert board["agreements_signed"] is None and board["goals"] is None
    managed = _client(program_manager).get(url).json()
    assert managed["sessions_per_week"][0]["held"] == 1 and managed["agreements_signed"] == 0
    assert [s["people"] for s in managed["funnel"]][1] is None  # the funnel: for everybody
    page = _client(sponsor).get(f"/insights/programs/{pair.program.pk}/").content.decode()
    assert "hidden" in page
