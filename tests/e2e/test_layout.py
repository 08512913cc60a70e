"""Every page type of every role fits the screen and passes axe-core, on the demo's data.

The pages are found the way a person finds them: from the navigation and the links on the
pages it leads to, one page per *type* (the path with its numbers replaced), so new pages
are covered as soon as something links to them. For each page:

- at 390 px (a phone), 768 px (a tablet), 1280 px and 1440 px the document is never wider
  than the viewport;
- at 1024 px and up the navigation takes one line per link (the sidebar never wraps);
- axe-core finds no serious or critical violation (at 1280 px).

`make screenshots` runs this file with TURNABOUT_SCREENSHOTS=1 and writes a full-page PNG of
every page type per role, at each width, into var/screenshots/layout/.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlparse

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from playwright.sync_api import Page

from tests.e2e.conftest import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "turnabout-demo"
ROLES = {
    "admin": "admin@northwind-lumen.example",
    "manager": "programs@northwind-lumen.example",
    "sponsor": "sponsor@northwind-lumen.example",
    "mentor": "mentor@northwind-lumen.example",
    "mentee": "mentee@northwind-lumen.example",
}
PAGES_PER_ROLE = 18
NARROW, TABLET, WIDE, WIDEST = 390, 768, 1280, 1440
SKIP = re.compile(
    r"^/(admin|api|static|accounts/logout)|\.(ics|csv|xlsx|pdf|svg|png)$|/(export|download)"
)
SAVE = os.environ.get("TURNABOUT_SCREENSHOTS") == "1"


def _page_type(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def _log_in(page: Page, base: str, email: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.locator("input[name=username], input[name=login]").first.fill(email)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("main button[type=submit]").first.click()
    page.wait_for_load_state()


def _links(page: Page, base: str) -> list[str]:
    hrefs: list[str] = page.eval_on_selector_all(
        "nav a[href], main a[href]", "links => links.map(a => a.getAttribute('href'))"
    )
    paths = []
    for href in hrefs:
        parsed = urlparse(href)
        if parsed.netloc and f"{parsed.scheme}://{parsed.netloc}" != base:
            continue
        if not parsed.path.startswith("/") or SKIP.search(parsed.path):
            continue
        paths.append(parsed.path + (f"?{parsed.query}" if parsed.query else ""))
    return paths


def _crawl(page: Page, base: str) -> Iterator[str]:
    """Page paths of distinct types, breadth first from the home page."""
    seen_types: set[str] = set()
    queue = ["/"]
    found = 0
    while queue and found < PAGES_PER_ROLE:
        path = queue.pop(0)
        kind = _page_type(path.split("?")[0])
        if kind in seen_types:
            continue
        seen_types.add(kind)
        response = page.goto(base + path)
        if response is None or response.status != 200:
            continue
        found += 1
        yield path
        queue.extend(_links(page, base))


def _overflow(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


def _wrapped_nav_links(page: Page) -> list[str]:
    """Navigation links taller than one line of their text."""
    wrapped: list[str] = page.eval_on_selector_all(
        "nav[aria-label] a",
        """links => links.filter(a => {
            const style = getComputedStyle(a);
            const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.5;
            const padding = parseFloat(style.paddingTop) + parseFloat(style.paddingBottom);
            return a.getBoundingClientRect().height - padding > line * 1.5;
        }).map(a => a.textContent.trim())""",
    )
    return wrapped


@pytest.fixture
def demo(transactional_db: Any) -> None:
    call_command("demo", verbosity=0)


def test_every_page_type_fits_every_screen_and_passes_axe(
    demo: None, page: Page, live_server: Any
) -> None:
    base = live_server.url
    axe = Axe()
    problems: list[str] = []
    visited: dict[str, list[str]] = {}
    for role, email in ROLES.items():
        page.set_viewport_size({"width": WIDE, "height": 900})
        _log_in(page, base, email)
        paths = list(_crawl(page, base))
        visited[role] = paths
        for path in paths:
            for width in (WIDE, WIDEST, TABLET, NARROW):
                page.set_viewport_size({"width": width, "height": 900})
                page.goto(base + path)
                if (extra := _overflow(page)) > 0:
                    problems.append(f"{role} {path} at {width}px: {extra}px wider than the screen")
                if width == WIDE:
                    if wrapped := _wrapped_nav_links(page):
                        problems.append(f"{role} {path}: navigation wraps: {wrapped}")
                    result = axe.run(page)
                    for violation in result.response["violations"]:
                        if violation["impact"] in ("serious", "critical"):
                            targets = [node["target"] for node in violation["nodes"][:3]]
                            problems.append(
                                f"{role} {path}: axe {violation['id']} ({violation['impact']}) "
                                f"at {targets}"
                            )
                if SAVE:
                    folder = SCREENSHOTS / "layout" / role
                    folder.mkdir(parents=True, exist_ok=True)
                    name = _page_type(path).strip("/").replace("/", "_") or "home"
                    page.screenshot(path=str(folder / f"{name}_{width}.png"), full_page=True)
    # The crawl reached real pages for every role, not just the home page.
    for role, paths in visited.items():
        assert len(paths) >= 3, f"{role} reached only {paths}"
    assert problems == []


@pytest.mark.parametrize("width", [1024, 1366, 1440])
def test_the_admin_navigation_is_one_line_per_link_from_1024_px(
    demo: None, page: Page, live_server: Any, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    _log_in(page, live_server.url, ROLES["admin"])
    assert page.locator("nav[aria-label] a").count() >= 6
    assert page.locator(".menu-button").is_hidden()
    assert _wrapped_nav_links(page) == []
    assert _overflow(page) <= 0


def test_on_a_phone_the_menu_button_opens_the_navigation(
    demo: None, page: Page, live_server: Any
) -> None:
    page.set_viewport_size({"width": NARROW, "height": 800})
    _log_in(page, live_server.url, ROLES["mentee"])
    menu = page.locator("#site-menu")
    button = page.get_by_role("button", name="Menu")
    assert menu.is_hidden()
    button.click()
    assert menu.is_visible()
    assert button.get_attribute("aria-expanded") == "true"
    page.keyboard.press("Escape")
    assert menu.is_hidden()
