"""Every change made in the Django admin site lands in the audit log.

The admin writes its own `LogEntry` for each addition, change and deletion (deletions of
several objects in one bulk insert that sends no signal), so the three `ModelAdmin` methods
that write them are wrapped once at start-up: each also writes an `admin.change` audit
record naming the actor, the object and the admin's own change message.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from turnabout.common.audit import AuditEntry, AuditEvent, audit_record_many

_WRAPPED = "_turnabout_audited"


def _entries(action: str, objects: Iterable[models.Model], message: Any) -> list[AuditEntry]:
    text = message if isinstance(message, str) else str(message or "")
    return [
        AuditEntry(
            AuditEvent.ADMIN_SITE_CHANGE,
            obj,
            {"admin_action": (None, action)},
            f"{action} in the admin site. {text}".strip(),
        )
        for obj in objects
    ]


def _wrap(name: str, action: str, many: bool) -> None:
    original: Callable[..., Any] = getattr(admin.ModelAdmin, name)
    if getattr(original, _WRAPPED, False):
        return

    def wrapped(self: admin.ModelAdmin[Any], request: HttpRequest, obj: Any, *args: Any) -> Any:
        result = original(self, request, obj, *args)
        objects = list(obj) if many else [obj]
        message = "" if many else (args[0] if args else "")
        audit_record_many(actor=request.user, entries=_entries(action, objects, message))
        return result

    setattr(wrapped, _WRAPPED, True)
    setattr(admin.ModelAdmin, name, wrapped)


def audit_admin_changes() -> None:
    _wrap("log_addition", "Added", many=False)
    _wrap("log_change", "Changed", many=False)
    _wrap("log_deletions", "Deleted", many=True)
