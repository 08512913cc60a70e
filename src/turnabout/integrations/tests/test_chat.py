"""Slack and Teams notifications, posted to a real local HTTP server."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from turnabout.accounts.models import Role
from turnabout.common.audit import audit_record
from turnabout.common.models import AuditRecord
from turnabout.integrations import services
from turnabout.integrations.delivery import delivery_attempt
from turnabout.integrations.digest import digests_due, digests_send
from turnabout.integrations.models import ChatEvent, ChatKind, Delivery
from turnabout.integrations.tasks import deliver
from turnabout.programs.models import Cohort

pytestmark = pytest.mark.django_db


@pytest.fixture
def channels(program, org_admin, receiver):
    return {
        kind: services.chat_channel_create(
            program,
            acting_user=org_admin,
            kind=kind,
            name=f"#mentoring-{kind}",
            webhook_url=f"{receiver.url}/{kind}",
            events=list(ChatEvent.values),
        )
        for kind in (ChatKind.SLACK, ChatKind.TEAMS)
    }


def _send_all(deliveries):
    for delivery in deliveries:
        delivery_attempt(delivery.pk)


def test_the_weekly_digest_reaches_a_slack_and_a_teams_endpoint(
    program, channels, receiver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        deliveries = digests_send()
    assert len(deliveries) == 2
    assert DBTaskResult.objects.count() == 2  # each posted by the worker
    _send_all(deliveries)
    by_path = {r.path: r.json() for r in receiver.received}

    slack = by_path["/slack"]
    assert slack["text"].startswith("Weekly digest: Reverse mentoring 2027")
    assert slack["blocks"][0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Weekly digest: Reverse mentoring 2027"},
    }
    fields = [f["text"] for f in slack["blocks"][2]["fields"]]
    assert "*Active pairs*\n0" in fields and any("Pairs at risk" in f for f in fields)
    assert slack["blocks"][-1]["elements"][0]["url"].endswith(f"/programs/{program.pk}/")

    teams = by_path["/teams"]
    [attachment] = teams["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.4"
    assert card["body"][0]["text"] == "Weekly digest: Reverse mentoring 2027"
    facts = {fact["title"]: fact["value"] for fact in card["body"][2]["facts"]}
    assert facts["Active pairs"] == "0"
    assert card["actions"][0]["type"] == "Action.OpenUrl"
    assert {d.status for d in Delivery.objects.all()} == {Delivery.Status.DELIVERED}


def test_the_digest_goes_out_once_a_week_on_mondays(channels):
    monday = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    assert digests_due(monday + timedelta(days=1)) == []  # a Tuesday
    assert len(digests_due(monday)) == 2
    assert digests_due(monday + timedelta(minutes=5)) == []  # the next tick, same Monday
    assert len(digests_due(monday + timedelta(days=7))) == 2


def test_a_cohort_opening_and_published_pairs_are_announced(program, channels, receiver):

    cohort = Cohort.objects.create(
        program=program, name="Spring 2027", starts_on=date(2027, 3, 1), ends_on=date(2027, 9, 1)
    )
    audit_record(
        actor=None,
        event="cohort.phase_changed",
        target=cohort,
        changes={"phase": ("draft", "applications_open")},
    )
    opened = list(Delivery.objects.filter(event=ChatEvent.COHORT_OPEN))
    assert len(opened) == 2
    _send_all(opened)
    slack = next(r.json() for r in receiver.received if r.path == "/slack")
    assert "Applications are open: Reverse mentoring 2027" in slack["text"]
    assert "Spring 2027" in slack["blocks"][1]["text"]["text"]
    # Other phase changes say nothing.
    audit_record(
        actor=None,
        event="cohort.phase_changed",
        target=cohort,
        changes={"phase": ("applications_open", "matching")},
    )
    assert Delivery.objects.count() == 2


def test_a_server_error_is_retried_with_backoff_then_delivered(channels, receiver):
    receiver.answer_next(500)
    [delivery, _teams] = digests_send()
    before = timezone.now()
    deliver.call(delivery.pk)  # what the worker runs
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.PENDING and delivery.attempts == 1
    assert delivery.last_status_code == 500 and "HTTP 500" in delivery.last_error
    assert delivery.next_attempt_at is not None
    assert timedelta(seconds=29) < delivery.next_attempt_at - before < timedelta(seconds=40)
    retry = DBTaskResult.objects.get(args_kwargs__args=[delivery.pk])
    assert retry.run_after is not None and abs(
        retry.run_after - delivery.next_attempt_at
    ) < timedelta(seconds=1)

    deliver.call(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.DELIVERED and delivery.attempts == 2
    assert [r.path for r in receiver.received] == ["/slack", "/slack"]
    assert receiver.received[0].body == receiver.received[1].body


def test_a_delivery_that_keeps_failing_is_shown_to_org_admins_and_can_be_retried(
    channels, receiver, org_admin, program_manager
):
    receiver.answer_next(*[503] * Delivery.MAX_ATTEMPTS)
    [delivery, _teams] = digests_send()
    for _ in range(Delivery.MAX_ATTEMPTS):
        delivery_attempt(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED and delivery.attempts == Delivery.MAX_ATTEMPTS
    assert delivery_attempt(delivery.pk) is None  # failed for good: no more tries by itself

    admin = Client()
    admin.force_login(org_admin)
    page = admin.get(reverse("integrations:deliveries")).content.decode()
    assert "1 delivery failed for good." in page and "HTTP 503" in page
    admin.post(reverse("integrations:delivery_retry", kwargs={"delivery_id": delivery.pk}))
    delivery_attempt(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.DELIVERED

    manager = Client()
    manager.force_login(program_manager)
    assert manager.get(reverse("integrations:deliveries")).status_code == 403


def test_an_unreachable_endpoint_is_a_failed_attempt_not_a_crash(program, org_admin):
    channel = services.chat_channel_create(
        program,
        acting_user=org_admin,
        kind=ChatKind.SLACK,
        name="#void",
        webhook_url="http://127.0.0.1:9/nothing-listens-here",
        events=[ChatEvent.WEEKLY_DIGEST],
    )
    [queued] = digests_send()
    delivery = delivery_attempt(queued.pk)
    assert delivery is not None and delivery.channel == channel
    assert delivery.status == Delivery.Status.PENDING and "ConnectError" in delivery.last_error


def test_channels_are_managed_by_admins_and_the_programs_managers_only(
    program, org_admin, participant, make_user, receiver
):

    outsider = make_user(Role.PROGRAM_MANAGER)
    for user in (participant, outsider):
        client = Client()
        client.force_login(user)
        assert client.get(reverse("integrations:channels")).status_code in (200, 403)
        response = client.post(
            reverse("integrations:channels"),
            {
                "program": program.pk,
                "kind": "slack",
                "name": "#x",
                "webhook_url": f"{receiver.url}/x",
                "events": ["weekly_digest"],
            },
        )
        assert response.status_code in (200, 403)
    assert not program.chat_channels.exists()

    admin = Client()
    admin.force_login(org_admin)
    admin.post(
        reverse("integrations:channels"),
        {
            "program": program.pk,
            "kind": "teams",
            "name": "#mentoring",
            "webhook_url": f"{receiver.url}/teams",
            "events": ["weekly_digest", "pairs_published"],
        },
    )
    assert program.chat_channels.get().name == "#mentoring"
    created = AuditRecord.objects.get(event="chat_channel.created")
    assert created.changes["host"] == [None, "127.0.0.1"]  # never the secret URL itself
