"""Hooks: how a lower app lets a higher one join in without importing it.

A higher app registers a callable in its `AppConfig.ready()`; the lower app calls whatever
is registered. The layers stay one-way (see the import-linter contracts).

(Periodic work has its own registry where the tick lives: `engagement.ticks`.)
- `program_sections`: extra sections of a program's page; each callable takes the request
  and the program and returns HTML (or "").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

SectionHook = Callable[[Any, Any], str]

_program_sections: dict[str, SectionHook] = {}


def register_program_section(name: str, hook: SectionHook) -> None:
    _program_sections[name] = hook


def program_sections() -> list[tuple[str, SectionHook]]:
    return sorted(_program_sections.items())
