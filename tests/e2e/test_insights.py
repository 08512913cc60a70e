"""Browser: the sponsor reads the program's outcomes (KPIs with state and history, funnel,
sessions per week, pair health) without seeing any person; the manager sees the at-risk
pairs with their reasons."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def program_with_history(program_manager: Any) -> Any:
    from turnabout.insights import services
    from turnabout.insights.tests.factories import START, at, objective, sessions, sign, world

    w = world(program_manager, name="Digital Fluency")
    objective(w, "pairs_meeting_min_sessions", 50, "percent", parameter="3", title="Pairs meet")
    objective(w, "pair_completion", 85, "percent", title="Pairs complete")
    from turnabout.insights.tests.factories import add_pair

    for n in range(6):
        m = add_pair(w)
        sign(m, START)
        if n < 5:
            sessions(m, [START + timedelta(days=14 * k) for k in range(1, 4)])
    for day in range(0, 50, 7):
        services.kpi_snapshots_take(day=START + timedelta(days=day))
    services.pair_health_refresh(now=at(START + timedelta(days=50)))
    return w


def test_sponsor_dashboard(page: Page, live_server: Any, sponsor: Any, program_manager: Any,
                           program_with_history: Any, screenshot: Any) -> None:  # fmt: skip
    w = program_with_history
    log_in(page, live_server.url, sponsor.email)
    page.goto(f"{live_server.url}/programs/{w.program.pk}/")
    section = page.locator("#kpi-values")
    expect(section.get_by_role("link", name="Pairs meet")).to_be_visible()
    expect(section.get_by_text(re.compile(r"On track|At risk|Off track")).first).to_be_visible()
    expect(section.locator("svg[role=img]").first).to_be_attached()
    section.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", name="Enrolment funnel")).to_be_visible()
    funnel = page.locator("section", has=page.get_by_role("heading", name="Enrolment funnel"))
    expect(funnel.get_by_role("row", name=re.compile(r"Active\s+12"))).to_be_visible()
    expect(page.get_by_role("heading", name="Sessions per week")).to_be_visible()
    expect(page.get_by_role("img", name="Sessions held per week")).to_be_attached()
    expect(page.get_by_role("heading", name="Pair health")).to_be_visible()
    html = page.content()
    for m in w.pairs:
        assert m.mentee.last_name not in html and m.mentor.last_name not in html
    assert page.get_by_role("link", name="Pair health").count() == 0  # managers only
    screenshot("insights-sponsor-dashboard")
    page.get_by_role("link", name="Pairs meet").first.click()
    expect(page.get_by_role("heading", name="History against the target")).to_be_visible()
    expect(
        page.get_by_role("img", name=re.compile("over time against its target"))
    ).to_be_attached()

    log_in(page, live_server.url, program_manager.email)
    page.goto(f"{live_server.url}/insights/programs/{w.program.pk}/health/?state=at_risk")
    quiet = w.pairs[-1]
    row = page.get_by_role("row", name=re.compile(quiet.mentee.last_name))
    expect(row.get_by_text("At risk")).to_be_visible()
    expect(row.get_by_text("Fewer sessions held than the agreed cadence")).to_be_visible()
