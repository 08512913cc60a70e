"""Building blocks of the API schemas shared by every router."""

from __future__ import annotations

from typing import Annotated, Any

from ninja import Schema
from pydantic import AfterValidator, StringConstraints


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


def text(max_length: int) -> Any:
    """A stripped string without NUL characters (PostgreSQL refuses them)."""
    return Annotated[
        str,
        StringConstraints(strip_whitespace=True, max_length=max_length),
        AfterValidator(_no_nul),
    ]


class ErrorOut(Schema):
    """Every API error: a stable `code` to branch on (see docs/api.md), an English or
    translated `message` for people, and the values a client needs to act (`params`)."""

    code: str
    message: str
    params: dict[str, Any] | None = None
    details: Any = None


ERRORS: dict[int, type[Schema]] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: ErrorOut,
}
