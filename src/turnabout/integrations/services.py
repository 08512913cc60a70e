"""Writes on chat channels and deliveries. Org admins, or the program's managers for the
channels of their program; every change audited (the webhook URL is a secret: only its
host goes into the audit log)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from turnabout.accounts import permissions
from turnabout.common.audit import audit_record
from turnabout.common.errors import ValidationFailed, require
from turnabout.common.types import AnyUser
from turnabout.integrations.models import ChatChannel, ChatEvent, ChatKind, Delivery
from turnabout.integrations.tasks import enqueue_deliveries
from turnabout.programs.models import Program
from turnabout.programs.permissions import can_manage_program


def can_manage_channels(user: AnyUser, program: Program) -> bool:
    return permissions.is_org_admin(user) or can_manage_program(user, program)


@transaction.atomic
def chat_channel_create(
    program: Program,
    *,
    acting_user: AnyUser,
    kind: str,
    name: str,
    webhook_url: str,
    events: list[str],
) -> ChatChannel:
    require(
        can_manage_channels(acting_user, program),
        _("Only org admins and the program's managers add chat channels."),
    )
    if kind not in ChatKind.values:
        raise ValidationFailed(_("Choose Slack or Microsoft Teams."), field="kind")
    if not events or not set(events) <= set(ChatEvent.values):
        raise ValidationFailed(_("Choose at least one thing to post."), field="events")
    if urlsplit(webhook_url).scheme not in {"https", "http"}:
        raise ValidationFailed(
            _("Paste the webhook URL your chat tool gave you."), field="webhook_url"
        )
    channel = ChatChannel.objects.create(
        program=program,
        kind=kind,
        name=name.strip()[: ChatChannel.NAME_MAX],
        webhook_url=webhook_url,
        events=sorted(set(events)),
    )
    audit_record(
        actor=acting_user,
        event="chat_channel.created",
        target=channel,
        changes={"host": (None, urlsplit(webhook_url).hostname), "events": (None, channel.events)},
    )
    return channel


@transaction.atomic
def chat_channel_delete(channel: ChatChannel, *, acting_user: AnyUser) -> None:
    require(
        can_manage_channels(acting_user, channel.program),
        _("Only org admins and the program's managers remove chat channels."),
    )
    audit_record(actor=acting_user, event="chat_channel.deleted", target=channel)
    channel.delete()


@transaction.atomic
def delivery_retry(delivery: Delivery, *, acting_user: AnyUser) -> Delivery:
    """Send a failed delivery again (from the deliveries page), with fresh attempts."""
    require(permissions.is_org_admin(acting_user), _("Only org admins retry deliveries."))
    delivery.status = Delivery.Status.PENDING
    delivery.attempts = 0
    delivery.next_attempt_at = timezone.now()
    delivery.save(update_fields=["status", "attempts", "next_attempt_at"])
    audit_record(actor=acting_user, event="delivery.retried", target=delivery)
    enqueue_deliveries([delivery])
    return delivery
