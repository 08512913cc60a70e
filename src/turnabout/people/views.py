from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from turnabout.accounts import permissions
from turnabout.accounts import selectors as account_selectors
from turnabout.accounts.models import Role
from turnabout.common.htmx import is_htmx
from turnabout.common.pages import act
from turnabout.common.pagination import paginate, query_without_page
from turnabout.people import selectors
from turnabout.people.services import user_invite


def people_list(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view_people(request.user):
        raise PermissionDenied
    people = selectors.people_filter(user=request.user, filters=request.GET, page=True)
    form = people.form
    page = paginate(request, people.filtered, keys=selectors.PEOPLE_ORDER)
    template = "_filtered_list.html#results" if is_htmx(request) else "people/people_list.html"
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "query": query_without_page(request),
            "table": "people/_people_table.html",
        },
    )


def person_detail(request: HttpRequest, employee_pk: int) -> HttpResponse:
    person = selectors.person_get(user=request.user, employee_pk=employee_pk)
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "chain": selectors.management_chain(person),
            "reports": sorted(person.reports.all(), key=lambda e: (e.last_name, e.first_name)),
            # A deactivated account (a leaver who came back) is re-invited, not reactivated.
            "can_invite": permissions.can_invite_people(request.user)
            and (person.user is None or not person.user.is_active),
            # Org admins grant and revoke roles here too (the roles page lists everyone).
            "can_manage_roles": permissions.can_manage_roles(request.user)
            and person.user is not None
            and person.user.is_active,
            "held_roles": account_selectors.roles_of_account(
                user=request.user, account_id=person.user_id or 0
            ),
            "all_roles": Role.choices,
        },
    )


@require_POST
def person_invite(request: HttpRequest, employee_pk: int) -> HttpResponse:
    person = selectors.person_get(user=request.user, employee_pk=employee_pk)
    return act(
        request,
        lambda: user_invite(person, acting_user=request.user),
        success=_("Invitation sent to %(email)s.") % {"email": person.email},
        then=reverse("people:detail", kwargs={"employee_pk": employee_pk}),
    )
