"""The service: check the whole file, then plan and apply it in one transaction.

Both passes stream the file in batches of `_BATCH` rows: the check pass keeps only index
maps (row of each employee id, first row of each email, each row's manager) and counts;
the apply pass reads the file again and writes each batch (people, groups, audit). So the
memory an import needs grows with those maps, not with the rows' contents.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
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
from turnabout.people.importing.cells import _clean_row, _Row, _shown
from turnabout.people.importing.checks import (
    _check_dates_and_status,
    _check_manager_map,
    _Existing,
)
from turnabout.people.importing.columns import _BATCH, _DIRECT_FIELDS, COLUMNS
from turnabout.people.importing.read import _open_table, _Source
from turnabout.people.importing.report import ImportReport, RowError
from turnabout.people.leavers import leavers_count, leavers_end
from turnabout.people.models import Employee, ResourceGroup


@dataclass
class _Plan:
    """What applying one batch of the file would change."""

    creates: list[_Row] = field(default_factory=list)
    updates: dict[str, dict[str, tuple[Any, Any]]] = field(default_factory=dict)  # id -> changes
    unchanged: int = 0


@dataclass
class _Check:
    """What the check pass keeps: index maps and counts, never the rows themselves."""

    row_of_id: dict[str, int] = field(default_factory=dict)  # first row of each id
    row_of_email: dict[str, tuple[int, str]] = field(default_factory=dict)  # -> (row, id)
    manager_of: dict[str, tuple[int, str | None]] = field(default_factory=dict)  # id -> (row, m)
    email_owned: list[tuple[int, str, str, list[str]]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    email_swap: bool = False  # an email moves to somebody who holds another's
    movers: list[int] = field(default_factory=list)  # pks whose email changes
    leaver_pks: list[int] = field(default_factory=list)
    leaver_user_ids: list[int] = field(default_factory=list)
    returning_users: list[int] = field(default_factory=list)


def people_import(
    *, content: bytes, filename: str, acting_user: AnyUserOrSystem, dry_run: bool = False
) -> ImportReport:
    """Check an HR export and, when every row is valid, upsert its people by employee id.

    `acting_user` None is the system (the command line); anybody else needs the right to
    import people. Raises ImportFileError for a file that cannot be read at all.
    """
    if acting_user is not None and not permissions.can_import_people(acting_user):
        raise PermissionDenied(_("Only organisation admins can import people."))
    source = _open_table(content, filename)
    try:
        with transaction.atomic():
            return _import(source, filename=filename, acting_user=acting_user, dry_run=dry_run)
    except IntegrityError as exc:
        raise Conflict(
            _("The people changed while the file was being imported. Import it again.")
        ) from exc


def _batches(source: _Source, errors: list[RowError]) -> Iterator[list[_Row]]:
    """The file's rows, cleaned, `_BATCH` at a time (cell errors go to `errors`)."""
    rows = source.rows()
    while True:
        chunk = list(islice(rows, _BATCH))
        if not chunk:
            return
        yield [_clean_row(number, cells, source.columns, errors) for number, cells in chunk]


def _import(
    source: _Source, *, filename: str, acting_user: AnyUserOrSystem, dry_run: bool
) -> ImportReport:
    existing = _Existing.load()
    columns = set(source.columns)
    groups = _resource_groups_by_name() if "ergs" in columns else {}
    check = _check_pass(source, existing, groups, columns)
    if check.errors:
        column_order = {column: index for index, column in enumerate(COLUMNS)}
        check.errors.sort(key=lambda error: (error.row, column_order.get(error.column, 99)))
        return ImportReport(check.rows, 0, 0, 0, check.errors, dry_run)

    reinvite = 0
    for chunk in _chunks(check.returning_users):
        reinvite += get_user_model().objects.filter(pk__in=chunk, is_active=False).count()
    preview = users_deactivate_count(check.leaver_user_ids)
    report = ImportReport(
        total_rows=check.rows,
        created=check.created,
        updated=check.updated,
        unchanged=check.unchanged,
        errors=[],
        dry_run=dry_run,
        accounts_deactivated=preview.accounts,
        tokens_revoked=preview.tokens,
        mentorships_ended=leavers_count(check.leaver_pks),
        reinvite_needed=reinvite,
    )
    if dry_run or not (
        report.changed
        or report.accounts_deactivated
        or report.tokens_revoked
        or report.mentorships_ended
    ):
        return report
    _apply_pass(source, check, existing, groups, columns, acting_user=acting_user)
    done = users_deactivate(
        check.leaver_user_ids,
        reason=_("Terminated in the HR import (%(file)s).") % {"file": filename},
        acting_user=acting_user,
    )
    report.accounts_deactivated, report.tokens_revoked = done.accounts, done.tokens
    report.mentorships_ended = leavers_end(check.leaver_pks, acting_user=acting_user)
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


def _check_pass(
    source: _Source, existing: _Existing, groups: dict[str, ResourceGroup], columns: set[str]
) -> _Check:
    """Every check, batch by batch; the checks across the file run on the index maps."""
    check = _Check()
    has_email, has_manager = "email" in columns, "manager_employee_id" in columns
    held_by = {email.casefold(): pk for pk, email in existing.email_by_pk.items()}
    for batch in _batches(source, check.errors):
        check.rows += len(batch)
        firsts = []
        for row in batch:
            if not row.employee_id:
                continue
            first = check.row_of_id.setdefault(row.employee_id, row.number)
            if first != row.number:
                check.errors.append(
                    RowError(
                        row.number,
                        "employee_id",
                        _shown(row.employee_id),
                        _("employee id '%(value)s' also appears on row %(first)d")
                        % {"value": row.employee_id, "first": first},
                    )
                )
                continue
            firsts.append(row)
            if has_manager:
                check.manager_of[row.employee_id] = (row.number, row.manager_employee_id)
        if has_email:
            _check_emails(batch, existing, check)
        current = _load_current(existing, firsts)
        _check_dates_and_status(batch, current, check.errors)
        if check.errors:
            continue  # nothing will be written: the counts no longer matter
        memberships = _memberships(current) if "ergs" in columns else {}
        plan = _plan(firsts, current, existing, groups, memberships)
        check.created += len(plan.creates)
        check.updated += len(plan.updates)
        check.unchanged += plan.unchanged
        for employee_id, changes in plan.updates.items():
            if "email" in changes:
                employee = current[employee_id]
                check.movers.append(employee.pk)
                if held_by.get(str(changes["email"][1]).casefold(), employee.pk) != employee.pk:
                    check.email_swap = True
        _access(firsts, current, check)
    # Another employee of the database keeps an email unless the file changes theirs.
    for number, email, _employee_id, owners in check.email_owned:
        others = sorted(owner for owner in owners if owner not in check.row_of_id)
        if others:
            check.errors.append(
                RowError(
                    number,
                    "email",
                    _shown(email),
                    _("'%(value)s' already belongs to employee %(owner)s")
                    % {"value": email, "owner": others[0]},
                )
            )
    if has_manager:
        _check_manager_map(check.manager_of, check.row_of_id, existing, check.errors)
    return check


def _check_emails(batch: list[_Row], existing: _Existing, check: _Check) -> None:
    for row in batch:
        email = row.values.get("email")
        if not email:
            continue
        key = email.casefold()
        first = check.row_of_email.setdefault(key, (row.number, row.employee_id))
        if first[0] != row.number:
            check.errors.append(
                RowError(
                    row.number,
                    "email",
                    _shown(email),
                    _("'%(value)s' is also the email on row %(first)d")
                    % {"value": email, "first": first[0]},
                )
            )
            continue
        owners = [o for o in existing.owners_by_email.get(key, ()) if o != row.employee_id]
        if owners:  # decided once every id of the file is known
            check.email_owned.append((row.number, email, row.employee_id, owners))


def _access(rows: list[_Row], current: dict[str, Employee], check: _Check) -> None:
    """Who loses access: every existing employee whose status after the import is
    terminated (whether this file terminates them or they were already), so an account
    left active by mistake is caught too. New people have no account and no pairs yet.

    Who comes back: terminated before, not after, with a deactivated account."""
    for row in rows:
        employee = current.get(row.employee_id)
        if employee is None:
            continue
        status = row.values.get("status", employee.status)
        if status == Employee.Status.TERMINATED:
            check.leaver_pks.append(employee.pk)
            if employee.user_id is not None:
                check.leaver_user_ids.append(employee.user_id)
        elif employee.status == Employee.Status.TERMINATED and employee.user_id is not None:
            check.returning_users.append(employee.user_id)


def _apply_pass(
    source: _Source,
    check: _Check,
    existing: _Existing,
    groups: dict[str, ResourceGroup],
    columns: set[str],
    *,
    acting_user: AnyUserOrSystem,
) -> None:
    """Write the file batch by batch; the reporting line last, once everybody exists."""
    now = timezone.now()
    if check.email_swap:
        # Two people swapping emails would break the unique constraint halfway: park first.
        parking = [Employee(pk=pk, email=f"import-{pk}@swap.invalid") for pk in check.movers]
        Employee.objects.bulk_update(parking, ["email"], batch_size=_BATCH)
    manager_of: dict[str, str | None] = {}  # people whose manager the file sets or changes
    parked = set(check.movers) if check.email_swap else set()
    # Employee id -> pk of everybody who exists so far (an index map): a new person whose
    # manager exists already gets them on creation, the others in the last step.
    known = dict(existing.pk_by_id)
    for batch in _batches(source, []):
        current = _load_current(existing, batch)
        for employee in current.values():
            if employee.pk in parked:  # compare with (and audit) the email before parking
                employee.email = existing.email_by_pk[employee.pk]
        memberships = _memberships(current) if "ergs" in columns else {}
        plan = _plan(batch, current, existing, groups, memberships)
        _update_fields(plan, current, now)
        created = _create(plan.creates, known)
        created_ids = {employee.employee_id for employee in created}
        by_id = {**current, **{employee.employee_id: employee for employee in created}}
        for row in batch:
            changes = plan.updates.get(row.employee_id, {})
            new_late = row.employee_id in created_ids and by_id[row.employee_id].manager_id is None
            if "manager" in changes or (new_late and row.manager_employee_id):
                manager_of[row.employee_id] = row.manager_employee_id
        _set_resource_groups(plan, batch, by_id, created_ids, groups, memberships)
        audit_record_many(
            actor=acting_user, entries=_audit_entries(batch, plan, by_id, created_ids, groups)
        )
    _set_managers(manager_of)


def _audit_entries(
    rows: list[_Row],
    plan: _Plan,
    by_id: dict[str, Employee],
    created_ids: set[str],
    groups: dict[str, ResourceGroup],
) -> list[AuditEntry]:
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
    return entries


def _set_managers(manager_of: dict[str, str | None]) -> None:
    """Set the reporting line of the people the file gives a new manager, in batches."""
    if not manager_of:
        return
    pk_by_id: dict[str, int] = {}
    wanted = {m for m in manager_of.values() if m}
    for chunk in _chunks(sorted(wanted)):
        pk_by_id.update(
            Employee.objects.filter(employee_id__in=chunk).values_list("employee_id", "pk")
        )
    # One UPDATE per manager and chunk of their reports: no per-row CASE, few statements.
    reports_of: dict[str | None, list[str]] = defaultdict(list)
    for employee_id, manager in manager_of.items():
        reports_of[manager].append(employee_id)
    for manager, reports in reports_of.items():
        manager_pk = pk_by_id[manager] if manager else None
        for chunk in _chunks(reports):
            Employee.objects.filter(employee_id__in=chunk).update(manager_id=manager_pk)


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


def _create(rows: list[_Row], known: dict[str, int]) -> list[Employee]:
    """Create a batch of new people, with their manager when the manager exists already
    (`known`: employee id -> pk, updated with the new people); the others get theirs once
    everybody exists."""
    employees = [
        Employee(
            employee_id=row.employee_id,
            manager_id=known.get(row.manager_employee_id or ""),
            **row.values,
        )
        for row in rows
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
    known.update((employee.employee_id, employee.pk) for employee in employees)
    return employees


def _update_fields(plan: _Plan, current: dict[str, Employee], now: datetime) -> None:
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
