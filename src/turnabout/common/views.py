from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from turnabout.accounts import permissions
from turnabout.common import selectors
from turnabout.common.forms import AuditFilterForm
from turnabout.common.htmx import is_htmx
from turnabout.common.pagination import paginate, query_without_page


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
