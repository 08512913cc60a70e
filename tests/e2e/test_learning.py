"""Browser: a mentor completes a training module (a reading, a short check, an
acknowledgement) and the manager's cohort page shows the readiness change."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def cohort_with_one_mentor(program_manager: Any, make_user: Any) -> Any:
    from turnabout.learning import services
    from turnabout.learning.models import TrainingModule
    from turnabout.learning.tests.factories import make_setup
    from turnabout.learning.tests.helpers import complete_module

    setup = make_setup(program_manager, make_user, mentors=1, mentees=1)
    program = setup.cohort.program
    mentor, _app = setup.mentors[0]
    # Everything but "Mentoring upward" is done already; the gate is on.
    for module in TrainingModule.objects.filter(program=program, audience__in=["mentor", "both"]):
        if module.starter_key != "mentoring-upward":
            complete_module(mentor, module)
    services.readiness_gate_set(program, acting_user=program_manager, on=True)
    return setup


def test_mentor_completes_a_module_and_the_manager_sees_readiness(
    page: Page, live_server: Any, cohort_with_one_mentor: Any, screenshot: Any
) -> None:
    setup = cohort_with_one_mentor
    base = live_server.url
    cohort_url = f"{base}/programs/cohorts/{setup.cohort.pk}/"
    mentor_row = page.locator('tr[data-role="mentor"] td[data-ready]')

    log_in(page, base, setup.manager.email)
    page.goto(cohort_url)
    expect(page.get_by_role("heading", name="Readiness")).to_be_visible()
    expect(mentor_row).to_have_text("0 / 1")

    mentor, _app = setup.mentors[0]
    log_in(page, base, mentor.email)
    expect(page.get_by_role("heading", name="Your training")).to_be_visible()  # the home tile
    page.goto(f"{base}/learning/programs/{setup.cohort.program_id}/")
    page.get_by_role("link", name="Mentoring upward").click()
    expect(page.locator("#module-progress")).to_have_text("0 of 3 steps done")
    page.get_by_role("button", name="Mark as done").first.click()
    expect(page.locator("#module-progress")).to_have_text("1 of 3 steps done")
    # The check: a wrong answer first, then the right ones.
    check = page.locator("section", has=page.get_by_role("heading", name=re.compile("Check")))
    check.get_by_label("Drop the topic to keep the peace").check()
    check.get_by_label("The mentee alone").check()
    check.get_by_label("Nothing").check()
    check.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_text(re.compile(r"0% right: the pass mark is 66%"))).to_be_visible()
    check = page.locator("section", has=page.get_by_role("heading", name=re.compile("Check")))
    check.get_by_label(re.compile("Ask what they would need to see")).check()
    check.get_by_label(re.compile("You and your mentee together")).check()
    check.get_by_label(re.compile("What you agreed at the start")).check()
    check.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_text("Passed with 100%.")).to_be_visible()
    expect(page.locator("#module-progress")).to_have_text("2 of 3 steps done")
    screenshot("learning-module")

    # One step left: the manager's cohort page still shows the mentor as not ready.
    log_in(page, base, setup.manager.email)
    page.goto(cohort_url)
    expect(mentor_row).to_have_text("0 / 1")
    log_in(page, base, mentor.email)
    page.goto(f"{base}/learning/programs/{setup.cohort.program_id}/")
    page.get_by_role("link", name="Mentoring upward").click()
    page.get_by_role("button", name="Mark as done").click()
    expect(page.locator("#module-progress")).to_have_text("3 of 3 steps done")

    log_in(page, base, setup.manager.email)
    page.goto(cohort_url)
    expect(mentor_row).to_have_text("1 / 1")
    screenshot("learning-cohort-readiness")
