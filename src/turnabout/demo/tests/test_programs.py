"""The demo program: a closed pilot, the current cohort and a third cohort open now."""

from __future__ import annotations

import pytest

from turnabout.demo.people import demo_build
from turnabout.demo.programs import programs_demo_build
from turnabout.enrollment.models import Application
from turnabout.people.models import Employee
from turnabout.programs.models import Cohort, Phase

pytestmark = pytest.mark.django_db


def test_a_third_cohort_is_open_and_a_newcomer_can_apply_in_one_click(client) -> None:
    demo_build()
    summary = programs_demo_build()
    assert summary is not None and summary.cohorts == 3
    upcoming = Cohort.objects.get(name="Spring 2027")
    assert upcoming.phase == Phase.APPLICATIONS_OPEN
    applied = Application.objects.filter(cohort=upcoming)
    assert applied.filter(role="mentor").count() == 6
    # An employee who has never applied lands on the welcome card with the open cohort.
    newcomer = (
        Employee.objects.filter(
            status="active",
            applications__isnull=True,
            user__isnull=False,
            user__role_assignments__isnull=True,
        )
        .select_related("user")
        .order_by("pk")
        .first()
    )
    assert newcomer is not None and newcomer.user is not None
    client.force_login(newcomer.user)
    home = client.get("/").content.decode()
    assert "Welcome to reverse mentoring" in home
    assert "Spring 2027" in home
    assert f"/applications/apply/{upcoming.pk}/mentor/" in home
