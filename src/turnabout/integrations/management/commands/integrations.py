"""`turnabout integrations digest`: queue every program's weekly chat digest now."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from turnabout.integrations.digest import digests_send


class Command(BaseCommand):
    help = "Integrations: `digest` queues the weekly chat digest of every program now."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["digest"])

    def handle(self, *args: Any, **options: Any) -> None:
        deliveries = digests_send()
        self.stdout.write(f"{len(deliveries)} digest messages queued.")
