"""The weekly digest a program posts to its chat channels: its figures this week and the
pairs at risk (active pairs with no session held for twice the program's cadence).

Counts only, never names; every figure goes through the privacy floor like any aggregate a
manager sees (a count under the floor reads "fewer than N").
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from turnabout.common.email import absolute_url
from turnabout.common.privacy import min_group_size
from turnabout.engagement.models import MentoringSession
from turnabout.enrollment.models import Application
from turnabout.integrations.chat import ChatMessage
from turnabout.integrations.events import chat_announce
from turnabout.integrations.models import ChatChannel, ChatEvent, Delivery
from turnabout.pairing.models import Mentorship
from turnabout.programs.models import Program


def _shown(count: int) -> str:
    floor = min_group_size()
    if 0 < count < floor:
        return _("fewer than %(floor)d") % {"floor": floor}
    return str(count)


def program_digest(program: Program) -> ChatMessage:
    now = timezone.now()
    week_ago = now - timedelta(days=7)
    quiet_since = now - timedelta(days=2 * max(1, program.meeting_every_days))
    active = Mentorship.objects.filter(cohort__program=program, status=Mentorship.Status.ACTIVE)
    held = MentoringSession.objects.filter(
        mentorship__cohort__program=program,
        outcome=MentoringSession.Outcome.HELD,
        starts_at__gte=week_ago,
        starts_at__lte=now,
    ).count()
    recent_session = MentoringSession.objects.filter(
        mentorship=OuterRef("pk"),
        outcome=MentoringSession.Outcome.HELD,
        starts_at__gte=quiet_since,
    )
    at_risk = active.filter(~Exists(recent_session), created_at__lt=quiet_since).count()
    pending = Application.objects.filter(
        cohort__program=program, status=Application.Status.SUBMITTED
    ).count()
    return ChatMessage(
        title=_("Weekly digest: %(program)s") % {"program": program.name},
        text=_("How the program went in the last 7 days."),
        facts=[
            (_("Active pairs"), _shown(active.count())),
            (_("Sessions held this week"), _shown(held)),
            (_("Pairs at risk (no session lately)"), _shown(at_risk)),
            (_("Applications waiting for a decision"), _shown(pending)),
        ],
        link_label=_("Open the program"),
        link_url=absolute_url("programs:detail", program.pk),
    )


def digests_due(now: datetime | None = None) -> list[Delivery]:
    """The tick's job: on Mondays, send the digests not sent in the last six days."""
    now = now or timezone.now()
    if timezone.localtime(now).weekday() != 0:
        return []
    return digests_send(now=now)


def digests_tick(now: datetime) -> dict[str, int]:
    """`turnabout tick`'s hook: the Monday digests, counted for the tick's summary."""
    sent = len(digests_due(now))
    return {"chat digests": sent} if sent else {}


def digests_send(now: datetime | None = None) -> list[Delivery]:
    """Queue the digest of every program that has a channel wanting it."""
    deliveries: list[Delivery] = []
    now = now or timezone.now()
    with transaction.atomic():
        channels = [
            channel
            for channel in ChatChannel.objects.select_for_update().filter(active=True)
            if ChatEvent.WEEKLY_DIGEST in channel.events
            and (channel.last_digest_at is None or now - channel.last_digest_at > timedelta(days=6))
        ]
        for program in Program.objects.filter(pk__in={c.program_id for c in channels}).order_by(
            "pk"
        ):
            wanted = [c for c in channels if c.program_id == program.pk]
            deliveries += chat_announce(
                program.pk, ChatEvent.WEEKLY_DIGEST, program_digest(program), channels=wanted
            )
        ChatChannel.objects.filter(pk__in=[c.pk for c in channels]).update(last_digest_at=now)
    return deliveries
