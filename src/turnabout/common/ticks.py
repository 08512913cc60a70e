"""The periodic tick's hook: apps register idempotent jobs that `turnabout tick` runs.

The tick command lives in a low app (engagement) but higher apps (recognition) have periodic
work too; they register it here from their `AppConfig.ready`, so nothing imports upward.
Every job must be idempotent and safe to run twice at once; it returns a one-line summary
(or "" when it did nothing).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

TickJob = Callable[[datetime], str]

_JOBS: dict[str, TickJob] = {}


def register(name: str, job: TickJob) -> None:
    _JOBS[name] = job


def jobs() -> list[tuple[str, TickJob]]:
    return sorted(_JOBS.items())
