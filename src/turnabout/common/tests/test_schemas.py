"""The API's text type: stripped, limited by the model, and the NUL rule in the OpenAPI."""

from __future__ import annotations

from typing import Annotated, Any

import pytest
from ninja import Schema
from pydantic import Field, ValidationError

from turnabout.common.errors import ErrorCode, ValidationFailed
from turnabout.common.schemas import NO_NUL_PATTERN, Text, clean_text


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


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("a\x00b", "The note must not contain NUL characters."),
        (7, "The note must be text."),
        ("x" * 6, "The note is too long (at most 5 characters)."),
        ("   ", "The note is required."),
    ],
)
def test_clean_text_refuses_at_the_field_with_a_code(value: object, message: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        clean_text(value, field="note", max_length=5, required=True, label="The note")
    assert (refused.value.code, refused.value.message) == (ErrorCode.VALIDATION_FAILED, message)
    assert refused.value.details == {"field": "note"}


def test_clean_text_strips_like_the_api_type_and_reads_none_as_empty() -> None:
    assert clean_text("  hi \n", field="note", max_length=5) == "hi"
    assert clean_text(None, field="note", max_length=5) == ""
    with pytest.raises(ValidationFailed, match=r"^This field is required\.$"):
        clean_text(None, field="note", max_length=5, required=True)
