"""Browser: a mentee answers the monthly pulse on a 390 px phone (no JavaScript needed),
fixing an error on the way, and the program manager sees the result."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def open_pulse(program_manager: Any, make_user: Any, settings: Any) -> Any:
    from turnabout.feedback import services
    from turnabout.feedback.tests.factories import build_pairs

    settings.TURNABOUT_MIN_GROUP_SIZE = 3
    pairs = build_pairs(program_manager, make_user, n=2)
    survey = services.survey_create(pairs.cohort, template="pulse", acting_user=program_manager)
    services.survey_update(survey, data={"trigger": "manual"}, acting_user=program_manager)
    services.survey_open(survey, acting_user=program_manager)
    return pairs, survey


def test_mentee_answers_a_pulse_on_a_phone_and_the_manager_sees_it(
    page: Page, live_server: Any, open_pulse: Any, screenshot: Any
) -> None:
    from turnabout.feedback import metrics, services
    from turnabout.feedback.models import Invitation

    pairs, survey = open_pulse
    base = live_server.url
    m = pairs.pairs[0]
    mentee = pairs.mentee_user(m)
    page.set_viewport_size({"width": 390, "height": 844})

    log_in(page, base, mentee.email)
    page.goto(f"{base}/engagement/")
    hub_card = page.locator("#hub-surveys")
    expect(hub_card.get_by_text("Monthly pulse")).to_be_visible()
    hub_card.get_by_role("link", name="Answer").click()
    expect(page.get_by_role("heading", name="Monthly pulse")).to_be_visible()
    expect(page.locator(".privacy-note")).to_contain_text("your partner never does")
    # Nothing fits in a phone width without scrolling sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # Send without the required rating: the error shows at the question, the text stays.
    page.get_by_label("Anything else?").fill("We lost two sessions to travel.")
    page.get_by_role("checkbox", name="Time").check()
    page.get_by_role("button", name="Send my answers").click()
    expect(
        page.get_by_role("alert").filter(has_text="Please answer this question.")
    ).to_be_visible()
    expect(page.get_by_label("Anything else?")).to_have_value("We lost two sessions to travel.")
    expect(page.get_by_role("checkbox", name="Time")).to_be_checked()
    screenshot("survey-pulse-phone-error")

    page.get_by_role("radio", name="4", exact=True).check()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_text("Thank you: your answers are in.")).to_be_visible()
    screenshot("survey-pulse-phone-done")

    # Three more people answer (the floor is three), through the service.
    pulse = survey.questions.get(key=metrics.KEY_PULSE)
    others = [(m.mentor, pairs.mentor_user(m))] + [
        (person, pairs.users[person.pk])
        for other in pairs.pairs[1:]
        for person in (other.mentor, other.mentee)
    ]
    for person, user in others:
        services.response_save(
            Invitation.objects.get(survey=survey, person=person),
            data={str(pulse.pk): 9},
            submit=True,
            acting_user=user,
        )

    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, base, pairs.manager.email)
    page.goto(f"{base}/surveys/surveys/{survey.pk}/results/")
    expect(page.get_by_role("heading", name="Results · Monthly pulse")).to_be_visible()
    expect(page.get_by_text("4 of 4 invitations answered.")).to_be_visible()
    pair_table = page.locator("#pairs-heading").locator("xpath=..")
    row = pair_table.get_by_role("row").filter(has_text=m.mentee.full_name)
    expect(row).to_contain_text("4")
    expect(row).to_contain_text("9")
    expect(page.locator("svg").first).to_be_visible()
    screenshot("survey-pulse-results")
