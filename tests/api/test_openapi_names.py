"""Every schema of the API has its own name: the OpenAPI components are keyed by class name,
so two schemas called alike would make one operation document the other's shape."""

from __future__ import annotations

from ninja import Schema

from turnabout.api import api


def _subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub} | _subclasses(sub)
    return found


def test_no_two_api_schemas_share_a_name():
    api.get_openapi_schema()  # every router imported
    ours = [c for c in _subclasses(Schema) if c.__module__.startswith("turnabout.")]
    by_name: dict[str, list[str]] = {}
    for cls in ours:
        by_name.setdefault(cls.__name__, []).append(f"{cls.__module__}.{cls.__qualname__}")
    assert {name: where for name, where in by_name.items() if len(where) > 1} == {}
