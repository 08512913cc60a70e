"""Tasks survive a crash: leases renewed by a heartbeat, and a reaper for dead workers.

- Every `turnabout worker` holds a lease (`WorkerHeartbeat`) that a thread renews every
  `HEARTBEAT` seconds; the database backend records on each running task the id of the
  worker that claimed it.
- `reap()` (run by every live worker's heartbeat, so within a minute or two of a crash)
  finds running tasks none of whose workers holds a live lease: a task listed in
  `IDEMPOTENT` is put back in the queue (it is safe to run twice), any other is failed
  with the reason "the worker stopped".
- Long domain work keeps its own lease too (a match run's `heartbeat_at`); apps register a
  reaper for it with `register_reaper` (the pairing app fails runs whose worker died).

`TURNABOUT_TASK_LEASE_SECONDS` (default 60) is how long a silent worker is trusted.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, transaction
from django.utils import timezone

from turnabout.common.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

HEARTBEAT = 10.0  # seconds between renewals
REAP_EVERY = 30.0  # seconds between reaps by each worker

#: Task paths safe to run twice: re-queued when their worker died.
IDEMPOTENT: set[str] = set()
_reapers: list[Callable[[], int]] = []


def lease_seconds() -> float:
    return float(getattr(settings, "TURNABOUT_TASK_LEASE_SECONDS", 60))


def idempotent(task_path: str) -> None:
    """Declare a task (its dotted path) safe to re-queue after a crash."""
    IDEMPOTENT.add(task_path)


def register_reaper(reaper: Callable[[], int]) -> None:
    """Add a function that fails or re-queues an app's own work whose lease ran out; it
    returns how many things it reaped."""
    if reaper not in _reapers:
        _reapers.append(reaper)


def new_worker_id() -> str:
    return f"{socket.gethostname()[:40]}-{os.getpid()}"


def beat(worker_id: str) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id, defaults={"seen_at": timezone.now()}
    )


def reap() -> int:
    """Re-queue or fail the tasks of dead workers, then run the apps' reapers."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    cutoff = timezone.now() - timedelta(seconds=lease_seconds())
    alive = set(
        WorkerHeartbeat.objects.filter(seen_at__gte=cutoff).values_list("worker_id", flat=True)
    )
    reaped = 0
    with transaction.atomic():
        running = DBTaskResult.objects.select_for_update().filter(
            status=TaskResultStatus.RUNNING, started_at__lt=cutoff
        )
        for result in running:
            if result.worker_ids and result.worker_ids[-1] in alive:
                continue
            if result.task_path in IDEMPOTENT:
                result.status = TaskResultStatus.READY
                result.started_at = None
                result.save(update_fields=["status", "started_at"])
            else:
                result.status = TaskResultStatus.FAILED
                result.finished_at = timezone.now()
                result.exception_class_path = "turnabout.common.leases.WorkerStopped"
                result.traceback = "The worker stopped while running this task."
                result.save(
                    update_fields=["status", "finished_at", "exception_class_path", "traceback"]
                )
            logger.warning("Reaped task %s (%s) of a dead worker", result.pk, result.task_path)
            reaped += 1
    for reaper in list(_reapers):
        reaped += reaper()
    return reaped


def heartbeat_forever(worker_id: str, stop: threading.Event) -> None:
    """The worker's lease thread: renew every HEARTBEAT seconds, reap every REAP_EVERY."""
    since_reap = REAP_EVERY
    while True:
        try:
            beat(worker_id)
            if since_reap >= REAP_EVERY:
                reap()
                since_reap = 0.0
        except Exception:  # the next beat retries; a lease thread must not die
            logger.exception("Worker heartbeat failed")
        finally:
            close_old_connections()
        if stop.wait(HEARTBEAT):
            return
        since_reap += HEARTBEAT


class WorkerStopped(Exception):
    """The reason recorded on a task whose worker died."""
