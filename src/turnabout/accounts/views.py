from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from turnabout.accounts import (
    forms,
    permissions,
    scopes,
    selectors,
    services,
    settings_pages,
    sso_services,
    throttling,
)
from turnabout.accounts.forms import (
    ME,
    IntegrationCreateForm,
    NotificationsForm,
    TokenCreateForm,
)
from turnabout.accounts.models import Role
from turnabout.accounts.sso_settings import sso_settings_get
from turnabout.common import errors
from turnabout.common.errors import DomainError
from turnabout.common.htmx import is_htmx
from turnabout.common.pages import act
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


def sso_view(request: HttpRequest) -> HttpResponse:
    """Identity providers and the SSO-only policy (org admins)."""
    if not permissions.is_org_admin(request.user):
        raise PermissionDenied
    from allauth.socialaccount.models import SocialApp

    current = sso_settings_get()
    oidc_form = forms.OidcProviderForm(prefix="oidc")
    saml_form = forms.SamlProviderForm(prefix="saml")
    policy_form = forms.SsoPolicyForm(
        prefix="policy",
        initial={"sso_only": current.sso_only, "break_glass_user": current.break_glass_user},
    )
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "oidc":
                oidc_form = forms.OidcProviderForm(request.POST, prefix="oidc")
                if oidc_form.is_valid():
                    sso_services.sso_oidc_provider_save(
                        acting_user=request.user, **oidc_form.cleaned_data
                    )
                    messages.success(request, _("Identity provider added."))
                    return redirect("accounts:sso")
            elif action == "saml":
                saml_form = forms.SamlProviderForm(request.POST, prefix="saml")
                if saml_form.is_valid():
                    sso_services.sso_saml_provider_save(
                        acting_user=request.user, **saml_form.cleaned_data
                    )
                    messages.success(request, _("Identity provider added."))
                    return redirect("accounts:sso")
            elif action == "policy":
                policy_form = forms.SsoPolicyForm(request.POST, prefix="policy")
                if policy_form.is_valid():
                    sso_services.sso_settings_update(
                        acting_user=request.user, **policy_form.cleaned_data
                    )
                    messages.success(request, _("Sign-in policy saved."))
                    return redirect("accounts:sso")
            elif action == "delete":
                app = get_object_or_404(SocialApp, pk=request.POST.get("app_id"))
                sso_services.sso_provider_delete(app, acting_user=request.user)
                messages.success(request, _("Identity provider removed."))
                return redirect("accounts:sso")
        except errors.ValidationFailed as exc:
            target = {"oidc": oidc_form, "saml": saml_form, "policy": policy_form}.get(str(action))
            if target is not None and exc.field in target.fields:
                target.add_error(exc.field, exc.message)
            else:
                messages.error(request, exc.message)
    env_apps = [
        {"name": app.get("name"), "slug": app.get("provider_id"), "kind": kind}
        for kind, config in settings.SOCIALACCOUNT_PROVIDERS.items()
        for app in config.get("APPS", [])
    ]
    db_apps = list(SocialApp.objects.order_by("name"))
    for app in db_apps:
        if app.provider == "saml":
            app.sp_urls = {
                "acs": request.build_absolute_uri(
                    reverse("saml_acs", kwargs={"organization_slug": app.client_id})
                ),
                "metadata": request.build_absolute_uri(
                    reverse("saml_metadata", kwargs={"organization_slug": app.client_id})
                ),
            }
        else:
            app.callback = request.build_absolute_uri(
                reverse("openid_connect_callback", kwargs={"provider_id": app.provider_id})
            )
    return render(
        request,
        "accounts/sso.html",
        {
            "env_apps": env_apps,
            "db_apps": db_apps,
            "oidc_form": oidc_form,
            "saml_form": saml_form,
            "policy_form": policy_form,
            "current": current,
        },
    )


def _safe_next(request: HttpRequest, default: str) -> str:
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def roles_view(request: HttpRequest) -> HttpResponse:
    """Who holds org admin, program manager and sponsor; grant by email, revoke (org admins)."""
    if not permissions.can_manage_roles(request.user):
        raise PermissionDenied
    form = forms.RoleGrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = get_user_model().objects.get(email__iexact=form.cleaned_data["email"])
        role = Role(form.cleaned_data["role"])
        return act(
            request,
            lambda: services.role_grant(user, role, acting_user=request.user),
            success=_("%(email)s is now %(role)s.") % {"email": user.email, "role": role.label},
            then=reverse("accounts:roles"),
        )
    return render(
        request,
        "accounts/roles.html",
        {
            "form": form,
            "role_lists": [
                (Role(role), holders)
                for role, holders in selectors.role_holders(user=request.user).items()
            ],
        },
    )


def _posted_role(request: HttpRequest) -> Role:
    """The role a grant or revoke form names; an unknown one is a bad request, not a 500."""
    value = request.POST.get("role", "")
    if value not in Role.values:
        raise SuspiciousOperation(f"unknown role {value[:40]!r}")
    return Role(value)


@require_POST
def role_grant_view(request: HttpRequest, user_id: int) -> HttpResponse:
    if not permissions.can_manage_roles(request.user):
        raise PermissionDenied
    user = get_object_or_404(get_user_model(), pk=user_id, is_active=True)
    role = _posted_role(request)
    return act(
        request,
        lambda: services.role_grant(user, role, acting_user=request.user),
        success=_("%(email)s is now %(role)s.") % {"email": user.email, "role": role.label},
        then=_safe_next(request, reverse("accounts:roles")),
    )


@require_POST
def role_revoke_view(request: HttpRequest, user_id: int) -> HttpResponse:
    if not permissions.can_manage_roles(request.user):
        raise PermissionDenied
    user = get_object_or_404(get_user_model(), pk=user_id)
    role = _posted_role(request)
    return act(
        request,
        lambda: services.role_revoke(user, role, acting_user=request.user),
        success=_("%(email)s is no longer %(role)s.") % {"email": user.email, "role": role.label},
        then=_safe_next(request, reverse("accounts:roles")),
    )


def audit_list(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view_audit_log(request.user):
        raise PermissionDenied
    audit = selectors.audit_filter(user=request.user, filters=request.GET)
    form = audit.form
    page = paginate(request, audit.filtered.select_related("actor"), keys=selectors.AUDIT_ORDER)
    template = "_filtered_list.html#results" if is_htmx(request) else "accounts/audit_list.html"
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "query": query_without_page(request),
            "table": "accounts/_audit_table.html",
        },
    )


def notifications_view(request: HttpRequest) -> HttpResponse:
    """The signed-in person's notification choices: email or none, per kind."""
    user: AbstractBaseUser = request.user  # type: ignore[assignment]  # the page needs a login
    current = services.notification_preferences(user)
    form = NotificationsForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.notification_preferences_update(
                user,
                choices={k: v for k, v in form.cleaned_data.items() if k in current},
                acting_user=request.user,
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Your notification choices are saved."))
            return redirect("accounts:notifications")
    return render(request, "accounts/notifications.html", {"form": form})
