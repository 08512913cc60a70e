"""Page-number pagination for the pages, with keyset ("seek") links for the large lists.

A plain page N costs an `OFFSET (N-1) * per_page` scan: on the audit log or the people list
of a large company, deep pages get slower the deeper they are. Lists ordered by a unique
key pass `keys=` and their Next/Previous links then carry the last (first) row's key as
`after=` (`before=`): the next page is `WHERE key > last ORDER BY key LIMIT per_page`, one
index range scan at any depth. The page number stays in the link so the page still says
"Page 7 of 210"; a jump by number (or a junk cursor) falls back to OFFSET.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, QueryDict

PAGE_SIZE = 50
CURSOR_MAX = 1_000  # characters: a cursor is a few short values


def paginate(
    request: HttpRequest,
    items: Any,
    *,
    per_page: int = PAGE_SIZE,
    param: str = "page",
    keys: Sequence[str] | None = None,
) -> Page[Any]:
    """The requested page; out-of-range or junk page numbers give the nearest real page.

    `param` names the page parameter (several lists on one page each have their own);
    `keys` (a unique ordering such as `("-created_at", "-pk")`, the queryset ordered by
    it) turns on keyset links. The page gets `next_url` / `previous_url` for the
    pagination partial.
    """
    paginator = Paginator(items, per_page)
    page: Page[Any] | None = None
    if keys is not None and isinstance(items, QuerySet):
        page = _keyset_page(request, items, paginator, keys=keys, param=param)
    if page is None:
        page = paginator.get_page(request.GET.get(param))
    _attach_links(request, page, param=param, keys=keys)
    return page


def query_without_page(request: HttpRequest, *params: str) -> str:
    """The current query string without the page parameters (and keyset cursors)."""
    query = request.GET.copy()
    for name in (*(params or ("page",)), "after", "before"):
        query.pop(name, None)
    return query.urlencode()


# --- keyset ---------------------------------------------------------------------------


def _encode(values: list[Any]) -> str:
    plain = [v.isoformat() if isinstance(v, date | datetime) else v for v in values]
    raw = json.dumps(plain, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(token: str) -> list[Any] | None:
    if not token or len(token) > CURSOR_MAX:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        values = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    if not isinstance(values, list) or not all(
        v is None or isinstance(v, str | int | float | bool) for v in values
    ):
        return None
    return values


def _value(row: Any, key: str) -> Any:
    value = row
    for part in key.lstrip("-").split("__"):
        value = getattr(value, part)
    return value


def _seek(keys: Sequence[str], values: list[Any], *, forward: bool) -> Q:
    """Rows strictly after (forward) or before the given key values, lexicographically."""
    condition = Q()
    equal = Q()
    for key, value in zip(keys, values, strict=True):
        name = key.lstrip("-")
        descending = key.startswith("-")
        op = "gt" if forward != descending else "lt"
        condition |= equal & Q(**{f"{name}__{op}": value})
        equal &= Q(**{name: value})
    return condition


def _keyset_page(
    request: HttpRequest,
    items: QuerySet[Any],
    paginator: Paginator[Any],
    *,
    keys: Sequence[str],
    param: str,
) -> Page[Any] | None:
    after, before = request.GET.get("after", ""), request.GET.get("before", "")
    token, forward = (after, True) if after else (before, False)
    values = _decode(token)
    if values is None or len(values) != len(keys):
        return None
    try:
        number = int(request.GET.get(param, ""))
    except ValueError:
        return None
    number = max(1, min(number, paginator.num_pages))
    ordered = items.order_by(*keys) if forward else items.order_by(*[_flip(k) for k in keys])
    try:
        rows = list(ordered.filter(_seek(keys, values, forward=forward))[: paginator.per_page])
    except (ValidationError, ValueError, TypeError):
        return None
    if not forward:
        rows.reverse()
    if not rows:
        return None
    return Page(rows, number, paginator)


def _flip(key: str) -> str:
    return key[1:] if key.startswith("-") else f"-{key}"


def _attach_links(
    request: HttpRequest, page: Page[Any], *, param: str, keys: Sequence[str] | None
) -> None:
    base = request.GET.copy()
    for name in (param, "after", "before"):
        base.pop(name, None)
    rows = list(page.object_list)

    def url(number: int, cursor: tuple[str, str] | None) -> str:
        query: QueryDict = base.copy()
        query[param] = str(number)
        if cursor is not None:
            query[cursor[0]] = cursor[1]
        return "?" + query.urlencode()

    next_url = previous_url = ""
    if page.has_next():
        cursor = ("after", _encode([_value(rows[-1], k) for k in keys])) if keys and rows else None
        next_url = url(page.next_page_number(), cursor)
    if page.has_previous():
        cursor = ("before", _encode([_value(rows[0], k) for k in keys])) if keys and rows else None
        previous_url = url(page.previous_page_number(), cursor)
    page.next_url = next_url  # type: ignore[attr-defined]
    page.previous_url = previous_url  # type: ignore[attr-defined]
