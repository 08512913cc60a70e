"""From audit records to chat messages and webhook events.

Connected to `post_save` of `AuditRecord` in `IntegrationsConfig.ready()`: the deliveries
are written in the transaction of the change they report and posted after it commits.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from turnabout.common.email import absolute_url
from turnabout.common.models import AuditRecord
from turnabout.integrations.chat import ChatMessage, payload_for
from turnabout.integrations.models import ChatChannel, ChatEvent, Delivery
from turnabout.integrations.tasks import enqueue_deliveries
from turnabout.integrations.webhooks import webhook_event_from_audit
from turnabout.pairing.models import MatchRun
from turnabout.programs.models import Cohort


def on_audit_record(sender: Any, instance: AuditRecord, created: bool, **kwargs: Any) -> None:
    if not created:
        return
    if instance.event == "cohort.phase_changed":
        phase = (instance.changes or {}).get("phase") or [None, None]
        if phase[-1] == "applications_open":
            _cohort_open(int(instance.target_id))
    elif instance.event == "match_run.published":
        _pairs_published(int(instance.target_id), instance.message)
    webhook_event_from_audit(instance)


def _cohort_open(cohort_id: int) -> None:
    cohort = Cohort.objects.select_related("program").filter(pk=cohort_id).first()
    if cohort is None:
        return
    message = ChatMessage(
        title=_("Applications are open: %(program)s") % {"program": cohort.program.name},
        text=_("%(cohort)s takes applications now. Mentors and mentees, tell us you're in!")
        % {"cohort": cohort.name},
        link_label=_("Apply"),
        link_url=absolute_url("home"),
    )
    chat_announce(cohort.program_id, ChatEvent.COHORT_OPEN, message)


def _pairs_published(run_id: int, summary: str) -> None:
    run = MatchRun.objects.select_related("cohort__program").filter(pk=run_id).first()
    if run is None:
        return
    program = run.cohort.program
    message = ChatMessage(
        title=_("Pairs published: %(program)s") % {"program": program.name},
        text=_("%(cohort)s has its pairs. %(summary)s Everyone matched has an email.")
        % {"cohort": run.cohort.name, "summary": summary},
        link_label=_("Open Turnabout"),
        link_url=absolute_url("home"),
    )
    chat_announce(program.pk, ChatEvent.PAIRS_PUBLISHED, message)


def chat_announce(
    program_id: int,
    event: str,
    message: ChatMessage,
    *,
    channels: list[ChatChannel] | None = None,
) -> list[Delivery]:
    """A delivery per active channel of the program that wants `event`, sent after commit."""
    if channels is None:
        channels = [
            channel
            for channel in ChatChannel.objects.filter(program_id=program_id, active=True)
            if event in channel.events
        ]
    deliveries = [
        Delivery.objects.create(
            channel=channel, event=event, payload=payload_for(channel.kind, message)
        )
        for channel in channels
    ]
    enqueue_deliveries(deliveries)
    return deliveries
