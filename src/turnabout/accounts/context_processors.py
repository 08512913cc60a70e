from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from turnabout.accounts import permissions
from turnabout.accounts.models import Role


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The navigation links the signed-in user's roles give access to."""
    user = request.user
    if not user.is_authenticated:
        return {"nav_links": []}
    participant = permissions.is_participant(user)
    links = [(_("Home"), reverse("home"))]
    if permissions.can_view_people(user):
        links.append((_("People"), reverse("people:list")))
    if permissions.can_view_aggregates(user):
        links.append((_("Programs"), reverse("programs:list")))
    if permissions.is_org_admin(user) or permissions.is_program_manager(user):
        links.append((_("Matching"), reverse("pairing:index")))
    if participant:
        # One hub for everything a participant does: match, pairs, applications, joining.
        links.append((_("My mentoring"), reverse("engagement:mine")))
    if permissions.can_import_people(user):
        links.append((_("Import"), reverse("people:import")))
    if permissions.can_view_audit_log(user):
        links.append((_("Audit log"), reverse("audit:list")))
    if permissions.is_org_admin(user):
        links.append((_("API tokens"), reverse("accounts:tokens")))
        links.append((_("Settings"), reverse("accounts:settings")))
    current = _current(request, [url for _label, url in links], participant=participant)
    return {
        "nav_links": [
            {"label": label, "url": url, "current": url == current} for label, url in links
        ],
        "user_roles": [Role(role).label for role in sorted(permissions.roles_of(user))],
        # Two-factor sign-in is offered to the roles that can see other people's data.
        "offer_mfa": permissions.is_org_admin(user) or permissions.is_program_manager(user),
    }


def _current(request: HttpRequest, urls: list[str], *, participant: bool) -> str:
    """The current section: the hub or the programs area for the pages that belong to
    them wherever they live, else the longest link that the path starts with."""
    from turnabout.engagement import hub

    section = hub.page_section(request, participant=participant)
    if section:
        owner = reverse("engagement:mine") if section == hub.HUB else reverse("programs:list")
        return owner if owner in urls else ""
    matching = [
        url for url in urls if request.path == url or (url != "/" and request.path.startswith(url))
    ]
    return max(matching, key=len, default="")
