"""Writes on accounts: deactivation, roles and API tokens (invitations: `people.services`)."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from turnabout.accounts import permissions, scopes
from turnabout.accounts.models import (
    ApiToken,
    NotificationPreference,
    Role,
    RoleAssignment,
    ServiceAccount,
)
from turnabout.common.audit import AuditEntry, AuditEvent, audit_record, audit_record_many
from turnabout.common.errors import (
    Conflict,
    ErrorCode,
    PermissionDenied,
    ValidationFailed,
    require,
)
from turnabout.common.notifications import Channel, NotificationKind, is_mandatory
from turnabout.common.types import AnyUser, AnyUserOrSystem

TOKEN_PREFIX = "tbt"  # noqa: S105  # the public prefix that marks a token, not a secret
_BATCH = 500


@dataclass(frozen=True)
class Deactivation:
    """What `users_deactivate` did: accounts deactivated and API tokens revoked."""

    accounts: int
    tokens: int


def users_deactivate_count(user_ids: Iterable[int]) -> Deactivation:
    """What `users_deactivate` would do for these accounts now (for a preview)."""
    ids = sorted(set(user_ids))
    accounts = tokens = 0
    for start in range(0, len(ids), _BATCH):
        chunk = ids[start : start + _BATCH]
        accounts += User.objects.filter(pk__in=chunk, is_active=True).count()
        tokens += ApiToken.objects.filter(user_id__in=chunk, revoked_at__isnull=True).count()
    return Deactivation(accounts=accounts, tokens=tokens)


@transaction.atomic
def users_deactivate(
    user_ids: Iterable[int], *, reason: str, acting_user: AnyUserOrSystem
) -> Deactivation:
    """Take away the access of these accounts: `is_active` off (sessions stop working at the
    next request) and every API token revoked. Accounts already inactive with no live token
    are left alone, so calling it twice writes nothing the second time.

    One audit record per deactivated account and per revoked token, `reason` as message.
    Used when the HR import terminates somebody; `acting_user` None is the system.
    """
    if acting_user is not None:
        require(
            permissions.is_org_admin(acting_user), _("Only org admins can deactivate accounts.")
        )
    ids = sorted(set(user_ids))
    now = timezone.now()
    users: list[User] = []
    tokens: list[ApiToken] = []
    for start in range(0, len(ids), _BATCH):
        chunk = ids[start : start + _BATCH]
        users.extend(
            User.objects.select_for_update().filter(pk__in=chunk, is_active=True).order_by("pk")
        )
        tokens.extend(
            ApiToken.objects.select_for_update()
            .filter(user_id__in=chunk, revoked_at__isnull=True)
            .order_by("pk")
        )
    for user in users:
        user.is_active = False
    User.objects.bulk_update(users, ["is_active"], batch_size=_BATCH)
    for token in tokens:
        token.revoked_at = now
        token.updated_at = now
    ApiToken.objects.bulk_update(tokens, ["revoked_at", "updated_at"], batch_size=_BATCH)
    audit_record_many(
        actor=acting_user,
        entries=[
            *(
                AuditEntry(AuditEvent.USER_DEACTIVATED, user, {"is_active": (True, False)}, reason)
                for user in users
            ),
            *(
                AuditEntry(AuditEvent.TOKEN_REVOKED, token, {"revoked_at": (None, now)}, reason)
                for token in tokens
            ),
        ],
    )
    return Deactivation(accounts=len(users), tokens=len(tokens))


@transaction.atomic
def role_grant(user: User, role: Role, *, acting_user: AnyUserOrSystem) -> RoleAssignment:
    if acting_user is not None:
        require(permissions.can_manage_roles(acting_user), _("Only org admins manage roles."))
    assignment, created = RoleAssignment.objects.get_or_create(user_id=user.pk, role=role)
    if created:
        audit_record(
            actor=acting_user,
            event=AuditEvent.ROLE_GRANTED,
            target=user,
            changes={"role": (None, str(role))},
        )
    if role == Role.ORG_ADMIN and not user.is_staff and not is_service_account(user):
        # People who administer the organisation use the admin site; integrations do not.
        user.is_staff = True
        user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
    permissions.forget_roles(user)
    return assignment


@transaction.atomic
def role_revoke(user: User, role: Role, *, acting_user: AnyUserOrSystem) -> None:
    """Take a role away. The last org admin keeps theirs: somebody must manage the rest."""
    if acting_user is not None:
        require(permissions.can_manage_roles(acting_user), _("Only org admins manage roles."))
    if role == Role.ORG_ADMIN:
        admins = list(
            RoleAssignment.objects.select_for_update()
            .filter(role=Role.ORG_ADMIN, user__is_active=True)
            .values_list("user_id", flat=True)
        )
        if admins == [user.pk]:
            raise Conflict(
                _("%(name)s is the last org admin: make somebody else org admin first.")
                % {"name": user.get_full_name() or user.get_username()},
                code=ErrorCode.LAST_ORG_ADMIN,
            )
    deleted, _count = RoleAssignment.objects.filter(user_id=user.pk, role=role).delete()
    if deleted:
        audit_record(
            actor=acting_user,
            event=AuditEvent.ROLE_REVOKED,
            target=user,
            changes={"role": (str(role), None)},
        )
    if role == Role.ORG_ADMIN:
        user.is_staff = False
        user.is_superuser = False
        user.save(update_fields=["is_staff", "is_superuser"])
    permissions.forget_roles(user)


@transaction.atomic
def roles_sync_from_idp(user: User, wanted: set[Role], mapping: Mapping[str, Role]) -> None:
    """At SSO sign-in, make the roles that the IdP group mapping manages match the groups.

    Roles no group maps to are left alone (granted by hand on the roles page). The last org
    admin is never demoted by a group change: the refusal is audited and the role kept.
    """
    managed = set(mapping.values())
    held = set(RoleAssignment.objects.filter(user_id=user.pk).values_list("role", flat=True))
    for role in sorted(managed & wanted - held):
        role_grant(user, role, acting_user=None)
    for role in sorted(managed & held - wanted):
        try:
            role_revoke(user, Role(role), acting_user=None)
        except Conflict as refusal:
            audit_record(
                actor=None,
                event=AuditEvent.ROLE_REVOKED,
                target=user,
                message=_("Not revoked: %(reason)s") % {"reason": refusal.message},
            )


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown once, never stored


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _actor_id(acting_user: AnyUserOrSystem) -> int | None:
    if acting_user is None or not acting_user.is_authenticated:
        return None
    return int(acting_user.pk)


def _service_username(name: str) -> str:
    base = f"svc-{slugify(name)[:60] or 'integration'}"
    username, n = base, 1
    while User.objects.filter(username__iexact=username).exists():
        n += 1
        username = f"{base}-{n}"
    return username


@transaction.atomic
def service_account_create(
    *,
    name: str,
    role: Role | str,
    description: str = "",
    acting_user: AnyUserOrSystem,
) -> ServiceAccount:
    """A new integration with its own account holding `role`: the only kind of other account
    an org admin can issue API tokens for. It has no password and no employee record."""
    if acting_user is not None:
        require(permissions.is_org_admin(acting_user), _("Only org admins create integrations."))
    name = " ".join(name.split())
    if not name:
        raise ValidationFailed(_("Give the integration a name, e.g. 'Workday sync'."), field="name")
    if len(name) > ServiceAccount.NAME_MAX:
        raise ValidationFailed(
            _("The name is longer than %(max)d characters.") % {"max": ServiceAccount.NAME_MAX},
            field="name",
        )
    if role not in Role.values:
        raise ValidationFailed(_("Choose a role for the integration."), field="role")
    if ServiceAccount.objects.filter(name__iexact=name).exists():
        raise Conflict(_("An integration named %(name)s exists.") % {"name": name}, field="name")
    user = User.objects.create_user(username=_service_username(name), email="")
    user.set_unusable_password()
    user.save(update_fields=["password"])
    account = ServiceAccount.objects.create(
        user=user,
        name=name,
        description=description.strip(),
        created_by_id=_actor_id(acting_user),
    )
    audit_record(
        actor=acting_user,
        event=AuditEvent.SERVICE_ACCOUNT_CREATED,
        target=account,
        changes={"account": (None, user.username), "role": (None, str(role))},
        message=_("Integration account %(username)s created.") % {"username": user.username},
    )
    role_grant(user, Role(role), acting_user=acting_user)
    return account


def token_owner_label(user: AbstractBaseUser) -> str:
    """How a token's account is named on the tokens page and in the audit log."""
    account = ServiceAccount.objects.filter(user_id=user.pk).first()
    if account is not None:
        return _("integration %(name)s (%(username)s)") % {
            "name": account.name,
            "username": user.get_username(),
        }
    return user.get_username()


@transaction.atomic
def token_create(
    *,
    user: AbstractBaseUser,
    name: str,
    acting_user: AnyUserOrSystem,
    scope: str | Iterable[str] = "full",
    days: int = ApiToken.DAYS_DEFAULT,
) -> IssuedToken:
    """Issue a bearer token acting as `user`, valid for `days`, limited to `scope` (scope
    names or a preset, as one space-separated string or a list; see `accounts.scopes`).

    On a page or the API an org admin issues tokens for a service account or for themself,
    never for another person's account (that would hand them the person's private
    reflections and ratings). The system (`acting_user=None`, the command line run by an
    operator) may issue one for any active account. The secret is returned once.
    """
    if acting_user is not None:
        require(permissions.is_org_admin(acting_user), _("Only org admins create API tokens."))
        if user.pk != acting_user.pk and not is_service_account(user):
            raise PermissionDenied(
                _(
                    "A token can act as you or as an integration's service account, never "
                    "as another person."
                ),
                code=ErrorCode.TOKEN_FOR_OTHER_PERSON,
            )
    if not user.is_active:
        raise ValidationFailed(_("The account is deactivated."))
    name = name.strip()
    if not name:
        raise ValidationFailed(
            _("Give the token a name, e.g. the integration it is for."), field="name"
        )
    names = scope.split() if isinstance(scope, str) else list(scope)
    if not scopes.is_valid(" ".join(names)):
        raise ValidationFailed(
            _("Choose at least one scope among %(names)s.")
            % {"names": ", ".join([*scopes.SCOPES, *scopes.PRESETS])},
            code=ErrorCode.TOKEN_SCOPE_INVALID,
            field="scope",
        )
    scope = scopes.scope_value(names)
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= ApiToken.DAYS_MAX:
        raise ValidationFailed(
            _("A token lasts from 1 to %(max)d days.") % {"max": ApiToken.DAYS_MAX},
            field="days",
        )
    prefix = secrets.token_hex(4)
    secret = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    expires_at = timezone.now() + timedelta(days=days)
    token = ApiToken.objects.create(
        user_id=user.pk,
        name=name[: ApiToken.NAME_MAX],
        prefix=prefix,
        key_hash=hash_token(secret),
        scope=scope,
        expires_at=expires_at,
        created_by_id=_actor_id(acting_user),
    )
    owner = token_owner_label(user)
    audit_record(
        actor=acting_user,
        event=AuditEvent.TOKEN_CREATED,
        target=token,
        changes={
            "acts_as": (None, user.get_username()),
            "scope": (None, scope),
            "expires_at": (None, expires_at.isoformat()),
        },
        message=_("The token acts as %(owner)s.") % {"owner": owner},
    )
    return IssuedToken(token=token, secret=secret)


def is_service_account(user: AbstractBaseUser) -> bool:
    return ServiceAccount.objects.filter(user_id=user.pk).exists()


@transaction.atomic
def token_revoke(token: ApiToken, *, acting_user: AnyUserOrSystem) -> ApiToken:
    if acting_user is not None:
        require(permissions.is_org_admin(acting_user), _("Only org admins revoke API tokens."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        audit_record(
            actor=acting_user,
            event=AuditEvent.TOKEN_REVOKED,
            target=token,
            message=_("The token acted as %(owner)s.") % {"owner": token_owner_label(token.user)},
        )
    return token


# --- Notification choices (each person their own) ----------------------------------------


def notification_preferences(user: AbstractBaseUser) -> dict[str, str]:
    """Every kind of notification and the person's channel for it (email unless turned off)."""
    stored = dict(
        NotificationPreference.objects.filter(user_id=user.pk).values_list("kind", "channel")
    )
    return {
        kind: Channel.EMAIL if is_mandatory(kind) else stored.get(kind, Channel.EMAIL)
        for kind in NotificationKind.values
    }


@transaction.atomic
def notification_preferences_update(
    user: AbstractBaseUser, *, choices: Mapping[str, str], acting_user: AnyUser
) -> dict[str, str]:
    """Set some of a person's notification choices (kind -> "email" or "none"); only the
    person themself may, and account and security emails cannot be turned off."""
    require(
        acting_user.is_authenticated and acting_user.pk == user.pk,
        _("People choose their own notifications."),
    )
    for kind, channel in choices.items():
        if kind not in NotificationKind.values:
            raise ValidationFailed(
                _("Unknown kind of notification %(kind)s.") % {"kind": kind},
                code=ErrorCode.NOTIFICATION_KIND_UNKNOWN,
                field=kind,
                params={"kind": kind},
            )
        if channel not in Channel.values:
            raise ValidationFailed(
                _("Choose email or none."), code=ErrorCode.VALIDATION_FAILED, field=kind
            )
        if is_mandatory(kind) and channel != Channel.EMAIL:
            raise ValidationFailed(
                _("%(kind)s are always sent by email.") % {"kind": NotificationKind(kind).label},
                code=ErrorCode.NOTIFICATION_MANDATORY,
                field=kind,
                params={"kind": kind},
            )
    before = notification_preferences(user)
    changes = {k: (before[k], v) for k, v in choices.items() if before[k] != v}
    for kind, (_old, channel) in changes.items():
        NotificationPreference.objects.update_or_create(
            user_id=user.pk, kind=kind, defaults={"channel": channel}
        )
    if changes:
        audit_record(
            actor=acting_user,
            event=AuditEvent.NOTIFICATIONS_CHANGED,
            target=user,
            changes=changes,
        )
    return notification_preferences(user)


def notification_opt_outs(kind: str, addresses: Sequence[str]) -> set[str]:
    """The (lower-cased) addresses among these whose account turned `kind` off: the lookup
    `common.notifications` calls for every email."""
    lowered = {a.lower() for a in addresses if a}
    if not lowered:
        return set()
    return set(
        User.objects.annotate(address=Lower("email"))
        .filter(
            address__in=lowered,
            notification_preferences__kind=kind,
            notification_preferences__channel=Channel.NONE,
        )
        .values_list("address", flat=True)
    )
