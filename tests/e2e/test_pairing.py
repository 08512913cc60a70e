"""Browser: a manager runs the matching (the page polls until the worker is done), reviews
and locks a pair, publishes; a participant sees why they were matched and accepts."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from tests.e2e.conftest import confirm, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_reviews_and_publishes_then_a_mentee_accepts(
    page: Page, live_server: Any, program_manager: Any, make_user: Any, screenshot: Any
) -> None:
    from turnabout.pairing.models import Mentorship
    from turnabout.pairing.tests.factories import make_setup

    setup = make_setup(program_manager, make_user, mentors=5, mentees=4)
    base = live_server.url
    log_in(page, base, setup.manager.email)
    page.get_by_role("link", name="Matching", exact=True).click()
    page.get_by_role("link", name=re.compile(setup.cohort.name)).click()
    page.get_by_role("button", name="Run the matching").click()
    expect(page.locator("#run-status progress")).to_be_visible()
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", verbosity=0)
    # the page polls the run's status and reloads itself once it is done
    expect(page.get_by_role("heading", name="Unmatched, and why")).to_be_visible(timeout=15000)
    rows = page.locator("table.proposals > tbody > tr")
    expect(rows).to_have_count(4)
    rows.first.get_by_role("button", name="Lock").click()
    expect(page.locator("table.proposals > tbody > tr").first.get_by_text("locked")).to_be_visible()
    page.get_by_label("Sort").select_option("score")
    expect(page).to_have_url(re.compile(r"sort=score"))
    screenshot("pairing-review")

    page.get_by_role("button", name="Publish pairs").click()
    confirm(page, "Publish pairs")
    expect(page.get_by_text(re.compile(r"4 pairs published"))).to_be_visible()
    screenshot("pairing-pairs")

    pair = Mentorship.objects.select_related("mentee__user", "mentor").first()
    assert pair is not None
    log_in(page, base, pair.mentee.email)
    page.get_by_role("link", name="My mentoring").click()
    expect(page.get_by_role("heading", name="A match is waiting for your answer")).to_be_visible()
    page.get_by_role("link", name="See why, then accept or decline").click()
    expect(page.get_by_role("heading", name=f"{pair.mentor.full_name} mentors you")).to_be_visible()
    expect(page.get_by_role("heading", name="Why you were matched")).to_be_visible()
    screenshot("pairing-my-match")
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("You accepted. Waiting for your partner's answer.")).to_be_visible()
    pair.refresh_from_db()
    assert pair.mentee_accepted_at is not None
