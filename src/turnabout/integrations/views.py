from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from turnabout.accounts import permissions
from turnabout.common.pages import act
from turnabout.common.pagination import paginate
from turnabout.integrations import selectors, services, webhooks
from turnabout.integrations.forms import ChatChannelForm, WebhookForm
from turnabout.integrations.models import ChatChannel, Delivery
from turnabout.programs.models import Program
from turnabout.programs.selectors import program_list


def _manageable_programs(request: HttpRequest) -> list[Program]:
    return [
        p for p in program_list(user=request.user) if services.can_manage_channels(request.user, p)
    ]


def channel_list(request: HttpRequest) -> HttpResponse:
    """Chat channels of the programs the user manages (all of them for org admins)."""
    programs = _manageable_programs(request)
    if not programs and not permissions.is_org_admin(request.user):
        raise PermissionDenied
    queryset = Program.objects.filter(pk__in=[p.pk for p in programs]).order_by("name")
    form = ChatChannelForm(request.POST or None, programs=queryset)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        return act(
            request,
            lambda: services.chat_channel_create(
                data["program"],
                acting_user=request.user,
                kind=data["kind"],
                name=data["name"],
                webhook_url=data["webhook_url"],
                events=data["events"],
            ),
            success=_("Channel added."),
            then=reverse("integrations:channels"),
        )
    channels = ChatChannel.objects.filter(program__in=queryset).select_related("program")
    return render(request, "integrations/channels.html", {"form": form, "channels": channels})


@require_POST
def channel_delete(request: HttpRequest, channel_id: int) -> HttpResponse:
    channel = selectors.channel_get_for_manager(user=request.user, channel_id=channel_id)
    return act(
        request,
        lambda: services.chat_channel_delete(channel, acting_user=request.user),
        success=_("Channel removed."),
        then=reverse("integrations:channels"),
    )


def delivery_list(request: HttpRequest) -> HttpResponse:
    """Every delivery to chat tools and webhooks, failures first to the eye (org admins)."""
    if not permissions.is_org_admin(request.user):
        raise PermissionDenied
    deliveries = Delivery.objects.select_related("channel__program", "endpoint")
    status = request.GET.get("status", "")
    if status in Delivery.Status.values:
        deliveries = deliveries.filter(status=status)
    return render(
        request,
        "integrations/deliveries.html",
        {
            "page": paginate(request, deliveries),
            "status": status,
            "statuses": Delivery.Status.choices,
            "failed": Delivery.objects.filter(status=Delivery.Status.FAILED).count(),
        },
    )


@require_POST
def delivery_retry(request: HttpRequest, delivery_id: int) -> HttpResponse:
    delivery = selectors.delivery_get_for_admin(user=request.user, delivery_id=delivery_id)
    return act(
        request,
        lambda: services.delivery_retry(delivery, acting_user=request.user),
        success=_("Delivery queued again."),
        then=reverse("integrations:deliveries"),
    )


def webhook_list(request: HttpRequest) -> HttpResponse:
    endpoints = selectors.webhooks_for_admin(user=request.user)
    form = WebhookForm(request.POST or None)
    issued_secret = None
    if request.method == "POST" and form.is_valid():
        _endpoint, issued_secret = webhooks.webhook_create(
            acting_user=request.user, **form.cleaned_data
        )
        messages.success(request, _("Endpoint added."))
        form = WebhookForm()
    return render(
        request,
        "integrations/webhooks.html",
        {"form": form, "endpoints": endpoints, "issued_secret": issued_secret},
    )


@require_POST
def webhook_delete(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = selectors.webhook_get_for_admin(user=request.user, endpoint_id=endpoint_id)
    return act(
        request,
        lambda: webhooks.webhook_delete(endpoint, acting_user=request.user),
        success=_("Endpoint removed."),
        then=reverse("integrations:webhooks"),
    )


@require_POST
def webhook_test(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = selectors.webhook_get_for_admin(user=request.user, endpoint_id=endpoint_id)
    return act(
        request,
        lambda: webhooks.webhook_send_test(endpoint, acting_user=request.user),
        success=_("Test event queued: see the deliveries page for the answer."),
        then=reverse("integrations:webhooks"),
    )
