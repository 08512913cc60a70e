"""What an API token may do, on top of what its account may do.

A token holds one or more scopes (stored as names separated by spaces). Each API operation
needs exactly one scope, named in `accounts/api_scopes.py` (`OPERATIONS`, keyed like the
OpenAPI schema, "METHOD /api/v1/path"); a token without it gets 403 `token_scope`, and an
operation missing from the table is refused to every token (a test keeps the table whole).
The account's own permissions still apply afterwards, so a scope only ever narrows.

The scopes:
- `read_people`: read people (and one's own notification choices);
- `write_people`: the HR import and one's own notification choices;
- `read_programs`: read programs, cohorts, applications, pairs, sessions, surveys, training;
- `manage_programs`: every other write, and programs as code (export and apply);
- `read_insights`: dashboards, KPIs, survey results, exports: the aggregates.

The scopes of the first tokens (`read`, `import`, `full`) are presets, expanded when a
token is checked, so tokens issued before keep working unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

READ_PEOPLE = "read_people"
WRITE_PEOPLE = "write_people"
READ_PROGRAMS = "read_programs"
MANAGE_PROGRAMS = "manage_programs"
READ_INSIGHTS = "read_insights"


@dataclass(frozen=True)
class Scope:
    name: str
    label: str | Promise
    description: str | Promise


@dataclass(frozen=True)
class Preset:
    name: str
    label: str | Promise
    description: str | Promise
    scopes: frozenset[str]


SCOPES: dict[str, Scope] = {
    s.name: s
    for s in (
        Scope(READ_PEOPLE, _("Read people"), _("People, their badges; one's own choices.")),
        Scope(
            WRITE_PEOPLE,
            _("Write people / import"),
            _("The HR import (POST /api/v1/people/import); one's own notification choices."),
        ),
        Scope(
            READ_PROGRAMS,
            _("Read programs"),
            _("Programs, cohorts, applications, pairs, sessions, surveys and training."),
        ),
        Scope(
            MANAGE_PROGRAMS,
            _("Manage programs"),
            _("Every other change, and programs as code (export and apply)."),
        ),
        Scope(
            READ_INSIGHTS,
            _("Read insights"),
            _("Dashboards, KPIs, survey results and exports (aggregates)."),
        ),
    )
}

PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset(
            "read",
            _("Read only"),
            _("Every read the account may do; no change of any kind."),
            frozenset({READ_PEOPLE, READ_PROGRAMS, READ_INSIGHTS}),
        ),
        Preset(
            "import",
            _("HR import only"),
            _("Upload the people file and nothing else."),
            frozenset({WRITE_PEOPLE}),
        ),
        Preset(
            "full",
            _("Full"),
            _("Everything the account may do through the API."),
            frozenset(SCOPES),
        ),
    )
}


def token_scopes(value: str) -> frozenset[str]:
    """The scopes a token's stored value grants (presets expanded, unknown names ignored)."""
    granted: set[str] = set()
    for name in value.split():
        if name in PRESETS:
            granted |= PRESETS[name].scopes
        elif name in SCOPES:
            granted.add(name)
    return frozenset(granted)


def scope_value(names: list[str] | tuple[str, ...] | set[str] | frozenset[str]) -> str:
    """What to store for these scope or preset names: a preset when one matches exactly."""
    wanted = token_scopes(" ".join(names))
    for preset in PRESETS.values():
        if preset.scopes == wanted:
            return preset.name
    return " ".join(name for name in SCOPES if name in wanted)


def is_valid(value: str) -> bool:
    names = value.split()
    return bool(names) and all(name in SCOPES or name in PRESETS for name in names)


def scope_choices() -> list[tuple[str, str]]:
    return [(name, str(scope.label)) for name, scope in SCOPES.items()]


def scope_labels(value: str) -> list[str]:
    """The labels of a token's scopes, for the token page."""
    granted = token_scopes(value)
    return [str(scope.label) for name, scope in SCOPES.items() if name in granted]


_PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")


def operation_key(method: str, route: str) -> str:
    """ "GET /api/v1/people/{person_id}" from a method and a Django route pattern."""
    method = "GET" if method.upper() == "HEAD" else method.upper()
    path = _PARAMETER.sub(r"{\1}", route.lstrip("/"))
    return f"{method} /{path}"


def required_scope(method: str, route: str) -> str | None:
    """The scope an operation needs (None: not in the table, so no token may call it)."""
    from turnabout.accounts.api_scopes import OPERATIONS

    return OPERATIONS.get(operation_key(method, route))


def scope_allows(value: str, method: str, route: str) -> bool:
    needed = required_scope(method, route)
    return needed is not None and needed in token_scopes(value)
