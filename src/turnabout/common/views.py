from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from turnabout.accounts import permissions
from turnabout.common import selectors
from turnabout.common.htmx import is_htmx
from turnabout.common.pagination import paginate, query_without_page
from turnabout.people import charts
from turnabout.people import selectors as people_selectors


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    context: dict[str, object] = {"me": people_selectors.person_for_user(user=user)}
    if permissions.can_view_aggregates(user):
        overview = people_selectors.org_overview(user=user)
        context["overview"] = overview
        context["department_chart"] = charts.headcount_by_department(overview)
        context["level_chart"] = charts.headcount_by_level(overview)
    return render(request, "common/home.html", context)


def audit_list(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view_audit_log(request.user):
        raise PermissionDenied
    filtered = selectors.audit_filter(user=request.user, filters=request.GET)
    form = filtered.form
    page = paginate(request, filtered.filtered.select_related("actor"))
    template = "common/audit_list.html#results" if is_htmx(request) else "common/audit_list.html"
    return render(
        request,
        template,
        {"form": form, "page": page, "query": query_without_page(request)},
    )
