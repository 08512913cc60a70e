"""Browser: a mentor schedules a session (in their own time zone), both partners log it, and
the mentee updates a goal. Screenshots of the pages people use most."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.e2e.conftest import log_in, pick

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def signed_pair(program_manager: Any, make_user: Any) -> Any:
    from turnabout.demo.engagement import GUIDES
    from turnabout.engagement import services
    from turnabout.engagement.tests.factories import build_pair
    from turnabout.learning.models import ConversationGuide

    pair = build_pair(program_manager, make_user)
    for n, guide in enumerate(GUIDES[:3], start=1):
        ConversationGuide.objects.create(program=pair.program, position=n, **guide)
    data = services.AgreementInput(
        goals=[
            services.GoalInput("Use an AI assistant every week", "Drafts the board update with it"),
            services.GoalInput("Post one short video", "Published on the company account"),
        ],
        mentor_gains="See how budgets and priorities are really set.",
        channel="chat",
        ground_rules="Cameras on, phones away. Honest over polite.",
    )
    services.agreement_save(pair.mentorship, data=data, acting_user=pair.mentee)
    services.agreement_sign(pair.mentorship, acting_user=pair.mentee)
    services.agreement_sign(pair.mentorship, acting_user=pair.mentor)
    return pair


def test_mentor_schedules_both_log_and_a_goal_moves_on(
    page: Page, live_server: Any, signed_pair: Any, screenshot: Any
) -> None:
    from turnabout.engagement.models import MentoringSession

    pair = signed_pair
    base = live_server.url
    page.set_viewport_size({"width": 1280, "height": 900})

    # The mentor (London) schedules a session from the home page.
    log_in(page, base, pair.mentor.email)
    expect(page.get_by_role("heading", name="You mentor Raj Mehta")).to_be_visible()
    page.get_by_role("link", name="Open your pair").click()
    expect(page.get_by_role("heading", name="Next session")).to_be_visible()
    page.get_by_role("link", name="Schedule a session").first.click()
    expect(page.get_by_text("Asia/Kolkata").first).to_be_visible()
    day = (timezone.now() + timedelta(days=9)).date()
    page.get_by_label("Date").fill(day.isoformat())
    page.get_by_label("Start time").fill("10:00")
    page.get_by_label("Video link").fill("https://meet.example.com/maya-raj")
    page.get_by_label("Conversation guide", exact=True).select_option(
        label="Show, don't tell: one tool in real work (any session)"
    )
    screenshot("engagement-schedule")
    page.get_by_role("button", name="Schedule and send invites").click()
    expect(page.get_by_text(re.compile("Session scheduled"))).to_be_visible()
    expect(page.get_by_text("10:00\u201310:45").first).to_be_visible()
    session = MentoringSession.objects.get()
    assert session.starts_at == datetime.combine(day, time(10, 0), tzinfo=ZoneInfo("Europe/London"))

    # Time passes: the session took place two hours ago.
    MentoringSession.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - timedelta(hours=2)
    )
    page.reload()
    page.get_by_role("link", name="Log this session").click()
    page.get_by_label("Held").check()
    pick(page, "Topics covered", "generative")
    page.get_by_label("5 · very useful").check()
    page.get_by_label("Private comment").fill("Raj drafted his update live. Great energy.")
    page.get_by_role("button", name="Save my log").click()
    expect(page.get_by_text("Thanks, your log is saved.")).to_be_visible()

    # The mentee (Kolkata) is asked to log it on the home page.
    log_in(page, base, pair.mentee.email)
    expect(page.get_by_role("heading", name="Maya Okafor mentors you")).to_be_visible()
    screenshot("engagement-home")
    page.get_by_role("link", name=re.compile("Log how your session")).click()
    page.get_by_label("Held").check()
    page.get_by_label("4", exact=True).check()
    page.get_by_role("button", name="Save my log").click()
    expect(page.get_by_text("Thanks, your log is saved.")).to_be_visible()
    expect(page.get_by_text("your rating 4/5")).to_be_visible()
    expect(page.get_by_text("Great energy")).to_have_count(0)  # the mentor's comment is private
    expect(page.get_by_text("5/5")).to_have_count(0)

    # The mentee updates a goal and ticks a milestone (htmx swaps the list).
    page.get_by_role("link", name="Overview").click()
    screenshot("engagement-pair")
    page.get_by_role("link", name="Use an AI assistant every week").first.click()
    page.get_by_label("Status").select_option("in_progress")
    page.get_by_label("Progress (%)").fill("40")
    page.get_by_label("What changed?").fill("Drafted the board update with the assistant.")
    page.get_by_role("button", name="Update the goal").click()
    expect(page.get_by_text("Goal updated.")).to_be_visible()
    expect(page.get_by_text("40% done")).to_be_visible()
    page.get_by_label("Milestone", exact=True).fill("Do it alone for the March update")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator(".milestone__title")).to_have_text("Do it alone for the March update")
    history = page.locator("#goal-history")
    # htmx refreshes the goal's history along with the list, without a reload.
    expect(history.get_by_text("milestone added")).to_be_visible()
    page.get_by_role("button", name=re.compile("Mark as done")).click()
    expect(page.locator(".milestone--done")).to_have_count(1)
    expect(history.get_by_text("milestone done")).to_be_visible()
    expect(page.get_by_text("Drafted the board update with the assistant.")).to_be_visible()
    screenshot("engagement-goal")

    page.get_by_role("link", name="Sessions").click()
    expect(page.locator(".sessions-table tbody tr")).to_have_count(1)
    expect(page.get_by_text("4/5")).to_be_visible()
    screenshot("engagement-session-log")
    session.refresh_from_db()
    assert session.outcome == "held" and session.logs.count() == 2
