"""Insights joins in the lower apps' hooks: the tick and the program page."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from turnabout.common import hooks


def _tick(now: datetime) -> str:
    from turnabout.insights.services import insights_tick

    result = insights_tick(now=now)
    return (
        f"Insights: {result.health_changes} pair health changes, {result.snapshots} KPI "
        f"snapshots, {result.digests} digests."
    )


def _program_section(request: Any, program: Any) -> str:
    from turnabout.insights.views import program_kpi_section

    return program_kpi_section(request, program)


def register() -> None:
    hooks.register_tick("insights", _tick)
    hooks.register_program_section("insights", _program_section)
