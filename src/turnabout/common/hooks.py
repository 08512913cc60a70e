"""Hooks: how a lower app lets a higher one join in without importing it.

A higher app registers a callable in its `AppConfig.ready()`; the lower app calls whatever
is registered. The layers stay one-way (see the import-linter contracts).

- `tick`: periodic work run by `turnabout tick` (and the worker's timer) after the
  reminders; each callable takes `now` and returns a short summary line (or "").
- `program_sections`: extra sections of a program's page; each callable takes the request
  and the program and returns HTML (or "").
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

TickHook = Callable[[datetime], str]
SectionHook = Callable[[Any, Any], str]

_tick: dict[str, TickHook] = {}
_program_sections: dict[str, SectionHook] = {}


def register_tick(name: str, hook: TickHook) -> None:
    _tick[name] = hook


def tick_hooks() -> list[tuple[str, TickHook]]:
    return sorted(_tick.items())


def register_program_section(name: str, hook: SectionHook) -> None:
    _program_sections[name] = hook


def program_sections() -> list[tuple[str, SectionHook]]:
    return sorted(_program_sections.items())
