from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from turnabout.accounts import permissions
from turnabout.common import hooks, selectors
from turnabout.common.forms import AuditFilterForm
from turnabout.common.htmx import is_htmx
from turnabout.common.pagination import paginate, query_without_page
from turnabout.people import charts
from turnabout.people import selectors as people_selectors


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    context: dict[str, object] = {"me": people_selectors.person_for_user(user=user)}
    # Higher apps' home sections (insights: the programs' outcomes), through the hook.
    outcomes = [html for _name, hook in hooks.home_sections() if (html := hook(request))]
    context["outcomes"] = outcomes
    sponsor_only = permissions.is_sponsor(user) and not (
        permissions.is_org_admin(user) or permissions.is_program_manager(user)
    )
    if permissions.can_view_aggregates(user) and not (sponsor_only and outcomes):
        overview = people_selectors.org_overview(user=user)
        context["overview"] = overview
        context["department_chart"] = charts.headcount_by_department(overview)
        context["level_chart"] = charts.headcount_by_level(overview)
    return render(request, "common/home.html", context)


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
    template = "common/audit_list.html#results" if is_htmx(request) else "common/audit_list.html"
    return render(
        request,
        template,
        {"form": form, "page": page, "query": query_without_page(request)},
    )
