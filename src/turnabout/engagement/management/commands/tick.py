"""`turnabout tick`: record due reminders once and queue their emails (run it from cron)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from turnabout.engagement.services import reminders_run
from turnabout.engagement.ticks import tick_hooks_run
from turnabout.learning.services import readiness_reminders_run


class Command(BaseCommand):
    help = (
        "Find due engagement reminders (no session planned, session not logged, agreement "
        "unsigned, pair stalled), record each once and queue its email for the task worker. "
        "Idempotent: safe to run every few minutes from cron, or twice at once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now",
            help="Pretend it is this ISO date-time (with offset), e.g. for a demo or a test.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        if options["now"]:
            try:
                now = datetime.fromisoformat(options["now"])
            except ValueError as exc:
                raise CommandError(f"--now: not an ISO date-time: {options['now']!r}") from exc
            if timezone.is_naive(now):
                raise CommandError("--now needs a time zone offset, e.g. 2026-09-01T09:00+00:00")
        result = reminders_run(now=now)
        others = tick_hooks_run(now)  # higher apps' periodic work (survey invitations, ...)
        training = len(readiness_reminders_run(now=now))  # learning sits below: called here
        if training:
            others = {"training reminders": training, **others}
        if result.total:
            parts = ", ".join(
                f"{n} {kind.replace('_', ' ')}" for kind, n in sorted(result.created.items())
            )
            self.stdout.write(f"Queued {result.total} reminders: {parts}.")
        else:
            self.stdout.write("No reminders due.")
        if others:
            self.stdout.write(
                "Also queued: " + ", ".join(f"{n} {label}" for label, n in others.items()) + "."
            )
