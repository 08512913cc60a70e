"""Signed outgoing webhooks for integrators.

Each delivery is a POST of a JSON body with three headers:

    Turnabout-Event: pair.published
    Turnabout-Timestamp: 1764500000                (Unix seconds, when it was signed)
    Turnabout-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>

The receiver recomputes the HMAC over the timestamp, a dot and the raw body with its
endpoint's secret, compares in constant time and refuses timestamps older than five
minutes (replays). docs/integrations.md has a verification snippet that a test runs.

The secret must be read back to sign, so it is stored encrypted (Fernet, key derived from
SECRET_KEY), shown once at creation and never again.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from typing import Any

from cryptography.fernet import Fernet
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from turnabout.accounts import permissions
from turnabout.common.audit import audit_record
from turnabout.common.errors import ValidationFailed, require
from turnabout.common.models import AuditRecord
from turnabout.common.types import AnyUser
from turnabout.integrations.models import Delivery, WebhookEndpoint
from turnabout.integrations.tasks import enqueue_deliveries

# Audit event -> webhook event. A session counts as held when its log says so.
EVENTS = {
    "people.imported": "person.imported",
    "application.decided": "application.decided",
    "match_run.published": "pair.published",
    "mentorship.ended": "pair.ended",
    "session.logged": "session.held",
    "feedback.survey_closed": "survey.closed",
}
EVENT_CHOICES = [
    ("person.imported", _("People imported from HR")),
    ("application.decided", _("An application was decided")),
    ("pair.published", _("Pairs were published")),
    ("pair.ended", _("A pair ended")),
    ("session.held", _("A session was held")),
    ("survey.closed", _("A survey closed")),
]
TEST_EVENT = "test.ping"


def _fernet() -> Fernet:
    key = hashlib.sha256(f"turnabout-webhooks:{settings.SECRET_KEY}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def endpoint_secret(endpoint: WebhookEndpoint) -> str:
    return _fernet().decrypt(endpoint.secret_encrypted.encode()).decode()


def sign(secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode() + b"." + body
    return "v1=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_headers(
    endpoint: WebhookEndpoint, body: bytes, *, delivery_id: int
) -> dict[str, str]:
    timestamp = int(time.time())
    return {
        "Turnabout-Timestamp": str(timestamp),
        "Turnabout-Signature": sign(endpoint_secret(endpoint), timestamp, body),
        "Turnabout-Delivery": str(delivery_id),
    }


def _payload(event: str, record: AuditRecord | None) -> dict[str, Any]:
    if record is None:
        return {"event": event, "data": {"message": "A test event from Turnabout."}}
    return {
        "event": event,
        "occurred_at": record.created_at.isoformat(),
        "data": {
            "object": record.target_type,
            "id": record.target_id,
            "changes": record.changes,
            "message": record.message,
        },
    }


def webhook_event_from_audit(record: AuditRecord) -> list[Delivery]:
    event = EVENTS.get(record.event)
    if event is None:
        return []
    if (
        event == "session.held"
        and (record.changes or {}).get("outcome", [None, None])[-1] != "held"
    ):
        return []
    endpoints = [e for e in WebhookEndpoint.objects.filter(active=True) if event in e.events]
    deliveries = [
        Delivery.objects.create(endpoint=endpoint, event=event, payload=_payload(event, record))
        for endpoint in endpoints
    ]
    enqueue_deliveries(deliveries)
    return deliveries


def _check(user: AnyUser) -> None:
    require(permissions.is_org_admin(user), _("Only org admins manage webhooks."))


@transaction.atomic
def webhook_create(
    *, acting_user: AnyUser, name: str, url: str, events: list[str]
) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint; returns it and its signing secret (shown once)."""
    _check(acting_user)
    known = {value for value, _label in EVENT_CHOICES}
    if not events or not set(events) <= known:
        raise ValidationFailed(_("Choose at least one event."), field="events")
    secret = "whsec_" + secrets.token_urlsafe(32)
    endpoint = WebhookEndpoint.objects.create(
        name=name.strip()[: WebhookEndpoint.NAME_MAX],
        url=url,
        events=sorted(set(events)),
        secret_encrypted=_fernet().encrypt(secret.encode()).decode(),
        secret_hint=secret[-4:],
    )
    audit_record(
        actor=acting_user,
        event="webhook.created",
        target=endpoint,
        changes={"url": (None, url), "events": (None, endpoint.events)},
    )
    return endpoint, secret


@transaction.atomic
def webhook_delete(endpoint: WebhookEndpoint, *, acting_user: AnyUser) -> None:
    _check(acting_user)
    audit_record(actor=acting_user, event="webhook.deleted", target=endpoint)
    endpoint.delete()


@transaction.atomic
def webhook_send_test(endpoint: WebhookEndpoint, *, acting_user: AnyUser) -> Delivery:
    """Queue a `test.ping` delivery to check the receiver and its signature check."""
    _check(acting_user)
    delivery = Delivery.objects.create(
        endpoint=endpoint, event=TEST_EVENT, payload=_payload(TEST_EVENT, None)
    )
    enqueue_deliveries([delivery])
    return delivery
