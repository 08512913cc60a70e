"""The service: check the whole file, then plan and apply it in one transaction."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from turnabout.accounts import permissions
from turnabout.accounts.services import users_deactivate, users_deactivate_count
from turnabout.common.audit import AuditEntry, AuditEvent, audit_record, audit_record_many
from turnabout.common.errors import Conflict, PermissionDenied
from turnabout.common.types import AnyUserOrSystem
from turnabout.people.importing.cells import _clean_row, _Row
from turnabout.people.importing.checks import (
    _check_dates_and_status,
    _check_ids_and_emails,
    _check_managers,
    _Existing,
)
from turnabout.people.importing.columns import _BATCH, _DIRECT_FIELDS, COLUMNS
from turnabout.people.importing.read import _read_table, _Table
from turnabout.people.importing.report import ImportReport, RowError
from turnabout.people.leavers import leavers_count, leavers_end
from turnabout.people.models import Employee, ResourceGroup


@dataclass
class _Plan:
    """What applying the file would change."""

    creates: list[_Row] = field(default_factory=list)
    updates: dict[str, dict[str, tuple[Any, Any]]] = field(default_factory=dict)  # id -> changes
    unchanged: int = 0


def people_import(
    *, content: bytes, filename: str, acting_user: AnyUserOrSystem, dry_run: bool = False
) -> ImportReport:
    """Check an HR export and, when every row is valid, upsert its people by employee id.

    `acting_user` None is the system (the command line); anybody else needs the right to
    import people. Raises ImportFileError for a file that cannot be read at all.
    """
    if acting_user is not None and not permissions.can_import_people(acting_user):
        raise PermissionDenied(_("Only organisation admins can import people."))
    table = _read_table(content, filename)
    try:
        with transaction.atomic():
            return _import_table(table, filename=filename, acting_user=acting_user, dry_run=dry_run)
    except IntegrityError as exc:
        raise Conflict(
            _("The people changed while the file was being imported. Import it again.")
        ) from exc


def _import_table(
    table: _Table, *, filename: str, acting_user: AnyUserOrSystem, dry_run: bool
) -> ImportReport:
    errors: list[RowError] = []
    rows = [_clean_row(number, cells, table.columns, errors) for number, cells in table.rows]
    existing = _Existing.load()
    by_id = _check_ids_and_emails(rows, existing, "email" in table.columns, errors)
    if "manager_employee_id" in table.columns:
        _check_managers(rows, by_id, existing, errors)
    current = _load_current(existing, [row for row in by_id.values() if row.employee_id])
    _check_dates_and_status(rows, current, errors)
    if errors:
        column_order = {column: index for index, column in enumerate(COLUMNS)}
        errors.sort(key=lambda error: (error.row, column_order.get(error.column, 99)))
        return ImportReport(len(rows), 0, 0, 0, errors, dry_run)

    groups = _resource_groups_by_name() if "ergs" in table.columns else {}
    memberships = _memberships(current) if "ergs" in table.columns else {}
    plan = _plan(rows, current, existing, groups, memberships)
    access = _access_plan(rows, current)
    preview = users_deactivate_count(access.leaver_user_ids)
    report = ImportReport(
        total_rows=len(rows),
        created=len(plan.creates),
        updated=len(plan.updates),
        unchanged=plan.unchanged,
        errors=[],
        dry_run=dry_run,
        accounts_deactivated=preview.accounts,
        tokens_revoked=preview.tokens,
        mentorships_ended=leavers_count(access.leaver_pks),
        reinvite_needed=access.reinvite_needed,
    )
    if dry_run or not (
        report.changed
        or report.accounts_deactivated
        or report.tokens_revoked
        or report.mentorships_ended
    ):
        return report
    _apply(plan, rows, current, existing, groups, memberships, acting_user=acting_user)
    done = users_deactivate(
        access.leaver_user_ids,
        reason=_("Terminated in the HR import (%(file)s).") % {"file": filename},
        acting_user=acting_user,
    )
    report.accounts_deactivated, report.tokens_revoked = done.accounts, done.tokens
    report.mentorships_ended = leavers_end(access.leaver_pks, acting_user=acting_user)
    changes: dict[str, tuple[Any, Any]] = {
        "rows": (None, report.total_rows),
        "created": (None, report.created),
        "updated": (None, report.updated),
        "unchanged": (None, report.unchanged),
    }
    for name in ("accounts_deactivated", "tokens_revoked", "mentorships_ended"):
        if getattr(report, name):
            changes[name] = (None, getattr(report, name))
    audit_record(
        actor=acting_user,
        event=AuditEvent.PEOPLE_IMPORTED,
        changes=changes,
        message=_("%(file)s: %(summary)s") % {"file": filename, "summary": report.summary()},
    )
    return report


@dataclass
class _AccessPlan:
    """Employees of the file who end up terminated, and those coming back from it."""

    leaver_pks: list[int] = field(default_factory=list)
    leaver_user_ids: list[int] = field(default_factory=list)
    reinvite_needed: int = 0


def _access_plan(rows: list[_Row], current: dict[str, Employee]) -> _AccessPlan:
    """Who loses access: every existing employee whose status after the import is
    terminated (whether this file terminates them or they were already), so an account
    left active by mistake is caught too. New people have no account and no pairs yet.

    Who comes back: terminated before, not after, with a deactivated account."""
    plan = _AccessPlan()
    returning_users: list[int] = []
    for row in rows:
        employee = current.get(row.employee_id)
        if employee is None:
            continue
        status = row.values.get("status", employee.status)
        if status == Employee.Status.TERMINATED:
            plan.leaver_pks.append(employee.pk)
            if employee.user_id is not None:
                plan.leaver_user_ids.append(employee.user_id)
        elif employee.status == Employee.Status.TERMINATED and employee.user_id is not None:
            returning_users.append(employee.user_id)
    for chunk in _chunks(returning_users):
        plan.reinvite_needed += (
            get_user_model().objects.filter(pk__in=chunk, is_active=False).count()
        )
    return plan


def _chunks(items: Sequence[Any], size: int = _BATCH) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _load_current(existing: _Existing, rows: list[_Row]) -> dict[str, Employee]:
    pks = [
        existing.pk_by_id[row.employee_id] for row in rows if row.employee_id in existing.pk_by_id
    ]
    current: dict[str, Employee] = {}
    for chunk in _chunks(pks):
        for employee in Employee.objects.filter(pk__in=chunk).order_by():
            current[employee.employee_id] = employee
    return current


def _resource_groups_by_name() -> dict[str, ResourceGroup]:
    return {group.name.casefold(): group for group in ResourceGroup.objects.order_by()}


def _memberships(current: dict[str, Employee]) -> dict[int, dict[int, int]]:
    """employee pk -> {resource group pk: pk of the membership row}."""
    through = Employee.resource_groups.through
    result: dict[int, dict[int, int]] = {employee.pk: {} for employee in current.values()}
    for chunk in _chunks(list(result)):
        for pk, employee_pk, group_pk in through.objects.filter(employee_id__in=chunk).values_list(
            "pk", "employee_id", "resourcegroup_id"
        ):
            result[employee_pk][group_pk] = pk
    return result


def _group_names(names: Iterable[str], groups: dict[str, ResourceGroup]) -> list[str]:
    """Names as stored (an existing group keeps its spelling), sorted for comparison."""
    return sorted(
        groups[name.casefold()].name if name.casefold() in groups else name for name in names
    )


def _plan(
    rows: list[_Row],
    current: dict[str, Employee],
    existing: _Existing,
    groups: dict[str, ResourceGroup],
    memberships: dict[int, dict[int, int]],
) -> _Plan:
    plan = _Plan()
    group_name_by_pk = {group.pk: group.name for group in groups.values()}
    for row in rows:
        employee = current.get(row.employee_id)
        if employee is None:
            plan.creates.append(row)
            continue
        changes: dict[str, tuple[Any, Any]] = {}
        for name, new in row.values.items():
            old = getattr(employee, name)
            if old != new:
                changes[name] = (old, new)
        if "manager_employee_id" in row.raw:
            old_manager = existing.manager_id_of(row.employee_id)
            if old_manager != row.manager_employee_id:
                changes["manager"] = (old_manager, row.manager_employee_id)
        if row.ergs is not None:
            old_groups = sorted(group_name_by_pk[pk] for pk in memberships.get(employee.pk, ()))
            new_groups = _group_names(row.ergs, groups)
            if old_groups != new_groups:
                changes["resource_groups"] = (old_groups, new_groups)
        if changes:
            plan.updates[row.employee_id] = changes
        else:
            plan.unchanged += 1
    return plan


def _apply(
    plan: _Plan,
    rows: list[_Row],
    current: dict[str, Employee],
    existing: _Existing,
    groups: dict[str, ResourceGroup],
    memberships: dict[int, dict[int, int]],
    *,
    acting_user: AnyUserOrSystem,
) -> None:
    now = timezone.now()
    _update_fields(plan, current, existing, now)

    created = _create(plan.creates, existing)
    created_ids = {employee.employee_id for employee in created}
    by_id = {**current, **{employee.employee_id: employee for employee in created}}
    pk_by_id = {**existing.pk_by_id, **{e.employee_id: e.pk for e in created}}

    # Second pass: the reporting line of existing people, and of new people created too deep
    # in the file's tree to get their manager on creation.
    with_new_manager: list[Employee] = []
    for row in rows:
        employee = by_id[row.employee_id]
        changes = plan.updates.get(row.employee_id, {})
        if "manager" in changes or (
            row.employee_id in created_ids
            and row.manager_employee_id
            and employee.manager_id is None
        ):
            employee.manager_id = (
                pk_by_id[row.manager_employee_id] if row.manager_employee_id else None
            )
            with_new_manager.append(employee)
    Employee.objects.bulk_update(with_new_manager, ["manager"], batch_size=_BATCH)

    _set_resource_groups(plan, rows, by_id, created_ids, groups, memberships)

    entries: list[AuditEntry] = []
    for row in rows:
        employee = by_id[row.employee_id]
        if row.employee_id in created_ids:
            values: dict[str, tuple[Any, Any]] = {
                name: (None, value)
                for name, value in row.values.items()
                if value not in (None, "", [])
            }
            if row.manager_employee_id:
                values["manager"] = (None, row.manager_employee_id)
            if row.ergs:
                values["resource_groups"] = (None, _group_names(row.ergs, groups))
            entries.append(AuditEntry(AuditEvent.PERSON_CREATED, employee, values))
        elif row.employee_id in plan.updates:
            entries.append(
                AuditEntry(AuditEvent.PERSON_UPDATED, employee, plan.updates[row.employee_id])
            )
    audit_record_many(actor=acting_user, entries=entries)


_MAX_WAVES = 25


def _create(rows: list[_Row], existing: _Existing) -> list[Employee]:
    """Create new people, managers first, so that most get their manager in the same insert.

    A new person's depth is how many new managers stand above them. People are inserted in
    waves by depth; anyone deeper than _MAX_WAVES is inserted without a manager, which the
    second pass sets. The file holds no cycles (checked before), so every walk ends.
    """
    new_ids = {row.employee_id: row for row in rows}
    depth: dict[str, int] = {}
    for row in rows:
        path: list[str] = []
        node: str | None = row.employee_id
        while node is not None and node in new_ids and node not in depth:
            path.append(node)
            node = new_ids[node].manager_employee_id
        base = depth[node] + 1 if node is not None and node in depth else 0
        for offset, employee_id in enumerate(reversed(path)):
            depth[employee_id] = base + offset

    pk_by_id = dict(existing.pk_by_id)
    waves: dict[int, list[_Row]] = defaultdict(list)
    for row in rows:
        waves[min(depth[row.employee_id], _MAX_WAVES)].append(row)
    created: list[Employee] = []
    for level in sorted(waves):
        employees = [
            Employee(
                employee_id=row.employee_id,
                manager_id=pk_by_id.get(row.manager_employee_id or "")
                if level < _MAX_WAVES
                else None,
                **row.values,
            )
            for row in waves[level]
        ]
        Employee.objects.bulk_create(employees, batch_size=_BATCH)
        if any(employee.pk is None for employee in employees):  # databases returning no ids
            fetched = dict(
                Employee.objects.filter(
                    employee_id__in=[employee.employee_id for employee in employees]
                ).values_list("employee_id", "pk")
            )
            for employee in employees:
                employee.pk = fetched[employee.employee_id]
        pk_by_id.update((employee.employee_id, employee.pk) for employee in employees)
        created.extend(employees)
    return created


def _update_fields(
    plan: _Plan, current: dict[str, Employee], existing: _Existing, now: datetime
) -> None:
    """Changed fields of existing people, grouped so each bulk update sets few columns."""
    by_fields: dict[tuple[str, ...], list[Employee]] = defaultdict(list)
    for employee_id, changes in plan.updates.items():
        employee = current[employee_id]
        names = tuple(sorted(name for name in changes if name in _DIRECT_FIELDS))
        if not names:
            continue
        for name in names:
            setattr(employee, name, changes[name][1])
        employee.updated_at = now
        by_fields[(*names, "updated_at")].append(employee)

    # Two people swapping emails would break the unique constraint halfway: park first.
    moving = [employees for names, employees in by_fields.items() if "email" in names]
    movers = [employee for group in moving for employee in group]
    held_by = {email: pk for pk, email in existing.email_by_pk.items()}
    if any(held_by.get(employee.email, employee.pk) != employee.pk for employee in movers):
        parked = [
            Employee(pk=employee.pk, email=f"import-{employee.pk}@swap.invalid")
            for employee in movers
        ]
        Employee.objects.bulk_update(parked, ["email"], batch_size=_BATCH)

    for names, employees in by_fields.items():
        Employee.objects.bulk_update(employees, list(names), batch_size=_BATCH)

    # People whose only change is their manager or groups are still updated people.
    touched = [
        current[employee_id]
        for employee_id, changes in plan.updates.items()
        if not any(name in _DIRECT_FIELDS for name in changes)
    ]
    for employee in touched:
        employee.updated_at = now
    Employee.objects.bulk_update(touched, ["updated_at"], batch_size=_BATCH)


def _set_resource_groups(
    plan: _Plan,
    rows: list[_Row],
    by_id: dict[str, Employee],
    created_ids: set[str],
    groups: dict[str, ResourceGroup],
    memberships: dict[int, dict[int, int]],
) -> None:
    rows_with_groups = [
        row
        for row in rows
        if row.ergs is not None
        and (
            row.employee_id in created_ids
            or "resource_groups" in plan.updates.get(row.employee_id, {})
        )
    ]
    if not rows_with_groups:
        return
    missing: dict[str, str] = {}
    for row in rows_with_groups:
        for name in row.ergs or ():
            if name.casefold() not in groups:
                missing.setdefault(name.casefold(), name)
    if missing:
        ResourceGroup.objects.bulk_create(
            [ResourceGroup(name=name) for name in missing.values()], batch_size=_BATCH
        )
        groups.update(
            (group.name.casefold(), group)
            for group in ResourceGroup.objects.filter(name__in=list(missing.values()))
        )

    through = Employee.resource_groups.through
    to_add: list[Any] = []
    to_remove: list[int] = []
    for row in rows_with_groups:
        employee = by_id[row.employee_id]
        wanted = {groups[name.casefold()].pk for name in row.ergs or ()}
        held = memberships.get(employee.pk, {})
        to_add.extend(
            through(employee_id=employee.pk, resourcegroup_id=group_pk)
            for group_pk in sorted(wanted - held.keys())
        )
        to_remove.extend(pk for group_pk, pk in held.items() if group_pk not in wanted)
    for chunk in _chunks(to_remove):
        through.objects.filter(pk__in=chunk).delete()
    through.objects.bulk_create(to_add, batch_size=_BATCH)
