"""Browser: a manager sets up a program and opens applications, an employee applies as
mentor, the manager accepts, the employee sees it. Plus screenshots of the demo program."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import SCREENSHOTS, pick
from tests.e2e.test_login_and_people import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-42"


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Log out").click()


@pytest.fixture
def people(transactional_db, make_user):
    from turnabout.accounts.models import Role
    from turnabout.people.models import Employee
    from turnabout.programs.tests.factories import ensure_skills

    ensure_skills()
    manager = make_user(Role.PROGRAM_MANAGER)
    junior = make_user()
    Employee.objects.filter(user=junior).update(first_name="Jade", last_name="Okafor", level=2)
    return {"manager": manager, "junior": junior}


def test_manager_opens_applications_employee_applies_manager_accepts(
    page: Page, live_server, people, screenshot
):
    base = live_server.url
    manager, junior = people["manager"], people["junior"]

    # The manager designs a program.
    log_in(page, base, manager.email, PASSWORD)
    page.get_by_role("link", name="Programs", exact=True).click()
    page.get_by_role("link", name="New program").click()
    page.get_by_label("Name").fill("Digital Fluency Reverse Mentoring")
    page.get_by_label("Purpose").fill("Juniors help leaders master digital tools.")
    page.get_by_label("Welcome text for mentors").fill("Visibility and a leader who listens.")
    page.get_by_label("Welcome text for mentees").fill("Hands-on digital confidence.")
    page.get_by_label("Guidelines").fill("Meet every two weeks. The mentor leads.")
    page.get_by_label("Mentors: maximum level").fill("4")
    page.get_by_label("Mentees: minimum level").fill("7")
    page.get_by_role("button", name="Create the program").click()
    expect(page.get_by_role("heading", name="Digital Fluency Reverse Mentoring")).to_be_visible()

    # A KPI, then a cohort.
    page.get_by_label("Objective", exact=True).fill("Pairs meet regularly")
    page.get_by_label("Metric").select_option("pairs_meeting_min_sessions")
    page.get_by_label("N or topic").fill("6")
    page.get_by_label("Target").fill("80")
    page.get_by_label("Unit").select_option("percent")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_text("≥ 80%")).to_be_visible()
    page.get_by_role("link", name="New cohort").click()
    page.get_by_label("Name").fill("Autumn 2026")
    page.get_by_label("Applications open on").fill("2026-08-03")
    page.get_by_label("Applications close on").fill("2026-08-28")
    page.get_by_label("Starts on").fill("2026-09-21")
    page.get_by_label("Ends on").fill("2027-03-19")
    page.get_by_role("button", name="Create the cohort").click()
    expect(page.get_by_role("heading", name=re.compile("Autumn 2026"))).to_be_visible()

    # Open applications (skipping the survey).
    page.get_by_role("button", name="Move to Applications open").click()
    expect(page.get_by_text("is now in the Applications open phase")).to_be_visible()
    screenshot("cohort-manage-open")
    log_out(page)

    # An employee applies as mentor.
    log_in(page, base, junior.email, PASSWORD)
    page.get_by_role("link", name="My mentoring").click()
    page.get_by_role("link", name="All open programs").click()
    page.get_by_role("link", name="Read more and apply").click()
    expect(page.get_by_role("link", name="Apply as mentor")).to_be_visible()
    expect(
        page.get_by_text("Mentees in Digital Fluency Reverse Mentoring are at level 7")
    ).to_be_visible()
    screenshot("cohort-public-page")
    page.get_by_role("link", name="Apply as mentor").click()
    pick(page, "Skills you know as an expert (level 3)", "generative")
    pick(page, "Skills you are confident with (level 2)", "tiktok")
    page.get_by_label("Your goals").fill("Show a leader how I use AI assistants every day.")
    page.get_by_label("Interests").fill("running, photography")
    page.get_by_label("Video call", exact=True).check()
    page.get_by_label("mon-am").check()
    page.get_by_label("thu-pm").check()
    page.get_by_label("With an agenda agreed beforehand").check()
    page.get_by_label("Trying it out together").check()
    page.get_by_label("Straight to the point").check()
    page.get_by_label("Steady, one topic at a time").check()
    page.get_by_label(re.compile("I have read the guidelines")).check()
    screenshot("apply-form-filled")
    page.get_by_role("button", name="Send my application").click()
    expect(page.get_by_text("Your application is in")).to_be_visible()
    expect(page.locator(".status-card .app-status")).to_have_text("Submitted")
    log_out(page)

    # The manager accepts.
    log_in(page, base, manager.email, PASSWORD)
    page.get_by_role("link", name="Programs", exact=True).click()
    page.get_by_role("link", name="Autumn 2026").click()
    page.get_by_role("link", name="Review applications").click()
    page.get_by_label("Select Jade Okafor").check()
    page.get_by_placeholder("Optional message to the selected applicants").fill("Welcome aboard!")
    page.get_by_role("button", name="Accept selected").click()
    expect(page.get_by_text("1 application: Accepted.")).to_be_visible()
    screenshot("review-after-accept")
    log_out(page)

    # The employee sees the decision.
    log_in(page, base, junior.email, PASSWORD)
    expect(page.get_by_role("heading", name="Your programs")).to_be_visible()
    page.get_by_role("link", name="My mentoring").click()
    expect(page.locator("#hub-applications .app-status")).to_have_text("Accepted")
    page.get_by_role("link", name="All applications").click()
    expect(page.locator(".app-status")).to_have_text("Accepted")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="My mentoring")).to_have_attribute("aria-current", "page")
    page.get_by_role("link", name="Digital Fluency Reverse Mentoring", exact=True).click()
    expect(page.get_by_text("Welcome aboard!")).to_be_visible()
    screenshot("application-accepted")


@pytest.fixture
def demo(transactional_db):
    from turnabout.demo.people import DEMO_LOGINS, demo_build
    from turnabout.demo.programs import programs_demo_build

    demo_build()
    programs_demo_build()
    return {login.email.split("@")[0]: login for login in DEMO_LOGINS}


def test_demo_program_pages_look_right(page: Page, live_server, demo, screenshot):
    from turnabout.programs.models import Cohort

    base = live_server.url
    current = Cohort.objects.get(name="Autumn 2026")
    page.set_viewport_size({"width": 1280, "height": 900})
    manager = demo["programs"]
    log_in(page, base, manager.email, manager.password)
    screenshot("demo-home-manager")
    page.get_by_role("link", name="Programs", exact=True).click()
    expect(page.get_by_role("link", name="Digital Fluency Reverse Mentoring")).to_be_visible()
    screenshot("demo-program-list")
    page.get_by_role("link", name="Digital Fluency Reverse Mentoring").click()
    expect(page.get_by_role("heading", name="Objectives and KPIs")).to_be_visible()
    screenshot("demo-program-detail")
    page.goto(f"{base}/programs/cohorts/{current.pk}/")
    expect(page.get_by_role("heading", name="Interest survey")).to_be_visible()
    expect(page.get_by_text("Would mentor a senior leader")).to_be_visible()
    screenshot("demo-cohort-manage")
    page.goto(f"{base}/programs/cohorts/{current.pk}/applications/")
    expect(page.locator("#results tbody tr")).to_have_count(50)
    screenshot("demo-review")
    page.screenshot(path=str(SCREENSHOTS / "demo-review-top.png"))
    page.get_by_label("Status").select_option("submitted")
    expect(page.locator("#results tbody tr")).to_have_count(12)
    log_out(page)

    mentor = demo["mentor"]
    log_in(page, base, mentor.email, mentor.password)
    page.screenshot(path=str(SCREENSHOTS / "demo-home-mentor-top.png"))
    page.get_by_role("link", name="My mentoring").click()
    page.get_by_role("link", name="All applications").click()
    page.locator(".table a").first.click()
    expect(page.locator(".status-card .app-status")).to_have_text("Accepted")
    screenshot("demo-application-mentor")
    page.goto(f"{base}/programs/cohorts/{current.pk}/about/")
    screenshot("demo-public-page")
    log_out(page)

    mentee = demo["mentee"]
    log_in(page, base, mentee.email, mentee.password)
    page.goto(f"{base}/applications/")
    page.locator(".table a").first.click()
    expect(page.get_by_role("heading", name="Topics wanted")).to_be_visible()
    screenshot("demo-application-mentee")


def test_employee_answers_the_interest_survey(page: Page, live_server, people, screenshot):
    from turnabout.programs.models import SurveyTally
    from turnabout.programs.tests.factories import make_cohort, make_program

    manager, junior = people["manager"], people["junior"]
    cohort = make_cohort(make_program(manager), manager, phase="interest_survey")
    log_in(page, live_server.url, junior.email, PASSWORD)
    page.get_by_role("link", name="My mentoring").click()
    expect(page.locator("#hub-join")).to_contain_text(cohort.name)
    page.get_by_role("link", name="All open programs").click()
    screenshot("join-survey-open")
    page.get_by_role("link", name="Answer the interest survey").click()
    page.get_by_role("group", name="Would you mentor a senior leader?").get_by_label("Yes").check()
    page.get_by_role("group", name="Would you be mentored by a junior colleague?").get_by_label(
        "Maybe"
    ).check()
    page.get_by_label("4").check()
    page.get_by_label("Generative AI tools").check()
    screenshot("survey-form")
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_text("Your answer was recorded anonymously")).to_be_visible()
    counted = {
        (t.question, t.option) for t in SurveyTally.objects.filter(survey__cohort=cohort, count=1)
    }
    assert {("would_mentor", "yes"), ("comfort", "4")} <= counted
