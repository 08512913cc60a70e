"""Domain errors. Services raise them; the API maps them to 4xx JSON, pages to messages."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the business was broken by the request. Never a bug."""

    code = "domain_error"
    status = 400

    def __init__(self, message: str, *, details: object | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class ValidationFailed(DomainError):
    code = "validation_failed"
    status = 422


class PermissionDenied(DomainError):
    code = "permission_denied"
    status = 403


class NotFound(DomainError):
    code = "not_found"
    status = 404


class Conflict(DomainError):
    code = "conflict"
    status = 409


def require(allowed: bool, message: str) -> None:
    """Raise PermissionDenied with `message` unless `allowed`: the services' permission gate."""
    if not allowed:
        raise PermissionDenied(message)
