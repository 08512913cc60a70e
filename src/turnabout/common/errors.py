"""Domain errors with stable codes. Services raise them; the API maps them to 4xx JSON, pages
to messages or field errors (after Zulip's `JsonableError`).

A client branches on `code`, never on the English `message`. Every code a client may meet is
a member of `ErrorCode` and is listed with its meaning in `docs/api.md`; a code is never
renamed once released. Raise with the most specific code:

    raise Conflict(_("A run is already in progress."), code=ErrorCode.RUN_IN_PROGRESS)

`params` carries the values a client needs to act (ids, limits), JSON-serialisable.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any, ClassVar


class ErrorCode(StrEnum):
    """Every stable error code of the product. Add new ones; never rename or reuse one."""

    # Generic codes: the default of each error class, for refusals no client branches on.
    DOMAIN_ERROR = "domain_error"
    VALIDATION_FAILED = "validation_failed"
    PERMISSION_DENIED = "permission_denied"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    # Request-level codes written by the API layer.
    UNAUTHENTICATED = "unauthenticated"
    INVALID_INPUT = "invalid_input"
    MALFORMED_REQUEST = "malformed_request"
    RATE_LIMITED = "rate_limited"
    # Codes that already existed before the enum.
    OVERRIDE_REQUIRED = "override_required"
    IMPORT_FILE_INVALID = "import_file_invalid"
    # insights
    KPI_NOT_CUSTOM = "kpi_not_custom"
    KPI_VALUE_IN_FUTURE = "kpi_value_in_future"
    HEALTH_SIGNAL_UNKNOWN = "health_signal_unknown"
    REMATCH_NOT_ACTIVE = "rematch_not_active"
    LESSONS_TOO_LITTLE_DATA = "lessons_too_little_data"
    EXPORT_NOT_ALLOWED = "export_not_allowed"


class DomainError(Exception):
    """A rule of the business was broken by the request. Never a bug."""

    code: ClassVar[ErrorCode] = ErrorCode.DOMAIN_ERROR
    status: ClassVar[int] = 400

    def __init__(
        self,
        message: str,
        *,
        code: ErrorCode | None = None,
        params: Mapping[str, Any] | None = None,
        details: object | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code  # type: ignore[misc]  # instance override of the class default
        self.params: dict[str, Any] = dict(params or {})
        self.details = details
        #: The form field the error belongs to, when a page can show it there.
        self.field = field

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": str(self.code), "message": self.message}
        if self.params:
            body["params"] = self.params
        if self.details is not None:
            body["details"] = self.details
        return body


class ValidationFailed(DomainError):
    code = ErrorCode.VALIDATION_FAILED
    status = 422


class PermissionDenied(DomainError):
    code = ErrorCode.PERMISSION_DENIED
    status = 403


class NotFound(DomainError):
    code = ErrorCode.NOT_FOUND
    status = 404


class Conflict(DomainError):
    code = ErrorCode.CONFLICT
    status = 409


def require(allowed: bool, message: str, *, code: ErrorCode | None = None) -> None:
    """Raise PermissionDenied with `message` unless `allowed`: the services' permission gate."""
    if not allowed:
        raise PermissionDenied(message, code=code)
