"""Single sign-on: who a verified company email signs in as, and what the IdP's groups grant.

allauth checks the identity provider's answer (OIDC tokens, signed SAML assertions); this
module decides what that answer means here:

- The account is found through the *employee record* the HR import created for that email
  (just-in-time: an employee without an account gets one on their first sign-in). The
  `people` app registers that lookup with `register_account_resolver`, since accounts sits
  below people and must not import it. An email no employee has is refused, and so is an
  employee marked as a leaver: SSO never creates an account the HR import does not vouch for,
  and never a second account for the same person.
- Optionally the IdP's groups map to roles (`group_role_map`): at each sign-in the roles the
  mapping manages are granted or revoked to match the groups, the last org admin excepted.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.utils.translation import gettext as _

from turnabout.accounts.models import Role


class SsoRefused(Exception):
    """The identity provider vouched for somebody who may not sign in here."""

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason  # stable: unknown_email, leaver, inactive, unverified_email


AccountResolver = Callable[[str], User]
_resolver: AccountResolver | None = None


def register_account_resolver(resolver: AccountResolver) -> None:
    """Install the lookup from a verified email to the account (the people app does)."""
    global _resolver
    _resolver = resolver


def _existing_account(email: str) -> User:
    user = get_user_model().objects.filter(email__iexact=email).first()
    if user is None:
        raise SsoRefused(
            _("No account here has the email %(email)s.") % {"email": email},
            reason="unknown_email",
        )
    return user


def account_for_verified_email(email: str) -> User:
    """The active account that `email` signs in as; raises SsoRefused otherwise."""
    user = (_resolver or _existing_account)(email.strip())
    if not user.is_active:
        raise SsoRefused(
            _("The account of %(email)s is closed. Ask your HR team if this is a mistake.")
            % {"email": email},
            reason="inactive",
        )
    return user


def group_role_map(app_settings: dict[str, object] | None = None) -> dict[str, Role]:
    """IdP group name -> role, from the provider's settings ("role_map") or else from the
    `TURNABOUT_SSO_GROUP_ROLES` environment variable (JSON, e.g. {"hr-admins": "org_admin"})."""
    raw: object = (app_settings or {}).get("role_map")
    if not raw:
        raw = json.loads(os.environ.get("TURNABOUT_SSO_GROUP_ROLES", "") or "{}")
    if not isinstance(raw, dict):
        return {}
    valid = {role.value for role in Role}
    return {str(group): Role(role) for group, role in raw.items() if role in valid}


@dataclass(frozen=True)
class RoleSync:
    granted: tuple[Role, ...]
    revoked: tuple[Role, ...]


def roles_for_groups(groups: Iterable[str], mapping: dict[str, Role]) -> set[Role]:
    wanted = {str(group) for group in groups}
    return {role for group, role in mapping.items() if group in wanted}
