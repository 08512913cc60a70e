"""Periodic work beyond `turnabout tick`: apps above `common` register a function here (from
their AppConfig.ready) and the worker's tick thread calls each one every tick. Each must be
idempotent and cheap when there is nothing to do (the tick runs every few minutes)."""

from __future__ import annotations

import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)

Tick = Callable[[], object]
_ticks: list[Tick] = []


def register_tick(tick: Tick) -> None:
    if tick not in _ticks:
        _ticks.append(tick)


def run_ticks() -> None:
    for tick in _ticks:
        try:
            tick()
        except Exception:  # one failing job must not stop the others or the worker
            logger.exception("periodic job %s failed", getattr(tick, "__name__", tick))
