"""The top navigation: the sections a user's roles open, and which one a page belongs to.

Each page names its section in its template, `{% block section %}hub{% endblock %}` (the
pages that both participants and managers use decide with what their view passed, e.g.
`{% if side %}hub{% else %}matching{% endif %}`); base.html marks that section's link as
the current one. No URL is parsed to guess it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from turnabout.accounts import permissions
from turnabout.common.types import AnyUser
from turnabout.people.permissions import is_participant

HOME = "home"
PEOPLE = "people"
PROGRAMS = "programs"
MATCHING = "matching"
HUB = "hub"
IMPORT = "import"
AUDIT = "audit"
TOKENS = "tokens"
SETTINGS = "settings"


@dataclass(frozen=True)
class NavLink:
    section: str
    label: str
    url: str


def nav_links(user: AnyUser) -> list[NavLink]:
    """The sections the user's roles give access to, in the order of the top bar."""
    if not user.is_authenticated:
        return []
    links = [NavLink(HOME, _("Home"), reverse("home"))]
    if permissions.can_view_people(user):
        links.append(NavLink(PEOPLE, _("People"), reverse("people:list")))
    if permissions.can_view_aggregates(user):
        links.append(NavLink(PROGRAMS, _("Programs"), reverse("programs:list")))
    if permissions.is_org_admin(user) or permissions.is_program_manager(user):
        links.append(NavLink(MATCHING, _("Matching"), reverse("pairing:index")))
    if is_participant(user):
        # One hub for everything a participant does: match, pairs, applications, joining.
        links.append(NavLink(HUB, _("My mentoring"), reverse("me:hub")))
    if permissions.can_import_people(user):
        links.append(NavLink(IMPORT, _("Import"), reverse("people:import")))
    if permissions.can_view_audit_log(user):
        links.append(NavLink(AUDIT, _("Audit log"), reverse("audit:list")))
    if permissions.is_org_admin(user):
        links.append(NavLink(TOKENS, _("API tokens"), reverse("accounts:tokens")))
        # Sign-in (SSO, lockouts), roles and integrations.
        links.append(NavLink(SETTINGS, _("Settings"), reverse("accounts:settings")))
    return links
