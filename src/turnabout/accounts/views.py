from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from turnabout.accounts import permissions, scopes, selectors, services
from turnabout.accounts.forms import ME, AuditFilterForm, IntegrationCreateForm, TokenCreateForm
from turnabout.common.errors import DomainError
from turnabout.common.htmx import is_htmx
from turnabout.common.pagination import paginate, query_without_page


def token_list_view(request: HttpRequest) -> HttpResponse:
    """Integrations (service accounts) and the tokens that act as them."""
    if not permissions.is_org_admin(request.user):
        raise PermissionDenied
    integrations = list(selectors.service_account_list(user=request.user))
    issued_secret = None
    form = TokenCreateForm(request.POST or None, integrations=integrations)
    if request.method == "POST" and form.is_valid():
        acts_as = form.cleaned_data["acts_as"]
        owner: AbstractBaseUser = (
            request.user  # type: ignore[assignment]  # the page needs a login
            if acts_as == ME
            else next(a.user for a in integrations if str(a.pk) == acts_as)
        )
        try:
            issued = services.token_create(
                user=owner,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                days=form.cleaned_data["days"],
                acting_user=request.user,
            )
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
        else:
            issued_secret = issued.secret
            form = TokenCreateForm(integrations=integrations)
    return render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "integration_form": IntegrationCreateForm(),
            "integrations": integrations,
            "tokens": selectors.token_list(user=request.user),
            "scopes": scopes.SCOPES,
            "issued_secret": issued_secret,
        },
    )


@require_POST
def integration_create_view(request: HttpRequest) -> HttpResponse:
    if not permissions.is_org_admin(request.user):
        raise PermissionDenied
    form = IntegrationCreateForm(request.POST)
    if form.is_valid():
        try:
            account = services.service_account_create(
                name=form.cleaned_data["name"],
                role=form.cleaned_data["role"],
                acting_user=request.user,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("Integration %(name)s created: issue it a token below.") % {"name": account},
            )
    else:
        messages.error(request, _("Give the integration a name and a role."))
    return redirect("accounts:tokens")


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
