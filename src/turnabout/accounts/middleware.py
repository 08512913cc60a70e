from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseBase

from turnabout.accounts import permissions


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Every page needs a login, except the ones marked `login_not_required`.

    The REST API answers 401 itself (session or bearer token), so it is left to django-ninja.
    """

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponseBase | None:
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


LOGIN_AT = "_turnabout_login_at"
SEEN_AT = "_turnabout_seen_at"
SEEN_RESOLUTION = 60  # seconds: the session is written at most once a minute for this


class SessionLifetimeMiddleware:
    """End a session 12 hours after the login (absolute lifetime), and after 30 idle minutes
    for org admins and program managers; both configurable in the settings
    (`TURNABOUT_SESSION_ABSOLUTE_MINUTES`, `TURNABOUT_SESSION_IDLE_MINUTES_PRIVILEGED`)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.user.is_authenticated and hasattr(request, "session"):
            self._check(request)
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> None:
        session = request.session
        now = int(time.time())
        login_at = session.get(LOGIN_AT)
        if login_at is None:
            session[LOGIN_AT] = login_at = now
        absolute = int(settings.TURNABOUT_SESSION_ABSOLUTE_MINUTES) * 60
        idle = int(settings.TURNABOUT_SESSION_IDLE_MINUTES_PRIVILEGED) * 60
        seen_at = int(session.get(SEEN_AT, now))
        privileged = permissions.is_org_admin(request.user) or permissions.is_program_manager(
            request.user
        )
        if now - int(login_at) > absolute or (privileged and idle and now - seen_at > idle):
            logout(request)  # flushes the session; the next page asks for a login
            return
        if now - seen_at >= SEEN_RESOLUTION or SEEN_AT not in session:
            session[SEEN_AT] = now


@receiver(user_logged_in)
def _remember_login_time(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[LOGIN_AT] = now
        request.session[SEEN_AT] = now


SSO_LOGIN_PATHS = ("/accounts/oidc/", "/accounts/saml/")


class SsoFormActionMiddleware:
    """Let the single sign-on pages send the browser on to the identity provider.

    The Content-Security-Policy allows forms to post only to this site (`form-action
    'self'`), and browsers apply that to the redirect after the post too, so the "Continue"
    of an SSO sign-in could never reach the company's identity provider, whose address an org
    admin configures. On those pages alone, forms may lead to any web address; every other
    page keeps `form-action 'self'`.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(SSO_LOGIN_PATHS):
            response._csp_update = {"form-action": ["https:", "http:"]}  # type: ignore[attr-defined]
        return response
