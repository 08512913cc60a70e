"""Insights joins in the lower apps' hooks: the tick and the program page."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from turnabout.common import hooks
from turnabout.engagement.ticks import tick_hook_register
from turnabout.insights.services import insights_tick
from turnabout.insights.views import program_kpi_section


def _tick(now: datetime) -> dict[str, int]:
    result = insights_tick(now=now)
    return {
        "pair health changes": result.health_changes,
        "KPI snapshots": result.snapshots,
        "health digests": result.digests,
    }


def _program_section(request: Any, program: Any) -> str:
    return program_kpi_section(request, program)


def register() -> None:
    tick_hook_register("insights", _tick)
    hooks.register_program_section("insights", _program_section)
