"""Browser harness: Playwright drives Debian's Chromium (no `playwright install`).

Without /usr/bin/chromium the browser tests are skipped with a loud message on a
newcomer's machine, and fail under CI=true, where a missing browser is a broken setup.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

CHROMIUM = os.environ.get("TURNABOUT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def _chromium_available() -> bool:
    return Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is not None


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if _chromium_available():
        return
    message = f"Chromium not found at {CHROMIUM}: install it with `apt-get install chromium`."
    if os.environ.get("CI", "").lower() == "true":
        raise pytest.UsageError(f"CI=true and {message}")
    banner = "!" * 78
    sys.stderr.write(f"\n{banner}\nSKIPPING BROWSER TESTS. {message}\n{banner}\n")
    for item in items:
        if "e2e" in str(item.fspath):
            item.add_marker(pytest.mark.skip(reason=message))


@pytest.fixture
def screenshot(page: Any) -> Any:
    """Save a full-page screenshot under var/screenshots/NAME.png (for people to look at)."""

    def take(name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


PASSWORD = "correct-horse-42"
"""The password the browser tests give the accounts they create."""


def log_in(page: Page, base_url: str, email: str, password: str = PASSWORD) -> None:
    """Sign in from a clean session and wait for the home page."""
    page.context.clear_cookies()
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name=re.compile("Hello"))).to_be_visible()


def pick(page: Page, label: str, search: str, *, within: Any = None) -> None:
    """Choose an option in a searchable picker by keyboard: type to filter, then Enter."""
    box = (within or page).get_by_role("combobox", name=label)
    box.click()
    box.press_sequentially(search)
    expect(page.locator(".ts-dropdown .option.active").first).to_be_visible()
    box.press("Enter")
    box.press("Escape")


def confirm(page: Page, button: str) -> None:
    """Answer the page's confirmation dialog with its confirming button."""
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name=button, exact=True).click()
