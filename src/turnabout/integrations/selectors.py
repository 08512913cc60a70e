"""Reads for the integration pages: each lookup checks who may see the object first.

Channels belong to a program: its managers and the org admins reach them. Deliveries and
webhook endpoints are the organisation's: org admins only. A missing object is a 404; an
object the user may not manage is a 403 (as the pages always answered)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from turnabout.accounts import permissions
from turnabout.common.errors import NotFound, PermissionDenied
from turnabout.common.types import AnyUser
from turnabout.integrations.models import ChatChannel, Delivery, WebhookEndpoint
from turnabout.integrations.services import can_manage_channels


def _require_org_admin(user: AnyUser) -> None:
    if not permissions.is_org_admin(user):
        raise PermissionDenied(_("Only an organisation admin can do this."))


def channel_get_for_manager(*, user: AnyUser, channel_id: int) -> ChatChannel:
    channel = ChatChannel.objects.select_related("program").filter(pk=channel_id).first()
    if channel is None:
        raise NotFound(_("No such channel."))
    if not can_manage_channels(user, channel.program):
        raise PermissionDenied(_("Only the program's managers can change its channels."))
    return channel


def delivery_get_for_admin(*, user: AnyUser, delivery_id: int) -> Delivery:
    _require_org_admin(user)
    delivery = Delivery.objects.filter(pk=delivery_id).first()
    if delivery is None:
        raise NotFound(_("No such delivery."))
    return delivery


def webhook_get_for_admin(*, user: AnyUser, endpoint_id: int) -> WebhookEndpoint:
    _require_org_admin(user)
    endpoint = WebhookEndpoint.objects.filter(pk=endpoint_id).first()
    if endpoint is None:
        raise NotFound(_("No such webhook endpoint."))
    return endpoint


def webhooks_for_admin(*, user: AnyUser) -> QuerySet[WebhookEndpoint]:
    _require_org_admin(user)
    return WebhookEndpoint.objects.all()
