"""Writes on accounts: invitations, roles and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from functools import partial

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from turnabout.accounts import permissions
from turnabout.accounts.models import ApiToken, Role, RoleAssignment
from turnabout.common.audit import AuditEvent, audit_record
from turnabout.common.errors import Conflict, ValidationFailed, require
from turnabout.people.models import Employee

Actor = AbstractBaseUser | AnonymousUser | None

TOKEN_PREFIX = "tbt"


@transaction.atomic
def user_invite(employee: Employee, *, acting_user: Actor, send_email: bool = True) -> User:
    """Give an employee a login account and email them a link to set their password."""
    if acting_user is not None:
        require(permissions.can_invite_people(acting_user), _("Only org admins can invite."))
    if employee.user_id is not None:
        raise Conflict(_("%(name)s already has an account.") % {"name": employee.full_name})
    if employee.status == Employee.Status.TERMINATED:
        raise ValidationFailed(_("A terminated employee cannot be invited."))
    if User.objects.filter(username__iexact=employee.email).exists():
        raise Conflict(_("An account with the email %(email)s exists.") % {"email": employee.email})
    user = User.objects.create_user(
        username=employee.email,
        email=employee.email,
        first_name=employee.first_name,
        last_name=employee.last_name,
    )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    employee.user = user
    employee.save(update_fields=["user", "updated_at"])
    audit_record(actor=acting_user, event=AuditEvent.USER_INVITED, target=employee)
    if send_email:
        from turnabout.accounts.tasks import send_invitation

        transaction.on_commit(partial(send_invitation.enqueue, user.pk))
    return user


@transaction.atomic
def role_grant(user: User, role: Role, *, acting_user: Actor) -> RoleAssignment:
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
    if role == Role.ORG_ADMIN and not user.is_staff:
        user.is_staff = True
        user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
    permissions.forget_roles(user)
    return assignment


@transaction.atomic
def role_revoke(user: User, role: Role, *, acting_user: Actor) -> None:
    if acting_user is not None:
        require(permissions.can_manage_roles(acting_user), _("Only org admins manage roles."))
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


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown once, never stored


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_create(*, user: AbstractBaseUser, name: str, acting_user: Actor) -> IssuedToken:
    """Issue a bearer token acting as `user`. The secret is returned once."""
    if acting_user is not None:
        require(permissions.is_org_admin(acting_user), _("Only org admins create API tokens."))
    name = name.strip()
    if not name:
        raise ValidationFailed(_("Give the token a name, e.g. the integration it is for."))
    prefix = secrets.token_hex(4)
    secret = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user_id=user.pk, name=name[:120], prefix=prefix, key_hash=hash_token(secret)
    )
    audit_record(actor=acting_user, event=AuditEvent.TOKEN_CREATED, target=token)
    return IssuedToken(token=token, secret=secret)


@transaction.atomic
def token_revoke(token: ApiToken, *, acting_user: Actor) -> ApiToken:
    if acting_user is not None:
        require(permissions.is_org_admin(acting_user), _("Only org admins revoke API tokens."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        audit_record(actor=acting_user, event=AuditEvent.TOKEN_REVOKED, target=token)
    return token
