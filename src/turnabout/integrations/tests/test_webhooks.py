"""Signed webhooks: the documented verification snippet accepts Turnabout's deliveries and
refuses altered or replayed ones; the secret is shown once; a test event; org admins only."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from turnabout.common.audit import audit_record
from turnabout.common.models import AuditRecord
from turnabout.integrations.delivery import delivery_attempt
from turnabout.integrations.models import Delivery, WebhookEndpoint
from turnabout.integrations.webhooks import webhook_create

pytestmark = pytest.mark.django_db

DOC = Path(__file__).resolve().parents[4] / "docs" / "integrations.md"


def _documented_verify() -> Any:
    """The `verify` function from the docs, run as a reader would copy it."""
    match = re.search(r"### Verifying a delivery.*?```python\n(.*?)```", DOC.read_text(), re.S)
    assert match, "the verification snippet is missing from docs/integrations.md"
    namespace: dict[str, Any] = {}
    exec(compile(match.group(1), str(DOC), "exec"), namespace)  # noqa: S102  (our own docs)
    return namespace["verify"]


@pytest.fixture
def endpoint(org_admin, receiver):
    return webhook_create(
        acting_user=org_admin,
        name="HRIS",
        url=f"{receiver.url}/hook",
        events=["pair.published", "application.decided", "session.held"],
    )


def test_an_event_is_delivered_signed_and_the_docs_snippet_verifies_it(endpoint, receiver, program):
    hook, secret = endpoint
    audit_record(actor=None, event="match_run.published", target=program, message="12 pairs.")
    [delivery] = Delivery.objects.filter(endpoint=hook)
    delivery_attempt(delivery.pk)
    [received] = receiver.received
    assert received.headers["Turnabout-Event"] == "pair.published"
    assert received.headers["Turnabout-Delivery"] == str(delivery.pk)
    body = received.json()
    assert body["event"] == "pair.published" and body["data"]["message"] == "12 pairs."

    verify = _documented_verify()
    assert verify(secret, received.headers, received.body)
    assert not verify(secret, received.headers, received.body.replace(b"12", b"13"))
    assert not verify("whsec_wrong", received.headers, received.body)
    replayed = {**received.headers, "Turnabout-Timestamp": str(int(time.time()) - 3600)}
    assert not verify(secret, replayed, received.body)


def test_only_subscribed_events_are_sent(endpoint):
    hook, _secret = endpoint
    audit_record(actor=None, event="mentorship.ended")
    audit_record(actor=None, event="session.logged", changes={"outcome": (None, "no_show")})
    assert not Delivery.objects.filter(endpoint=hook).exists()
    audit_record(actor=None, event="session.logged", changes={"outcome": (None, "held")})
    assert Delivery.objects.get(endpoint=hook).event == "session.held"


def test_a_failed_delivery_is_retried_and_keeps_its_id(endpoint, receiver):
    hook, secret = endpoint
    receiver.answer_next(500)
    audit_record(actor=None, event="application.decided")
    delivery = Delivery.objects.get(endpoint=hook)
    delivery_attempt(delivery.pk)
    delivery_attempt(delivery.pk)
    first, second = receiver.received
    assert first.headers["Turnabout-Delivery"] == second.headers["Turnabout-Delivery"]
    assert _documented_verify()(secret, second.headers, second.body)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.DELIVERED and delivery.attempts == 2


def test_the_secret_is_shown_once_and_stored_encrypted(org_admin, receiver):
    client = Client()
    client.force_login(org_admin)
    created = client.post(
        reverse("integrations:webhooks"),
        {"name": "BI", "url": f"{receiver.url}/bi", "events": ["pair.ended"]},
    ).content.decode()
    secret = re.search(r"(whsec_[A-Za-z0-9_-]+)", created)
    assert secret, "the new secret is shown once"
    again = client.get(reverse("integrations:webhooks")).content.decode()
    assert secret.group(1) not in again and f"…{secret.group(1)[-4:]}" in again
    stored = WebhookEndpoint.objects.get()
    assert secret.group(1) not in stored.secret_encrypted
    assert secret.group(1) not in str(list(AuditRecord.objects.values_list("changes", "message")))


def test_send_a_test_event(endpoint, org_admin, receiver, django_capture_on_commit_callbacks):
    hook, secret = endpoint
    client = Client()
    client.force_login(org_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("integrations:webhook_test", kwargs={"endpoint_id": hook.pk}))
    delivery = Delivery.objects.get(endpoint=hook, event="test.ping")
    delivery_attempt(delivery.pk)
    [received] = receiver.received
    assert received.json()["event"] == "test.ping"
    assert _documented_verify()(secret, received.headers, received.body)


@pytest.mark.parametrize("who", ["participant", "program_manager", "sponsor"])
def test_only_org_admins_manage_webhooks(who, request, endpoint):
    hook, _secret = endpoint
    client = Client()
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("integrations:webhooks")).status_code == 403
    for name in ("integrations:webhook_test", "integrations:webhook_delete"):
        assert client.post(reverse(name, kwargs={"endpoint_id": hook.pk})).status_code == 403
    assert WebhookEndpoint.objects.filter(pk=hook.pk).exists()
