"""The one REST API, mounted at /api/v1/ (OpenAPI docs at /api/v1/docs)."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser
from ninja.security import HttpBearer, SessionAuth

from turnabout.accounts.api import router as accounts_router
from turnabout.accounts.scopes import operation_key, required_scope, token_scopes
from turnabout.accounts.selectors import live_token
from turnabout.accounts.throttling import token_rate_check
from turnabout.common import errors
from turnabout.engagement.api import router as engagement_router
from turnabout.enrollment.api import router as enrollment_router
from turnabout.feedback.api import router as feedback_router
from turnabout.insights.api import router as insights_router
from turnabout.integrations.api import router as integrations_router
from turnabout.learning.api import router as learning_router
from turnabout.pairing.api import router as pairing_router
from turnabout.people.api import router as people_router
from turnabout.programs.api import router as programs_router
from turnabout.recognition.api import router as recognition_router


def _route(request: HttpRequest) -> str:
    """The operation's route pattern, e.g. `api/v1/cohorts/<int:cohort_id>/survey`."""
    match = request.resolver_match
    return match.route if match is not None else request.path_info.lstrip("/")


class BearerTokenAuth(HttpBearer):
    """`Authorization: Bearer tbt_…` tokens: live (not revoked or expired), acting as their
    account, and only for the operations their scopes allow: each operation needs the
    scope its row in `accounts/api_scopes.py` names (403 `token_scope` otherwise)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = live_token(token)
        if found is None:
            return None
        method, route = request.method or "GET", _route(request)
        needed = required_scope(method, route)
        if needed is None or needed not in token_scopes(found.scope):
            raise errors.PermissionDenied(
                _("This operation needs a token with the %(required)s scope.")
                % {"required": needed or "?"},
                code=errors.ErrorCode.TOKEN_SCOPE,
                params={
                    "scope": found.scope,
                    "required": needed,
                    "operation": operation_key(method, route),
                },
            )
        token_rate_check(found.pk)  # 429 with Retry-After past the per-token limit
        request.user = found.user
        return found.user


def _docs_access(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The OpenAPI schema and its docs page: for a logged-in browser or a live token."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            header = request.headers.get("Authorization", "")
            scheme, _sep, secret = header.partition(" ")
            token = live_token(secret.strip()) if scheme.lower() == "bearer" else None
            if token is not None:
                request.user = token.user
            elif request.path_info.endswith(".json") or header:
                return JsonResponse(
                    {"code": "unauthenticated", "message": "Log in or send a valid bearer token."},
                    status=401,
                )
            else:
                return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped


class ObjectJSONParser(Parser):
    """Request bodies are JSON objects: an array, a string or a number is refused (400
    `malformed_request`) instead of being read as an empty patch."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = json.loads(request.body)
        if not isinstance(data, dict):
            raise ValueError("The request body must be a JSON object.")
        return data


api = NinjaAPI(
    title="Turnabout API",
    version="1.0.0",
    description=(
        "Reverse mentoring programs: people, programs, cohorts, matching and engagement. "
        "Authenticate with a browser session (send the CSRF token on writes) or with "
        "`Authorization: Bearer <token>` (tokens from `turnabout token create`). Errors are "
        'JSON: `{"code": "...", "message": "..."}`.'
    ),
    auth=[BearerTokenAuth(), SessionAuth()],
    docs_decorator=_docs_access,
    urls_namespace="api",
    parser=ObjectJSONParser(),
)


def _error(
    request: HttpRequest, status: int, code: errors.ErrorCode, message: str, **extra: Any
) -> HttpResponse:
    body = {"code": str(code), "message": message, **extra}
    return api.create_response(request, body, status=status)


@api.exception_handler(errors.DomainError)
def domain_error(request: HttpRequest, exc: errors.DomainError) -> HttpResponse:
    response = api.create_response(request, exc.as_json(), status=exc.status)
    if "retry_after" in exc.params:
        response["Retry-After"] = str(exc.params["retry_after"])
    return response


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(
        request, 401, errors.ErrorCode.UNAUTHENTICATED, "Log in or send a valid bearer token."
    )


@api.exception_handler(ValidationError)
def invalid_input(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return _error(
        request,
        422,
        errors.ErrorCode.INVALID_INPUT,
        "The request is not valid.",
        details=exc.errors,
    )


@api.exception_handler(MultiPartParserError)
def malformed_multipart(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    return _error(
        request,
        400,
        errors.ErrorCode.MALFORMED_REQUEST,
        "The multipart body cannot be read (is the boundary missing?).",
    )


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # ninja raises these for a body it cannot parse (400) and similar request-level faults.
    code = {
        400: errors.ErrorCode.MALFORMED_REQUEST,
        429: errors.ErrorCode.RATE_LIMITED,
    }.get(exc.status_code, errors.ErrorCode.DOMAIN_ERROR)
    return _error(request, exc.status_code, code, str(exc))


api.add_router("/people", people_router)
api.add_router("/", accounts_router)
api.add_router("/", integrations_router)
api.add_router("/", programs_router)
api.add_router("/", enrollment_router)
api.add_router("/", pairing_router)
api.add_router("/", engagement_router)
api.add_router("/", feedback_router)
api.add_router("/", learning_router)
api.add_router("/", recognition_router)
api.add_router("/insights", insights_router)


def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Any /api/v1/ path that names no operation: a JSON 404, never the HTML page."""
    return JsonResponse(
        {"code": str(errors.ErrorCode.NOT_FOUND), "message": "No such API operation."},
        status=404,
    )
