"""Posting a delivery: one HTTP attempt, its outcome recorded, the next attempt scheduled
with exponential backoff (30 s, 2 min, 8 min, 32 min, about 2 h), failed for good after
`Delivery.MAX_ATTEMPTS`. Org admins see every failure on the deliveries page."""

from __future__ import annotations

import json
from datetime import timedelta

import httpx
from django.db import transaction
from django.utils import timezone

from turnabout.integrations.models import Delivery
from turnabout.integrations.webhooks import signature_headers

TIMEOUT_SECONDS = 10
FIRST_BACKOFF = timedelta(seconds=30)


def backoff(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt."""
    factor: int = 4 ** max(0, attempts - 1)
    return FIRST_BACKOFF * factor


def _request(delivery: Delivery) -> tuple[str, bytes, dict[str, str]]:
    body = json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Turnabout-Webhooks/1",
        "Turnabout-Event": delivery.event,
    }
    if delivery.channel is not None:
        return delivery.channel.webhook_url, body, headers
    assert delivery.endpoint is not None
    headers.update(signature_headers(delivery.endpoint, body, delivery_id=delivery.pk))
    return delivery.endpoint.url, body, headers


def delivery_attempt(delivery_id: int) -> Delivery | None:
    """Try to post a pending delivery once. Returns it, or None if there is nothing to do."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related("channel", "endpoint")
            .filter(pk=delivery_id, status=Delivery.Status.PENDING)
            .first()
        )
        if delivery is None:
            return None
        delivery.attempts += 1
        delivery.save(update_fields=["attempts"])
    url, body, headers = _request(delivery)
    status_code: int | None = None
    error = ""
    try:
        response = httpx.post(url, content=body, headers=headers, timeout=TIMEOUT_SECONDS)
        status_code = response.status_code
        if not 200 <= response.status_code < 300:
            error = f"HTTP {response.status_code}: {response.text[:300]}"
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__}: {exc}"[:500]
    now = timezone.now()
    delivery.last_status_code = status_code
    delivery.last_error = error
    if not error:
        delivery.status = Delivery.Status.DELIVERED
        delivery.delivered_at = now
        delivery.next_attempt_at = None
    elif delivery.attempts >= Delivery.MAX_ATTEMPTS:
        delivery.status = Delivery.Status.FAILED
        delivery.next_attempt_at = None
    else:
        delivery.next_attempt_at = now + backoff(delivery.attempts)
    delivery.save(
        update_fields=[
            "last_status_code",
            "last_error",
            "status",
            "delivered_at",
            "next_attempt_at",
        ]
    )
    return delivery
