"""Small helpers the test suites share (imported by tests only)."""

from __future__ import annotations

from typing import Any


def api_error(response: Any) -> tuple[int, str | None]:
    """`(status, code)` of an API answer, so a test states both in one comparison:

    assert api_error(client.post(url)) == (409, "run_in_progress")
    """
    try:
        body = response.json()
    except ValueError:
        return response.status_code, None
    return response.status_code, body.get("code") if isinstance(body, dict) else None
