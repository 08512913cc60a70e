from __future__ import annotations

import contextlib
import logging
import threading
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections

from turnabout.common import leases

logger = logging.getLogger(__name__)


def _tick_forever(every: float, stop: threading.Event) -> None:
    """Run `turnabout tick` (reminders; idempotent) every `every` seconds until stopped."""
    while not stop.wait(every):
        try:
            call_command("tick")
        except Exception:  # a failed tick must not stop the worker; the next one retries
            logger.exception("turnabout tick failed")
        finally:
            close_old_connections()


class Command(BaseCommand):
    help = (
        "Run a background task worker (the database queue, or Redis with TASKS_BACKEND=rq); "
        "run several for more throughput, and one per queue so match runs never wait behind "
        "emails. It also runs `turnabout tick` every few minutes unless --tick-every 0."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help="Exit when the queue is empty.")
        parser.add_argument(
            "--queue",
            default=",".join(settings.TASK_QUEUES),
            help="Comma-separated queues to work on (default: all, i.e. default,matching).",
        )
        parser.add_argument(
            "--tick-every",
            type=float,
            default=300.0,
            help="Seconds between reminder ticks (default 300; 0 turns them off, e.g. with cron).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        if options["tick_every"] > 0 and not options["batch"]:
            threading.Thread(
                target=_tick_forever, args=(options["tick_every"], stop), daemon=True
            ).start()
        queues = [queue.strip() for queue in options["queue"].split(",") if queue.strip()]
        unknown = set(queues) - set(settings.TASK_QUEUES)
        if not queues or unknown:
            raise CommandError(
                f"Unknown queue {', '.join(sorted(unknown)) or '(none)'}; "
                f"choose from {', '.join(settings.TASK_QUEUES)}."
            )
        # The lease: renewed while this worker lives; tasks of dead workers get reaped.
        worker_id = leases.new_worker_id()
        leases.beat(worker_id)
        threading.Thread(
            target=leases.heartbeat_forever, args=(worker_id, stop), daemon=True
        ).start()
        try:
            with contextlib.suppress(KeyboardInterrupt):
                if settings.TASKS["default"]["BACKEND"] == "django_tasks_rq.RQBackend":
                    burst = ["--burst"] if options["batch"] else []
                    call_command("rqworker", *queues, "--job-class", "django_tasks_rq.Job", *burst)
                else:
                    batch = ["--batch"] if options["batch"] else []
                    call_command(
                        "db_worker",
                        "--no-startup-delay",
                        "--no-reload",
                        "--queue-name",
                        ",".join(queues),
                        "--worker-id",
                        worker_id,
                        *batch,
                    )
        finally:
            stop.set()
