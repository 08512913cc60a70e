"""The API's text type: stripped, limited by the model, and the NUL rule in the OpenAPI."""

from __future__ import annotations

from typing import Annotated, Any

import pytest
from ninja import Schema
from pydantic import Field, ValidationError

from turnabout.common.schemas import NO_NUL_PATTERN, Text


class _Example(Schema):
    name: Annotated[Text, Field(max_length=5)]


def test_text_strips_limits_and_refuses_nul():
    assert _Example(name="  abcde  ").name == "abcde"
    with pytest.raises(ValidationError, match="NUL"):
        _Example(name="a\x00b")
    with pytest.raises(ValidationError, match="too_long"):
        _Example(name="abcdef")


def _string_schemas(node: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        if node.get("type") == "string" and "maxLength" in node:
            found.append(node)
        for value in node.values():
            found.extend(_string_schemas(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(_string_schemas(value))
    return found


@pytest.mark.django_db
def test_every_limited_string_of_the_openapi_states_the_nul_rule(client, org_admin):
    client.force_login(org_admin)
    spec = client.get("/api/v1/openapi.json").json()
    strings = _string_schemas(spec)
    assert len(strings) > 50
    missing = [s for s in strings if s.get("pattern") != NO_NUL_PATTERN]
    assert missing == []
