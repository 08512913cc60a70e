"""Every route of the product, for the tests that walk them all (privacy walk, authorisation
matrix): page URL patterns from Django's resolver and API operations from the OpenAPI schema."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

PARAM = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
API_PARAM = re.compile(r"\{(?:\w+:)?(?P<name>\w+)\}")


@dataclass(frozen=True)
class PageRoute:
    route: str  # "engagement/pairs/<int:mentorship_pk>/", no leading slash
    name: str  # "engagement:pair" (namespace:name), or the route when unnamed

    @property
    def params(self) -> list[str]:
        """The integer parameters (object ids)."""
        return [
            m.group("name") for m in PARAM.finditer(self.route) if m.group("converter") == "int"
        ]

    def fill(self, values: dict[str, object]) -> str:
        """The URL with ids from `values`; a text parameter gets `values[name]` or "x"."""
        return "/" + PARAM.sub(lambda m: str(values.get(m.group("name"), "x")), self.route)


def _walk(
    patterns: Iterable[URLPattern | URLResolver], prefix: str, ns: str
) -> Iterator[PageRoute]:
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            namespace = f"{ns}{entry.namespace}:" if entry.namespace else ns
            yield from _walk(entry.url_patterns, route, namespace)
        else:
            yield PageRoute(route=route, name=f"{ns}{entry.name}" if entry.name else route)


def page_routes() -> list[PageRoute]:
    """Every page route except the REST API (walked through its schema) and the admin
    site's regex routes (walked through its registry)."""
    found = []
    for route in _walk(get_resolver().url_patterns, "", ""):
        if route.route.startswith(("api/", "admin/")):
            continue
        found.append(route)
    return found


@dataclass(frozen=True)
class ApiOperation:
    method: str  # "GET"
    path: str  # "/api/v1/cohorts/{cohort_id}/survey"

    @property
    def params(self) -> list[str]:
        return [m.group("name") for m in API_PARAM.finditer(self.path)]

    def fill(self, values: dict[str, object]) -> str:
        return API_PARAM.sub(lambda m: str(values[m.group("name")]), self.path)

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def api_operations() -> list[ApiOperation]:
    from turnabout.api import api

    schema = api.get_openapi_schema()
    return [
        ApiOperation(method.upper(), path)
        for path, item in schema["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    ]


def fillings(params: list[str], ids: Iterable[int]) -> Iterator[dict[str, object]]:
    """Every assignment of the given ids to the parameters."""
    pool = list(ids)
    for combo in itertools.product(pool, repeat=len(params)):
        yield dict(zip(params, combo, strict=True))
