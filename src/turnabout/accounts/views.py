from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from turnabout.accounts import permissions, selectors, services, settings_pages, throttling
from turnabout.accounts.forms import TokenCreateForm


def token_list_view(request: HttpRequest) -> HttpResponse:
    if not permissions.is_org_admin(request.user):
        raise PermissionDenied
    issued_secret = None
    form = TokenCreateForm(request.POST or None, initial={"email": request.user.get_username()})
    if request.method == "POST" and form.is_valid():
        owner = get_user_model().objects.get(username__iexact=form.cleaned_data["email"])
        issued = services.token_create(
            user=owner, name=form.cleaned_data["name"], acting_user=request.user
        )
        issued_secret = issued.secret
        form = TokenCreateForm(initial={"email": request.user.get_username()})
    return render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "tokens": selectors.token_list(user=request.user),
            "issued_secret": issued_secret,
        },
    )


@require_POST
def token_revoke_view(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(selectors.token_list(user=request.user), pk=token_id)
    services.token_revoke(token, acting_user=request.user)
    messages.success(request, _("Token %(name)s revoked.") % {"name": token.name})
    return redirect("accounts:tokens")


def lockout_list_view(request: HttpRequest) -> HttpResponse:
    """Accounts and network addresses locked after too many failed logins (org admins)."""
    if not permissions.is_org_admin(request.user):
        raise PermissionDenied
    return render(
        request,
        "accounts/lockouts.html",
        {
            "lockouts": throttling.lockout_list(user=request.user),
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        },
    )


@require_POST
def lockout_unlock_view(request: HttpRequest) -> HttpResponse:
    if not permissions.is_org_admin(request.user):
        raise PermissionDenied
    kind = request.POST.get("kind", "")
    value = request.POST.get("value", "").strip()
    if kind not in {"account", "address"} or not value:
        messages.error(request, _("Choose an account or an address to unlock."))
        return redirect("accounts:lockouts")
    throttling.login_unlock(kind=kind, value=value, acting_user=request.user)
    messages.success(request, _("%(value)s can log in again.") % {"value": value})
    return redirect("accounts:lockouts")


def settings_view(request: HttpRequest) -> HttpResponse:
    """The org admin's settings hub: sign-in, roles, integrations."""
    if not permissions.is_org_admin(request.user):
        raise PermissionDenied
    sections = [
        {"label": s.label, "url": reverse(s.url_name), "description": s.description}
        for s in settings_pages.settings_sections()
    ]
    return render(request, "accounts/settings.html", {"sections": sections})
