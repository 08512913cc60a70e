"""Checks across rows and against the database: unique ids and emails, managers, dates."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from turnabout.people.importing.cells import _Row, _shown
from turnabout.people.importing.report import RowError
from turnabout.people.models import Employee


@dataclass
class _Existing:
    """What the database holds, loaded in a few queries."""

    pk_by_id: dict[str, int]
    id_by_pk: dict[int, str]
    manager_pk_by_pk: dict[int, int | None]
    owners_by_email: dict[str, set[str]]  # casefolded email -> employee ids
    email_by_pk: dict[int, str]

    @classmethod
    def load(cls) -> _Existing:
        existing = cls({}, {}, {}, defaultdict(set), {})
        for pk, employee_id, email, manager_pk in Employee.objects.values_list(
            "pk", "employee_id", "email", "manager_id"
        ).order_by():
            existing.pk_by_id[employee_id] = pk
            existing.id_by_pk[pk] = employee_id
            existing.manager_pk_by_pk[pk] = manager_pk
            existing.owners_by_email[email.casefold()].add(employee_id)
            existing.email_by_pk[pk] = email
        return existing

    def manager_id_of(self, employee_id: str) -> str | None:
        pk = self.pk_by_id.get(employee_id)
        manager_pk = self.manager_pk_by_pk.get(pk) if pk is not None else None
        return self.id_by_pk.get(manager_pk) if manager_pk is not None else None


def _check_manager_map(
    manager_of: dict[str, tuple[int, str | None]],
    row_of_id: dict[str, int],
    existing: _Existing,
    errors: list[RowError],
) -> None:
    """Managers must exist (in the file or the database), not be oneself, form no cycle.

    `manager_of` maps each employee id of the file (its first row) to (row, manager id).
    """
    line: dict[str, str | None] = {}  # the reporting line after the import
    for pk, employee_id in existing.id_by_pk.items():
        manager_pk = existing.manager_pk_by_pk[pk]
        line[employee_id] = existing.id_by_pk.get(manager_pk) if manager_pk else None
    for employee_id, (number, manager) in manager_of.items():
        line[employee_id] = None
        if manager is None:
            continue
        if manager == employee_id:
            errors.append(
                RowError(
                    number,
                    "manager_employee_id",
                    _shown(manager),
                    _("an employee cannot be their own manager"),
                )
            )
        elif manager not in row_of_id and manager not in existing.pk_by_id:
            errors.append(
                RowError(
                    number,
                    "manager_employee_id",
                    _shown(manager),
                    _("manager '%(value)s' is neither in the file nor already in Turnabout")
                    % {"value": manager},
                )
            )
        else:
            line[employee_id] = manager

    # The graph has at most one edge out of each node: walk from every row, colouring nodes.
    done: set[str] = set()
    for start in manager_of:
        path: list[str] = []
        on_path: set[str] = set()
        node: str | None = start
        while node is not None and node not in done and node not in on_path:
            path.append(node)
            on_path.add(node)
            node = line.get(node)
        if node is not None and node in on_path:
            cycle = path[path.index(node) :]
            shown = " → ".join([*cycle, cycle[0]])
            for member in cycle:
                if member in manager_of:
                    member_row, member_manager = manager_of[member]
                    errors.append(
                        RowError(
                            member_row,
                            "manager_employee_id",
                            _shown(member_manager or ""),
                            _("manager cycle: %(cycle)s") % {"cycle": shown},
                        )
                    )
        done.update(path)


def _check_dates_and_status(
    rows: list[_Row], current: dict[str, Employee], errors: list[RowError]
) -> None:
    """A terminated employee needs a termination date, not before the hire date.

    A column absent from the file keeps the stored value, so the check uses that.
    """
    bad_rows = {
        error.row
        for error in errors
        if error.column in {"status", "hire_date", "termination_date", "employee_id"}
    }
    for row in rows:
        if row.number in bad_rows:
            continue
        employee = current.get(row.employee_id)

        def effective(name: str, row: _Row = row, employee: Employee | None = employee) -> Any:
            if name in row.values:
                return row.values[name]
            return getattr(employee, name) if employee is not None else None

        status, terminated_on, hired_on = (
            effective("status"),
            effective("termination_date"),
            effective("hire_date"),
        )
        if status == Employee.Status.TERMINATED and terminated_on is None:
            errors.append(
                RowError(
                    row.number,
                    "termination_date",
                    row.raw.get("termination_date", ""),
                    _("a terminated employee needs a termination date"),
                )
            )
        elif terminated_on is not None and hired_on is not None and terminated_on < hired_on:
            errors.append(
                RowError(
                    row.number,
                    "termination_date",
                    row.raw.get("termination_date", terminated_on.isoformat()),
                    _("termination date %(end)s is before the hire date %(start)s")
                    % {"end": terminated_on.isoformat(), "start": hired_on.isoformat()},
                )
            )
