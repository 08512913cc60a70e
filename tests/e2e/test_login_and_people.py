from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_org(transactional_db):
    from turnabout.demo.people import DEMO_LOGINS, demo_build

    demo_build()
    return {login.role: login for login in DEMO_LOGINS}


def log_in(page: Page, base_url: str, email: str, password: str) -> None:
    page.goto(f"{base_url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_demo_admin_logs_in_and_sees_the_people_list(page: Page, live_server, demo_org, screenshot):
    admin = next(login for login in demo_org.values() if login.email.startswith("admin"))
    log_in(page, live_server.url, admin.email, admin.password)
    expect(page.get_by_role("heading", name=re.compile("Hello"))).to_be_visible()
    screenshot("home-admin")

    page.get_by_role("link", name="People", exact=True).click()
    expect(page.get_by_role("heading", name="People", exact=True)).to_be_visible()
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(50)
    expect(page.get_by_text(re.compile(r"\d{3} people"))).to_be_visible()
    screenshot("people-list")

    count = page.locator("#results > p.help")
    everyone = count.inner_text()
    page.get_by_label("Level from").fill("9")
    page.get_by_role("button", name="Filter").click()
    expect(count).not_to_have_text(everyone)  # htmx has swapped in the filtered rows
    levels = page.locator("#results tbody td.num").all_inner_texts()
    assert levels and all(int(level) >= 9 for level in levels)

    page.locator("#results tbody a").first.click()
    expect(page.get_by_role("heading", name="Reporting line")).to_be_visible()
    screenshot("person-detail")


def test_participant_is_kept_out_of_the_people_list(page: Page, live_server, demo_org):
    participant = next(
        login
        for login in demo_org.values()
        if "mentor" in login.role.lower() and "manager" not in login.role.lower()
    )
    log_in(page, live_server.url, participant.email, participant.password)
    expect(page.get_by_role("heading", name="Your profile")).to_be_visible()
    expect(page.get_by_role("link", name="People", exact=True)).to_have_count(0)
    response = page.goto(f"{live_server.url}/people/")
    assert response is not None and response.status == 403
