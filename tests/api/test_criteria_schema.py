"""The API's criterion type is the engine's registry, not a copy."""

from __future__ import annotations

from turnabout.api import api
from turnabout.matching import CRITERIA


def test_the_openapi_schema_lists_the_registry_criteria() -> None:
    schema = api.get_openapi_schema()
    weights = schema["components"]["schemas"]["MatchRunIn"]["properties"]["weights"]
    found = next(s for s in weights["anyOf"] if s.get("type") == "object")
    assert found["propertyNames"]["enum"] == list(CRITERIA)
