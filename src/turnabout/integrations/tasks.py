"""Background work of the integrations: post deliveries (with retries), weekly digests."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING

from django.db import transaction
from django_tasks import task

if TYPE_CHECKING:
    from turnabout.integrations.models import Delivery


@task()
def deliver(delivery_id: int) -> None:
    """Post one delivery; on failure, enqueue the next attempt after the backoff."""
    from turnabout.integrations.delivery import delivery_attempt
    from turnabout.integrations.models import Delivery

    delivery = delivery_attempt(delivery_id)
    if delivery is not None and delivery.status == Delivery.Status.PENDING:
        deliver.using(run_after=delivery.next_attempt_at).enqueue(delivery_id)


@task()
def send_weekly_digests() -> int:
    """Post each program's weekly digest to the channels that want it; returns how many."""
    from turnabout.integrations.digest import digests_send

    return len(digests_send())


def enqueue_deliveries(deliveries: Sequence[Delivery]) -> None:
    """Post each delivery once the transaction that wrote it commits."""
    for delivery in deliveries:
        transaction.on_commit(partial(deliver.enqueue, delivery.pk))
