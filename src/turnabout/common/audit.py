"""The one way to write the audit log. Every service calls `audit_record`."""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.apps import apps
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import models

from turnabout.common.models import AuditRecord

SYSTEM_ACTOR = "system"

Change = tuple[Any, Any]


class AuditEvent(models.TextChoices):
    PERSON_CREATED = "person.created", "Person created"
    PERSON_UPDATED = "person.updated", "Person updated"
    PEOPLE_IMPORTED = "people.imported", "People imported"
    USER_INVITED = "user.invited", "User invited"
    USER_REINVITED = "user.reinvited", "User re-invited"
    USER_DEACTIVATED = "user.deactivated", "User deactivated"
    ROLE_GRANTED = "role.granted", "Role granted"
    ROLE_REVOKED = "role.revoked", "Role revoked"
    TOKEN_CREATED = "token.created", "API token created"
    TOKEN_REVOKED = "token.revoked", "API token revoked"
    SERVICE_ACCOUNT_CREATED = "service_account.created", "Integration account created"
    ADMIN_SITE_CHANGE = "admin.change", "Changed in the admin site"
    DEMO_LOADED = "demo.loaded", "Demo organisation loaded"
    # accounts: sign-in (enterprise)
    LOGIN_SUCCEEDED = "login.succeeded", "Logged in"
    LOGIN_FAILED = "login.failed", "Login failed"
    LOGIN_LOCKED_OUT = "login.locked_out", "Login locked out"
    LOGIN_UNLOCKED = "login.unlocked", "Login unlocked"
    PASSWORD_CHANGED = "password.changed", "Password changed"
    PASSWORD_RESET_REQUESTED = "password.reset_requested", "Password reset requested"
    MFA_ADDED = "mfa.added", "Two-factor method added"
    MFA_REMOVED = "mfa.removed", "Two-factor method removed"
    SSO_REFUSED = "sso.refused", "Single sign-on refused"
    SSO_ACCOUNT_CREATED = "sso.account_created", "Account created at first single sign-on"
    SSO_SETTINGS_CHANGED = "sso.settings_changed", "Single sign-on settings changed"
    SSO_PROVIDER_SAVED = "sso.provider_saved", "Identity provider saved"
    SSO_PROVIDER_DELETED = "sso.provider_deleted", "Identity provider deleted"
    NOTIFICATIONS_CHANGED = "notifications.changed", "Notification choices changed"


@cache
def _event_labels() -> dict[str, str]:
    """Every app's audit events (the `TextChoices` of its `audit` module) by code."""
    labels = {str(code): str(label) for code, label in AuditEvent.choices}
    for config in apps.get_app_configs():
        name = f"{config.name}.audit"
        if not config.name.startswith("turnabout.") or find_spec(name) is None:
            continue
        for _name, member in inspect.getmembers(import_module(name), inspect.isclass):
            if issubclass(member, models.TextChoices) and member is not models.TextChoices:
                labels.update({str(code): str(label) for code, label in member.choices})
    return labels


def event_label(code: str) -> str:
    """An audit event in words: "Pair published" for ``pair.published``. Events an app has
    not described read as their code in words ("chat_channel.created": "Chat channel created")."""
    if label := _event_labels().get(code):
        return label
    words = code.replace(".", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


@dataclass(frozen=True)
class AuditEntry:
    """One record to write in bulk with `audit_record_many`."""

    event: str
    target: models.Model | None = None
    changes: Mapping[str, Change] = field(default_factory=dict)
    message: str = ""


def _actor_fields(actor: AbstractBaseUser | AnonymousUser | None) -> dict[str, Any]:
    if actor is None or not actor.is_authenticated:
        return {"actor": None, "actor_label": SYSTEM_ACTOR}
    return {"actor": actor, "actor_label": actor.get_username()}


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple | set | frozenset):
        items = [_jsonable(item) for item in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    return str(value)


def _build(
    actor_fields: dict[str, Any],
    *,
    event: str,
    target: models.Model | None,
    changes: Mapping[str, Change],
    message: str,
) -> AuditRecord:
    return AuditRecord(
        **actor_fields,
        event=str(event),
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:255] if target is not None else "",
        changes={key: [_jsonable(old), _jsonable(new)] for key, (old, new) in changes.items()},
        message=message,
    )


def audit_record(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    event: str,
    target: models.Model | None = None,
    changes: Mapping[str, Change] | None = None,
    message: str = "",
) -> AuditRecord:
    """Write one audit record. `changes` maps a field to its (old, new) values."""
    record = _build(
        _actor_fields(actor), event=event, target=target, changes=changes or {}, message=message
    )
    record.save()
    return record


def audit_record_many(
    *, actor: AbstractBaseUser | AnonymousUser | None, entries: Iterable[AuditEntry]
) -> int:
    """Write many audit records in one query batch (imports); returns how many."""
    actor_fields = _actor_fields(actor)
    records = [
        _build(
            actor_fields,
            event=entry.event,
            target=entry.target,
            changes=entry.changes,
            message=entry.message,
        )
        for entry in entries
    ]
    AuditRecord.objects.bulk_create(records, batch_size=500)
    return len(records)
