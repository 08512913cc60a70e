"""Browser: a participant finds their match and then their pair from the one "My mentoring"
hub; a program manager adds and removes a co-manager on the program page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import SCREENSHOTS, confirm, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def expect_hub_current(page: Page) -> None:
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="My mentoring")).to_have_attribute("aria-current", "page")
    expect(nav.locator("[aria-current]")).to_have_count(1)


def test_participant_reaches_the_match_then_the_pair_from_the_hub(
    page: Page, live_server: Any, program_manager: Any, make_user: Any, screenshot: Any
) -> None:
    from turnabout.engagement.tests.factories import build_pair
    from turnabout.pairing import services as pairing_services
    from turnabout.programs.models import Phase
    from turnabout.programs.tests.factories import make_cohort, make_program

    pair = build_pair(program_manager, make_user, accept=False, name="Digital Fluency")
    other = make_program(program_manager, name="Leading Hybrid Teams")
    make_cohort(other, program_manager, phase=Phase.APPLICATIONS_OPEN, name="Spring 2027")
    base = live_server.url
    page.set_viewport_size({"width": 1280, "height": 900})

    log_in(page, base, pair.mentee.email)
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link")).to_have_text(["Home", "My mentoring"])
    nav.get_by_role("link", name="My mentoring").click()
    expect(page.get_by_role("heading", name="A match is waiting for your answer")).to_be_visible()
    expect(page.get_by_role("heading", name="My applications")).to_be_visible()
    expect(page.locator("#hub-join")).to_contain_text("Leading Hybrid Teams · Spring 2027")
    expect_hub_current(page)
    screenshot("hub-match-waiting")

    page.get_by_role("link", name="See why, then accept or decline").click()
    expect(page.get_by_role("heading", name="Maya Okafor mentors you")).to_be_visible()
    expect(page.get_by_role("heading", name="Why you were matched")).to_be_visible()
    expect_hub_current(page)
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("You accepted. Waiting for your partner's answer.")).to_be_visible()

    # The partner accepts too: the hub now shows the pair and what to do next.
    pairing_services.mentorship_accept(pair.mentorship, acting_user=pair.mentor)
    nav.get_by_role("link", name="My mentoring").click()
    expect(page.get_by_role("heading", name="Maya Okafor mentors you")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("waiting for your answer"))).to_have_count(0)
    expect(page.get_by_text("Fill in your agreement together")).to_be_visible()
    screenshot("hub-active-pair")
    page.get_by_role("link", name="Open your pair").click()
    expect(page.get_by_role("heading", name="Next session")).to_be_visible()
    expect_hub_current(page)

    # The old pages are sub-pages of the hub now.
    nav.get_by_role("link", name="My mentoring").click()
    page.get_by_role("link", name="All applications").click()
    expect(page.get_by_role("heading", name="My programs")).to_be_visible()
    expect_hub_current(page)


def test_manager_adds_and_removes_a_co_manager(
    page: Page, live_server: Any, program_manager: Any, make_user: Any, screenshot: Any
) -> None:
    from django.contrib.auth.models import User

    from turnabout.accounts.models import Role
    from turnabout.programs.tests.factories import make_program

    User.objects.filter(pk=program_manager.pk).update(first_name="Priya", last_name="Nair")
    colleague = make_user(Role.PROGRAM_MANAGER)
    User.objects.filter(pk=colleague.pk).update(first_name="Tom", last_name="Becker")
    program = make_program(program_manager, name="Digital Fluency")
    base = live_server.url
    page.set_viewport_size({"width": 1280, "height": 900})

    log_in(page, base, program_manager.email)
    page.get_by_role("link", name="Programs", exact=True).click()
    page.get_by_role("link", name="Digital Fluency").click()
    card = page.locator("#managers")
    expect(card.get_by_role("heading", name="Managers")).to_be_visible()
    expect(card.get_by_text("A program keeps at least one manager")).to_be_visible()
    card.get_by_label("Email").fill(colleague.email)
    card.get_by_role("button", name="Add manager").click()
    expect(page.get_by_text("Tom Becker now manages this program.")).to_be_visible()
    expect(card.locator(".managers__item")).to_have_count(2)
    screenshot("program-managers-page")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    card.screenshot(path=str(SCREENSHOTS / "program-managers-card.png"))

    card.get_by_role("button", name="Remove Tom Becker as a manager").click()
    confirm(page, "Remove")
    expect(page.get_by_text("Tom Becker no longer manages this program.")).to_be_visible()
    expect(card.locator(".managers__item")).to_have_count(1)
    assert list(program.managers.all()) == [program_manager]
