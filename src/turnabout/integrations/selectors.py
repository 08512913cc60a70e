"""Reads for the integration pages: each lookup checks who may see the object first.

Channels belong to a program: its managers and the org admins reach them. Deliveries and
webhook endpoints are the organisation's: org admins only. A missing object is a 404; an
object the user may not manage is a 403 (as the pages always answered)."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from turnabout.accounts import permissions
from turnabout.common.errors import NotFound, PermissionDenied
from turnabout.common.types import AnyUser
from turnabout.integrations.models import ChatChannel, Delivery, WebhookEndpoint
from turnabout.integrations.services import can_manage_channels

T = TypeVar("T", bound=Model)


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


def _org_object(user: AnyUser, queryset: QuerySet[T], pk: int, missing: str) -> T:
    """One of the organisation's objects, for org admins only (403 first, then 404)."""
    _require_org_admin(user)
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise NotFound(missing)
    return found


def delivery_get_for_admin(*, user: AnyUser, delivery_id: int) -> Delivery:
    return _org_object(user, Delivery.objects.all(), delivery_id, _("No such delivery."))


def webhook_get_for_admin(*, user: AnyUser, endpoint_id: int) -> WebhookEndpoint:
    return _org_object(
        user, WebhookEndpoint.objects.all(), endpoint_id, _("No such webhook endpoint.")
    )


def webhooks_for_admin(*, user: AnyUser) -> QuerySet[WebhookEndpoint]:
    _require_org_admin(user)
    return WebhookEndpoint.objects.all()
