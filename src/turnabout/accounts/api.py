"""The signed-in person's own account through the API: their notification choices."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from turnabout.accounts import services
from turnabout.common.notifications import Channel, NotificationKind, is_mandatory
from turnabout.common.schemas import ERRORS

router = Router(tags=["me"])


class NotificationChoiceOut(Schema):
    kind: NotificationKind
    label: str
    channel: Channel
    mandatory: bool


class NotificationsOut(Schema):
    preferences: list[NotificationChoiceOut]


class NotificationsIn(Schema):
    """Some kinds and their channel, e.g. `{"preferences": {"surveys": "none"}}`; the kinds
    left out keep their choice."""

    preferences: dict[NotificationKind, Channel]


def _out(choices: dict[str, str]) -> NotificationsOut:
    return NotificationsOut(
        preferences=[
            NotificationChoiceOut(
                kind=NotificationKind(kind),
                label=str(NotificationKind(kind).label),
                channel=Channel(channel),
                mandatory=is_mandatory(kind),
            )
            for kind, channel in choices.items()
        ]
    )


@router.get(
    "/me/notifications",
    response={200: NotificationsOut, **ERRORS},
    summary="My notification choices",
)
def get_notifications(request: HttpRequest) -> NotificationsOut:
    """Email or none, per kind of notification; account and security emails are mandatory."""
    return _out(services.notification_preferences(request.user))  # type: ignore[arg-type]


@router.put(
    "/me/notifications",
    response={200: NotificationsOut, **ERRORS},
    summary="Change my notification choices",
)
def put_notifications(request: HttpRequest, payload: NotificationsIn) -> NotificationsOut:
    choices = services.notification_preferences_update(
        request.user,  # type: ignore[arg-type]
        choices={str(k): str(v) for k, v in payload.preferences.items()},
        acting_user=request.user,
    )
    return _out(choices)
