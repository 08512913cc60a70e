"""Periodic work of higher apps that `turnabout tick` runs after the engagement reminders.

Engagement sits below the apps that need a tick (feedback's survey invitations, for
one): it never imports them. Each registers a hook from its `AppConfig.ready()`:

    tick_hook_register("feedback", surveys_tick)

A hook takes the tick's `now`, must be idempotent (the tick may run twice, or twice at
once) and returns counts of what it did by label, for the command's one-line summary.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

TickHook = Callable[[datetime], Mapping[str, int]]

_HOOKS: dict[str, TickHook] = {}


def tick_hook_register(name: str, hook: TickHook) -> None:
    """Add (or replace) the hook called `name`."""
    _HOOKS[name] = hook


def tick_hooks_run(now: datetime) -> dict[str, int]:
    """Run every registered hook, in registration order; their counts merged."""
    counts: dict[str, int] = {}
    for hook in list(_HOOKS.values()):
        for label, n in hook(now).items():
            counts[label] = counts.get(label, 0) + n
    return counts
