from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from turnabout.accounts import permissions, selectors, services
from turnabout.accounts.forms import AuditFilterForm, TokenCreateForm
from turnabout.common.htmx import is_htmx
from turnabout.common.pagination import paginate, query_without_page


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


def audit_list(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view_audit_log(request.user):
        raise PermissionDenied
    form = AuditFilterForm(
        request.GET or None, events=selectors.audit_events_in_use(user=request.user)
    )
    filters = selectors.AuditFilters()
    if form.is_bound and form.is_valid():
        filters = selectors.AuditFilters(**form.cleaned_data)
    records = selectors.audit_list(user=request.user, filters=filters).select_related("actor")
    page = paginate(request, records)
    template = (
        "accounts/audit_list.html#results" if is_htmx(request) else "accounts/audit_list.html"
    )
    return render(
        request,
        template,
        {"form": form, "page": page, "query": query_without_page(request)},
    )
