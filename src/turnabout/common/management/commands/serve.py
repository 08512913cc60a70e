from __future__ import annotations

import os
import signal
import subprocess
import sys
from types import FrameType
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from turnabout.common import startup


def _raise_keyboard_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _stop(worker: subprocess.Popen[bytes]) -> None:
    """Ask the worker to finish its current task, kill it after 10 s, and always reap it."""
    if worker.poll() is None:
        worker.send_signal(signal.SIGINT)
    try:
        worker.wait(timeout=10)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()  # reaped, so no zombie outlives `serve`


class Command(BaseCommand):
    help = "Serve the web app and run the task worker beside it; Ctrl-C stops both."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--no-worker", action="store_true", help="Serve pages only.")

    def handle(self, *args: Any, **options: Any) -> None:
        workers: list[subprocess.Popen[bytes]] = []
        if not options["no_worker"]:
            # One worker per queue, so a match run never waits behind a backlog of emails;
            # the default one runs the periodic tick. Same process group: Ctrl-C reaches them.
            command = [sys.executable, "-m", "turnabout.cli", "worker"]
            workers = [
                subprocess.Popen([*command, "--queue", "default"]),  # noqa: S603  (our own CLI)
                subprocess.Popen(  # noqa: S603  (our own interpreter and arguments)
                    [*command, "--queue", "matching", "--tick-every", "0"]
                ),
            ]
            pids = ", ".join(str(worker.pid) for worker in workers)
            self.stdout.write(f"Task workers started (default and matching queues; pids {pids}).")
        signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)  # `kill` stops both as well
        try:
            self._print_banner(options["host"], options["port"])
            call_command(
                "runserver",
                f"{options['host']}:{options['port']}",
                use_reloader=False,
                use_threading=True,
            )
        except KeyboardInterrupt:
            pass
        finally:
            for worker in workers:
                _stop(worker)
            self.stdout.write("Stopped the web server and the task worker.")

    def _print_banner(self, host: str, port: int) -> None:
        self.stdout.write(self.style.SUCCESS(f"\nTurnabout is running at http://{host}:{port}/"))
        for line in startup.banner_lines():
            self.stdout.write(line)
        self.stdout.write("Press Ctrl-C to stop the web server and the task worker.\n")
