from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from turnabout.accounts import permissions
from turnabout.accounts.models import Role
from turnabout.me.navigation import nav_links


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The top bar's links for the signed-in user's roles, and the roles' names."""
    user = request.user
    if not user.is_authenticated:
        return {"nav_links": []}
    return {
        "nav_links": nav_links(user),
        "user_roles": [Role(role).label for role in sorted(permissions.roles_of(user))],
        # Two-factor sign-in is offered to the roles that can see other people's data.
        "offer_mfa": permissions.is_org_admin(user) or permissions.is_program_manager(user),
    }
