"""Who may see and do what in insights. Nowhere else decides.

- A program's managers (and org admins) see everything insights computes about the
  program: KPI values, dashboards, each active pair's health state and the *names* of the
  signals behind it (never a private value), group breakdowns above the floor, exports of
  every manager table, and the lessons. They record custom KPI values, check-in notes,
  snooze a signal, offer a re-match and apply suggested weights.
- Sponsors see aggregates only: KPI values and history, dashboards, group breakdowns
  above the floor, retention, cohort comparison, the printable report and aggregate
  exports. Never a pair, a person or a check-in note.
- Participants see nothing here; their own figures live on their hub.
"""

from __future__ import annotations

from turnabout.common.types import AnyUser
from turnabout.programs import permissions as program_permissions
from turnabout.programs.models import Program


def can_view_insights(user: AnyUser, program: Program) -> bool:
    """Aggregates of a program: its managers, org admins and sponsors."""
    return program_permissions.can_view_program_aggregates(user, program)


def can_view_pairs(user: AnyUser, program: Program) -> bool:
    """Per-pair health, check-in notes, per-person exports: the program's managers."""
    return program_permissions.can_manage_program(user, program)


def can_act_on_pairs(user: AnyUser, program: Program) -> bool:
    return program_permissions.can_manage_program(user, program)


def can_record_values(user: AnyUser, program: Program) -> bool:
    return program_permissions.can_manage_program(user, program)


def can_apply_lessons(user: AnyUser, program: Program) -> bool:
    return program_permissions.can_manage_program(user, program)
