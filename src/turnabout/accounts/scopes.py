"""What an API token may do, on top of what its account may do.

A scope is a rule over API operations: given the HTTP method and the route (the pattern
under `/api/v1/`, e.g. `people/import` or `cohorts/<int:cohort_id>/survey`) it says yes or
no. The account's own permissions still apply afterwards, so a scope only ever narrows.

Adding a scope is one `register_scope` call in the app that owns the operations, e.g.

    register_scope(Scope("read_people", _("Read people"), _("..."),
                         reads=("people",), writes=()))

`reads` and `writes` are route prefixes (`ALL` for every route); `reads` applies to GET,
HEAD and OPTIONS, `writes` to every other method. The names stored on tokens are the keys
of `SCOPES`; a token whose scope is no longer registered is refused everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ALL: Final = ("",)  # the empty prefix matches every route
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Scope:
    name: str
    label: str | Promise
    description: str | Promise
    reads: tuple[str, ...] = ()
    writes: tuple[str, ...] = ()

    def allows(self, method: str, route: str) -> bool:
        prefixes = self.reads if method.upper() in SAFE_METHODS else self.writes
        route = route.lstrip("/")
        return any(
            route == prefix or route.startswith(prefix.rstrip("/") + "/") or prefix == ""
            for prefix in prefixes
        )


SCOPES: dict[str, Scope] = {}


def register_scope(scope: Scope) -> Scope:
    SCOPES[scope.name] = scope
    return scope


READ = register_scope(
    Scope(
        "read",
        _("Read only"),
        _("Every read the account may do; no change of any kind."),
        reads=ALL,
    )
)
IMPORT = register_scope(
    Scope(
        "import",
        _("HR import only"),
        _("Upload the people file (POST /api/v1/people/import) and nothing else."),
        writes=("people/import",),
    )
)
FULL = register_scope(
    Scope(
        "full",
        _("Full"),
        _("Everything the account may do through the API."),
        reads=ALL,
        writes=ALL,
    )
)


def scope_choices() -> list[tuple[str, str]]:
    return [(name, str(scope.label)) for name, scope in SCOPES.items()]


def scope_allows(name: str, method: str, route: str) -> bool:
    scope = SCOPES.get(name)
    return scope is not None and scope.allows(method, route)
