from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from turnabout.common import csp, errors


class DomainErrorMiddleware:
    """Pages: a domain error that escapes a view becomes its 4xx page, never a 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, errors.PermissionDenied):
            raise DjangoPermissionDenied(exception.message) from exception
        if isinstance(exception, errors.NotFound):
            raise Http404(exception.message) from exception
        if isinstance(exception, errors.DomainError):
            return render(
                request,
                "error.html",
                {"status": exception.status, "message": exception.message},
                status=exception.status,
            )
        return None


class FriendlyErrorPagesMiddleware:
    """The product's own 404 and 500 pages even when DEBUG is on (as `make run` sets it).

    Django's technical pages list every route and show settings: useful to a developer who
    asks for them with `TURNABOUT_DEBUG_PAGES=1`, confusing and revealing to anyone else.
    API paths keep their JSON answers.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not settings.DEBUG or getattr(settings, "TURNABOUT_DEBUG_PAGES", False):
            return response
        if request.path.startswith("/api/") or response.status_code not in (404, 500):
            return response
        if not response.get("Content-Type", "").startswith("text/html"):
            return response
        if response.status_code == 404:
            return render(request, "404.html", status=404)
        return render(request, "500.html", status=500)


class SecurityHeadersMiddleware:
    """Headers Django has no setting for (Permissions-Policy), and the CSP nonce of the
    request filled into the `<style>` elements of server-rendered charts (`common.csp`)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", csp.PERMISSIONS_POLICY)
        if (
            not response.streaming
            and response.get("Content-Type", "").startswith("text/html")
            and csp.NONCE_PLACEHOLDER.encode() in response.content
        ):
            nonce = str(getattr(request, "csp_nonce", ""))
            response.content = response.content.replace(
                csp.NONCE_PLACEHOLDER.encode(), nonce.encode()
            )
        return response
