"""Keyset links on the large lists (issue 11): Next/Previous carry the boundary row's key,
the page they give is the same as the OFFSET page of that number, its query has no OFFSET,
and a junk cursor falls back to the page number."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from turnabout.common.audit import AuditEvent, audit_record
from turnabout.common.pagination import _decode, _encode

pytestmark = pytest.mark.django_db


def _link(html: str, rel: str) -> str:
    match = re.search(r'href="([^"]+)" rel="' + rel + '"', html)
    assert match, f"no {rel} link"
    return match.group(1).replace("&amp;", "&").split("#")[0]


def _rows(html: str) -> list[str]:
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    return re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)


def test_cursor_round_trips_and_refuses_junk() -> None:
    assert _decode(_encode(["Smith", "Ann", 7])) == ["Smith", "Ann", 7]
    for junk in ("", "!!!", "eyJhIjoxfQ", "x" * 2000):  # invalid, not a list, too long
        assert _decode(junk) is None


def test_audit_log_pages_by_key_and_agree_with_offset(org_admin: Any, client: Any) -> None:
    for n in range(130):  # three pages of 50
        audit_record(actor=org_admin, event=AuditEvent.PEOPLE_IMPORTED, message=f"m{n}")
    client.force_login(org_admin)
    first = client.get("/audit/?event=people.imported").content.decode()
    next_url = _link(first, "next")
    assert "after=" in next_url and "event=people.imported" in next_url

    with CaptureQueriesContext(connection) as captured:
        by_key = client.get(f"/audit/{next_url}").content.decode()
    listing = [
        q["sql"] for q in captured if "common_auditrecord" in q["sql"] and "LIMIT" in q["sql"]
    ]
    assert listing and not any("OFFSET" in sql for sql in listing)
    by_offset = client.get("/audit/?event=people.imported&page=2").content.decode()
    assert _rows(by_key) == _rows(by_offset) and len(_rows(by_key)) == 50
    assert "Page 2 of 3" in by_key

    third = client.get(f"/audit/{_link(by_key, 'next')}").content.decode()
    assert len(_rows(third)) == 30 and "Page 3 of 3" in third
    back = client.get(f"/audit/{_link(third, 'prev')}").content.decode()
    assert "before=" in _link(third, "prev")
    assert _rows(back) == _rows(by_offset)

    junk = client.get("/audit/?event=people.imported&page=2&after=junk").content.decode()
    assert _rows(junk) == _rows(by_offset)


def test_people_list_pages_by_key(org_admin: Any, make_employee: Any, client: Any) -> None:
    for n in range(60):
        make_employee(last_name="Same", first_name=f"N{n % 3}")  # ties: the id decides
    client.force_login(org_admin)
    first = client.get("/people/?q=Same").content.decode()
    second = client.get(f"/people/{_link(first, 'next')}").content.decode()
    by_offset = client.get("/people/?q=Same&page=2").content.decode()
    assert _rows(second) == _rows(by_offset) and len(_rows(second)) == 10
    assert not set(_rows(first)) & set(_rows(second))


def test_application_review_pages_by_key(build_cohort: Any, client: Any) -> None:
    setup = build_cohort(mentors=30, mentees=30)
    client.force_login(setup.manager)
    url = reverse("enrollment:review", args=[setup.cohort.pk])
    first = client.get(url).content.decode()
    next_url = _link(first, "next")
    assert "after=" in next_url
    second = client.get(f"{url}{next_url}").content.decode()
    by_offset = client.get(f"{url}?page=2").content.decode()
    assert _rows(second) == _rows(by_offset) and _rows(second)
