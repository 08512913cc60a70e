"""Browser: the kind forms. A searchable picker is used with the keyboard only; a
confirmation opens in a <dialog> that Escape closes (focus back on its button) and that
sends the form, with the button's own value, once confirmed; without JavaScript the same
button simply submits."""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import PASSWORD, confirm, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _serious(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']}"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]


def test_a_picker_filters_as_one_types_and_picks_by_keyboard(
    page: Page, live_server: Any, program_manager: Any, make_user: Any, screenshot: Any
) -> None:
    from turnabout.engagement.models import LearningEntry
    from turnabout.engagement.tests.factories import build_pair
    from turnabout.people.models import Skill
    from turnabout.programs.tests.factories import ensure_skills

    ensure_skills()
    Skill.objects.create(name="Data visualisation", category=Skill.Category.TECHNOLOGY)
    pair = build_pair(program_manager, make_user)
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server.url, pair.mentee.email)
    page.goto(f"{live_server.url}/engagement/pairs/{pair.mentorship.pk}/learning/")

    page.get_by_label("What did you learn from your partner?").fill("How to film a short video.")
    page.keyboard.press("Tab")  # the keyboard reaches the picker from the text above
    tags = page.get_by_role("combobox", name="Tags")
    expect(tags).to_be_focused()
    tags.press_sequentially("tik")
    options = page.locator(".ts-dropdown .option")
    expect(options).to_have_count(1)
    expect(options.first).to_have_text("TikTok")
    tags.press("Enter")
    tags.press_sequentially("gen ai")  # every word counts
    expect(options.first).to_have_text("Generative AI tools")
    tags.press("Enter")
    tags.press_sequentially("zzz")
    expect(page.get_by_text("Nothing matches.")).to_be_visible()
    for _ in range(3):
        tags.press("Backspace")
    tags.press("Backspace")  # with the box empty, Backspace takes the last pick back
    chips = page.locator(".ts-control .item")
    expect(chips).to_have_count(1)
    tags.press_sequentially("data")
    expect(options).to_have_count(2)
    tags.press("ArrowDown")  # the second of the two
    expect(page.locator(".ts-dropdown .option.active")).to_have_text(options.nth(1).inner_text())
    active = options.nth(1).inner_text()
    tags.press("Enter")
    expect(chips).to_have_count(2)
    tags.press("Escape")
    screenshot("kind-forms-picker")
    assert _serious(page) == []

    page.get_by_role("button", name="Add to the log").click()
    expect(page.get_by_text("How to film a short video.")).to_be_visible()
    entry = LearningEntry.objects.get()
    assert sorted(s.name for s in entry.skills.all()) == sorted(["TikTok", active])


def _application(program_manager: Any, make_user: Any) -> Any:
    from turnabout.enrollment.services import application_create
    from turnabout.programs.tests.factories import (
        ensure_skills,
        make_cohort,
        make_program,
        mentor_profile,
    )

    ensure_skills()
    cohort = make_cohort(make_program(program_manager), program_manager, phase="applications_open")
    return application_create(
        cohort, role="mentor", profile=mentor_profile(), acting_user=make_user()
    )


def test_decline_asks_in_a_dialog_that_escape_closes(
    page: Page, live_server: Any, program_manager: Any, make_user: Any, screenshot: Any
) -> None:
    application = _application(program_manager, make_user)
    log_in(page, live_server.url, program_manager.email)
    page.goto(f"{live_server.url}/applications/{application.pk}/")
    page.get_by_label("Message to the applicant (optional)").fill("Next time, surely.")
    decline = page.get_by_role("button", name="Decline", exact=True)
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_hidden()

    decline.click()
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("heading")).to_have_text(
        f"Decline {application.person.full_name}'s application?"
    )
    expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()  # the safe choice
    screenshot("kind-forms-dialog")
    assert _serious(page) == []
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(decline).to_be_focused()  # focus comes back to the button that opened it
    application.refresh_from_db()
    assert application.status == "submitted"

    decline.click()
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    application.refresh_from_db()
    assert application.status == "submitted"

    decline.focus()
    page.keyboard.press("Enter")  # the keyboard opens it too
    confirm(page, "Decline")
    expect(page.locator("#status-heading .app-status")).to_have_text("Declined")
    application.refresh_from_db()
    assert (application.status, application.decision_message) == (
        "declined",
        "Next time, surely.",
    )


def test_without_javascript_the_button_submits_at_once(
    browser: Browser, live_server: Any, program_manager: Any, make_user: Any
) -> None:
    application = _application(program_manager, make_user)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(program_manager.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/applications/{application.pk}/")
    page.get_by_role("button", name="Decline", exact=True).click()
    page.wait_for_load_state()
    application.refresh_from_db()
    assert application.status == "declined"
    context.close()


def test_ending_a_pair_is_confirmed_in_a_dialog(
    page: Page, live_server: Any, program_manager: Any, make_user: Any
) -> None:
    from turnabout.engagement.tests.factories import build_pair

    pair = build_pair(program_manager, make_user)
    log_in(page, live_server.url, program_manager.email)
    page.goto(f"{live_server.url}/pairing/pairs/{pair.mentorship.pk}/")
    page.get_by_text("End this mentorship…").click()
    page.get_by_label("Why does it end?", exact=False).fill("The mentee changed roles.")
    page.get_by_role("button", name="End it").click()
    confirm(page, "End the mentorship")
    expect(page.get_by_text("The mentorship has ended")).to_be_visible()
    pair.mentorship.refresh_from_db()
    assert pair.mentorship.status == "ended"
