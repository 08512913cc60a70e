"""The error contract of the API: every code is documented, every error has one shape."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from turnabout.common.errors import ErrorCode
from turnabout.common.testing import api_error

API_DOC = Path(__file__).resolve().parents[4] / "docs" / "api.md"


def _documented_codes() -> dict[str, int]:
    rows = re.findall(r"^\| `([a-z_]+)` \| (\d{3}) \|", API_DOC.read_text(), flags=re.M)
    return {code: int(status) for code, status in rows}


def test_every_error_code_is_listed_once_in_the_api_doc():
    documented = _documented_codes()
    assert sorted(documented) == sorted(code.value for code in ErrorCode)
    table_rows = re.findall(r"^\| `([a-z_]+)` \|", API_DOC.read_text(), flags=re.M)
    assert len(table_rows) == len(set(table_rows)), "a code is listed twice"


def test_codes_are_snake_case_and_unique():
    values = [code.value for code in ErrorCode]
    assert len(values) == len(set(values))
    assert all(re.fullmatch(r"[a-z]+(_[a-z]+)*", value) for value in values)


@pytest.mark.django_db
def test_an_unparsable_body_is_a_400_with_its_code(client, org_admin):
    client.force_login(org_admin)
    response = client.post("/api/v1/programs", "{not json", content_type="application/json")
    assert api_error(response) == (400, "malformed_request")
    assert set(response.json()) == {"code", "message"}
