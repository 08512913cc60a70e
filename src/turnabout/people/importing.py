"""Import employees from an HR system export (CSV or XLSX).

One service, `people_import`, used by the `turnabout import people` command, the upload
page and the API. Every row is checked before anything is written; if any row fails,
nothing is written and every error is reported with its row, column and reason. Otherwise
the file is applied in one transaction: upsert by employee id, managers in a second pass,
resource group memberships, and one audit record per created or changed person.

Employees in the database but absent from the file are left alone: a partial export must
never terminate anybody. A row that leaves somebody terminated takes away their access in
the same transaction: their login account is deactivated, their API tokens are revoked and
their live mentorships end (the partners are emailed after commit). Going back to active
does not reactivate the account: an org admin re-invites them. See docs/import.md for the
columns and rules.
"""

from __future__ import annotations

import csv
import functools
import io
import re
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import PurePath
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from turnabout.accounts import permissions
from turnabout.accounts.permissions import AnyUserOrSystem
from turnabout.accounts.services import users_deactivate, users_deactivate_count
from turnabout.common.audit import AuditEntry, AuditEvent, audit_record, audit_record_many
from turnabout.common.errors import Conflict, ErrorCode, PermissionDenied, ValidationFailed
from turnabout.pairing.services import mentorships_end_for_leavers, mentorships_of_leavers_count
from turnabout.people.models import Employee, ResourceGroup

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000
MIN_LEVEL, MAX_LEVEL = 1, 99

COLUMNS: tuple[str, ...] = (
    "employee_id",
    "first_name",
    "last_name",
    "email",
    "title",
    "department",
    "location",
    "timezone",
    "level",
    "manager_employee_id",
    "hire_date",
    "status",
    "termination_date",
    "languages",
    "ergs",
)
REQUIRED_COLUMNS: tuple[str, ...] = ("employee_id", "first_name", "last_name", "email", "level")

# Plain text columns and their longest accepted value (the model's max_length).
_TEXT_LIMITS: dict[str, int] = {
    "employee_id": 64,
    "first_name": 150,
    "last_name": 150,
    "email": 254,
    "title": 200,
    "department": 120,
    "location": 120,
}
_REQUIRED_TEXT = frozenset({"employee_id", "first_name", "last_name", "email"})
_MAX_LANGUAGE_LENGTH = 64
_MAX_ERG_LENGTH = 120
_MAX_CELL_LENGTH = 2000
_LIST_SEPARATOR = ";"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_WHOLE_NUMBER = re.compile(r"^[+-]?\d+$")
_DELIMITERS = (",", ";", "\t")
_BATCH = 500

# Employee fields the import sets directly (the manager and resource groups have their own
# passes). Each maps from the column of the same name.
_DIRECT_FIELDS: tuple[str, ...] = (
    "first_name",
    "last_name",
    "email",
    "title",
    "department",
    "location",
    "timezone",
    "level",
    "hire_date",
    "status",
    "termination_date",
    "languages",
)

Cell = object  # str from CSV; str, int, float, date, datetime, bool or None from XLSX


# --------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class RowError:
    """One problem in one cell. `row` is the spreadsheet row number (the header is row 1)."""

    row: int
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        return _("row %(row)d, column %(column)s: %(reason)s") % {
            "row": self.row,
            "column": self.column,
            "reason": self.reason,
        }


@dataclass
class ImportReport:
    total_rows: int
    created: int
    updated: int
    unchanged: int
    errors: list[RowError]
    dry_run: bool
    # Terminated employees: access taken away (or, in a dry run, that would be).
    accounts_deactivated: int = 0
    tokens_revoked: int = 0
    mentorships_ended: int = 0
    # Employees back from terminated whose account stays deactivated until re-invited.
    reinvite_needed: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changed(self) -> int:
        return self.created + self.updated

    def summary(self) -> str:
        """One sentence for a person: what happened, or why nothing did."""
        rows = ngettext("%(count)d row", "%(count)d rows", self.total_rows) % {
            "count": self.total_rows
        }
        if self.errors:
            errors = ngettext("%(count)d error", "%(count)d errors", len(self.errors)) % {
                "count": len(self.errors)
            }
            return _("Checked %(rows)s and found %(errors)s; nothing was imported.") % {
                "rows": rows,
                "errors": errors,
            }
        counts = {
            "rows": rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "accounts": self.accounts_deactivated,
            "tokens": self.tokens_revoked,
            "pairs": self.mentorships_ended,
            "reinvite": self.reinvite_needed,
        }
        if self.dry_run:
            sentences = [
                _(
                    "Dry run: checked %(rows)s without errors; importing would create "
                    "%(created)d, update %(updated)d and leave %(unchanged)d unchanged."
                )
                % counts
            ]
            if self.accounts_deactivated or self.tokens_revoked or self.mentorships_ended:
                sentences.append(
                    _(
                        "For terminated employees it would deactivate %(accounts)d login "
                        "accounts, revoke %(tokens)d API tokens and end %(pairs)d mentorships."
                    )
                    % counts
                )
            if self.reinvite_needed:
                sentences.append(
                    _(
                        "%(reinvite)d employees would be back from terminated: their accounts "
                        "stay deactivated until an org admin re-invites them."
                    )
                    % counts
                )
            return " ".join(sentences)
        sentences = [
            _(
                "Imported %(rows)s: %(created)d created, %(updated)d updated, "
                "%(unchanged)d unchanged."
            )
            % counts
        ]
        if self.accounts_deactivated or self.tokens_revoked or self.mentorships_ended:
            sentences.append(
                _(
                    "Terminated employees: %(accounts)d login accounts deactivated, %(tokens)d "
                    "API tokens revoked, %(pairs)d mentorships ended (their partners are "
                    "emailed and wait for a re-match)."
                )
                % counts
            )
        if self.reinvite_needed:
            sentences.append(
                _(
                    "%(reinvite)d employees are back from terminated: their accounts stay "
                    "deactivated until an org admin re-invites them from their profile page."
                )
                % counts
            )
        return " ".join(sentences)


class ImportFileError(ValidationFailed):
    """The file as a whole cannot be read: wrong format, missing columns, empty, too big."""

    code = ErrorCode.IMPORT_FILE_INVALID


# --------------------------------------------------------------------------------------
# Reading the file


@dataclass
class _Table:
    columns: list[str]  # known columns present in the header
    rows: list[tuple[int, dict[str, Cell]]]  # (spreadsheet row number, cells by column)


def _normalise_header(name: object) -> str:
    text = "" if name is None else str(name)
    return re.sub(r"[\s\-]+", "_", text.replace("\ufeff", "").strip().lower())


def _is_blank(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _detect_format(content: bytes, filename: str) -> str:
    suffix = PurePath(filename or "").suffix.lower()
    if content.startswith(b"PK\x03\x04"):  # a zip archive, as every .xlsx is
        return "xlsx"
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            _("This is an old Excel .xls file. Save it as .xlsx or CSV (UTF-8) and try again.")
        )
    if suffix == ".xlsx":
        raise ImportFileError(_("The file ends in .xlsx but is not a valid Excel workbook."))
    if suffix in {".csv", ".txt", ".tsv", ""}:
        return "csv"
    raise ImportFileError(
        _("Unsupported file type %(suffix)s: upload a CSV (.csv) or Excel (.xlsx) file.")
        % {"suffix": suffix}
    )


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        raise ImportFileError(
            _(
                "Row %(row)d contains characters that are not UTF-8. Save the file as "
                "'CSV UTF-8' and try again."
            )
            % {"row": line},
            details={"row": line},
        ) from exc


def _sniff_delimiter(text: str) -> str:
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    counts = {delimiter: first_line.count(delimiter) for delimiter in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda delimiter: counts[delimiter])  # ties: the first, ","
    return best if counts[best] else ","


def _csv_records(content: bytes) -> Iterator[tuple[int, Sequence[Cell]]]:
    text = _decode(content)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text))
    number = 0
    try:
        for number, record in enumerate(reader, start=1):
            yield number, record
    except csv.Error as exc:
        raise ImportFileError(
            _("Row %(row)d cannot be read as CSV: %(problem)s")
            % {"row": number + 1, "problem": exc}
        ) from exc


def _xlsx_records(content: bytes) -> Iterator[tuple[int, Sequence[Cell]]]:
    import openpyxl

    invalid = _("The file is not a valid Excel (.xlsx) workbook.")
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # zipfile, XML and openpyxl's own errors: all mean "unreadable"
        raise ImportFileError(invalid) from exc
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # exporters often write a wrong <dimension>; read every cell
        rows = enumerate(sheet.iter_rows(values_only=True), start=1)
        while True:
            try:
                number, values = next(rows)
            except StopIteration:
                return
            except Exception as exc:
                raise ImportFileError(invalid) from exc
            yield number, values
    finally:
        workbook.close()


def _read_table(content: bytes, filename: str) -> _Table:
    if not content.strip():
        raise ImportFileError(_("The file is empty."))
    if len(content) > MAX_FILE_BYTES:
        raise ImportFileError(
            _("The file is too big: at most %(size)d MB.") % {"size": MAX_FILE_BYTES // 2**20}
        )
    records = _xlsx_records(content) if _detect_format(content, filename) == "xlsx" else None
    if records is None:
        records = _csv_records(content)

    header: dict[int, str] | None = None
    rows: list[tuple[int, dict[str, Cell]]] = []
    for number, values in records:
        if all(_is_blank(value) for value in values):
            continue
        if header is None:
            header = _parse_header(values)
            continue
        if len(rows) >= MAX_ROWS:
            raise ImportFileError(
                _("The file is too big: at most %(rows)d rows per import.") % {"rows": MAX_ROWS}
            )
        rows.append(
            (number, {column: values[i] for i, column in header.items() if i < len(values)})
        )
    if header is None:
        raise ImportFileError(_("The file is empty."))
    if not rows:
        raise ImportFileError(_("The file has a header row but no people in it."))
    return _Table(columns=list(dict.fromkeys(header.values())), rows=rows)


def _parse_header(values: Sequence[Cell]) -> dict[int, str]:
    """Map column index to known column name; unknown columns are ignored."""
    known: dict[int, str] = {}
    seen: set[str] = set()
    for index, value in enumerate(values):
        name = _normalise_header(value)
        if name not in COLUMNS:
            continue
        if name in seen:
            raise ImportFileError(
                _("The column %(column)s appears more than once in the header.") % {"column": name}
            )
        seen.add(name)
        known[index] = name
    missing = [column for column in REQUIRED_COLUMNS if column not in seen]
    if missing:
        raise ImportFileError(
            ngettext(
                "The required column %(columns)s is missing from the header row.",
                "The required columns %(columns)s are missing from the header row.",
                len(missing),
            )
            % {"columns": ", ".join(missing)},
            details={"missing_columns": missing},
        )
    return known


# --------------------------------------------------------------------------------------
# Checking cells


class _CellError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _as_text(cell: Cell) -> str:
    """The cell as the text a person typed (XLSX numbers without a spurious .0)."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime):
        return cell.date().isoformat() if cell.time() == datetime.min.time() else cell.isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    return str(cell).strip()


def _check_text(text: str, *, limit: int) -> str:
    if "\x00" in text:
        raise _CellError(_("contains a NUL character"))
    if len(text) > limit:
        raise _CellError(
            _("is too long: %(length)d characters, at most %(limit)d")
            % {"length": len(text), "limit": limit}
        )
    return text


@functools.cache
def _time_zones() -> dict[str, str]:
    return {name.lower(): name for name in zoneinfo.available_timezones()}


def _clean_email(text: str) -> str:
    try:
        validate_email(text)
    except ValidationError as exc:
        raise _CellError(_("'%(value)s' is not a valid email address") % {"value": text}) from exc
    return text


def _clean_timezone(text: str) -> str:
    if not text:
        return "UTC"
    canonical = _time_zones().get(text.lower())
    if canonical is None:
        raise _CellError(
            _("'%(value)s' is not a known time zone; use an IANA name such as Europe/London")
            % {"value": text}
        )
    return canonical


def _clean_level(text: str) -> int:
    if not text:
        raise _CellError(_("a level is required"))
    if not _WHOLE_NUMBER.match(text):  # XLSX numbers arrive as "3" (see _as_text)
        raise _CellError(_("'%(value)s' is not a whole number") % {"value": text})
    level = int(text)
    if not MIN_LEVEL <= level <= MAX_LEVEL:
        raise _CellError(
            _("level %(value)d is out of range: use %(low)d to %(high)d")
            % {"value": level, "low": MIN_LEVEL, "high": MAX_LEVEL}
        )
    return level


def _clean_date(cell: Cell, text: str) -> date | None:
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    if not text:
        return None
    try:
        if not _ISO_DATE.match(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError as exc:
        raise _CellError(
            _("'%(value)s' is not a date in the form YYYY-MM-DD") % {"value": text}
        ) from exc


def _clean_status(text: str) -> str:
    status = text.lower() or Employee.Status.ACTIVE.value
    if status not in Employee.Status.values:
        raise _CellError(
            _("'%(value)s' is not a status; use active, leave or terminated") % {"value": text}
        )
    return status


def _clean_list(text: str, *, limit: int) -> list[str]:
    """Split "a; b;a" into ["a", "b"]: stripped, empty items dropped, duplicates removed."""
    items: dict[str, str] = {}
    for item in (part.strip() for part in text.split(_LIST_SEPARATOR)):
        if not item:
            continue
        if len(item) > limit:
            raise _CellError(
                _("'%(value)s…' is too long: at most %(limit)d characters per item")
                % {"value": item[:20], "limit": limit}
            )
        items.setdefault(item.casefold(), item)
    return list(items.values())


@dataclass
class _Row:
    number: int
    employee_id: str = ""
    values: dict[str, Any] = field(default_factory=dict)  # model field -> clean value
    manager_employee_id: str | None = None  # only when the column is present
    ergs: list[str] | None = None  # only when the column is present
    raw: dict[str, str] = field(default_factory=dict)  # column -> text, for error messages


def _clean_row(
    number: int, cells: dict[str, Cell], columns: Iterable[str], errors: list[RowError]
) -> _Row:
    row = _Row(number=number)

    for column in columns:
        cell = cells.get(column)
        text = _as_text(cell)
        row.raw[column] = text
        try:
            if column in _TEXT_LIMITS:
                _check_text(text, limit=_TEXT_LIMITS[column])
                if column in _REQUIRED_TEXT and not text:
                    raise _CellError(_("a value is required"))
                if column == "employee_id":
                    row.employee_id = text
                    continue
                row.values[column] = _clean_email(text) if column == "email" else text
                continue
            _check_text(text, limit=_MAX_CELL_LENGTH)
            if column == "timezone":
                row.values["timezone"] = _clean_timezone(text)
            elif column == "level":
                row.values["level"] = _clean_level(text)
            elif column in {"hire_date", "termination_date"}:
                row.values[column] = _clean_date(cell, text)
            elif column == "status":
                row.values["status"] = _clean_status(text)
            elif column == "languages":
                row.values["languages"] = _clean_list(text, limit=_MAX_LANGUAGE_LENGTH)
            elif column == "ergs":
                row.ergs = _clean_list(text, limit=_MAX_ERG_LENGTH)
            elif column == "manager_employee_id":
                _check_text(text, limit=_TEXT_LIMITS["employee_id"])
                row.manager_employee_id = text or None
        except _CellError as exc:
            errors.append(RowError(number, column, _shown(text), exc.reason))
    return row


def _shown(text: str) -> str:
    """The value as shown in a report: NULs made visible, very long values cut."""
    text = text.replace("\x00", "\\x00")
    return text if len(text) <= 200 else text[:200] + "…"


# --------------------------------------------------------------------------------------
# Checks across rows and against the database


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


def _check_ids_and_emails(
    rows: list[_Row], existing: _Existing, has_email: bool, errors: list[RowError]
) -> dict[str, _Row]:
    """Employee ids and emails must be unique; returns the first row of each id."""
    by_id: dict[str, _Row] = {}
    for row in rows:
        if not row.employee_id:
            continue
        first = by_id.setdefault(row.employee_id, row)
        if first is not row:
            errors.append(
                RowError(
                    row.number,
                    "employee_id",
                    _shown(row.employee_id),
                    _("employee id '%(value)s' also appears on row %(first)d")
                    % {"value": row.employee_id, "first": first.number},
                )
            )
    if not has_email:
        return by_id
    first_row_by_email: dict[str, _Row] = {}
    for row in rows:
        email = row.values.get("email")
        if not email:
            continue
        key = email.casefold()
        first = first_row_by_email.setdefault(key, row)
        if first is not row:
            errors.append(
                RowError(
                    row.number,
                    "email",
                    _shown(email),
                    _("'%(value)s' is also the email on row %(first)d")
                    % {"value": email, "first": first.number},
                )
            )
            continue
        # Another employee of the database keeps this email unless the file changes theirs.
        owners = sorted(
            owner
            for owner in existing.owners_by_email.get(key, ())
            if owner != row.employee_id and owner not in by_id
        )
        if owners:
            errors.append(
                RowError(
                    row.number,
                    "email",
                    _shown(email),
                    _("'%(value)s' already belongs to employee %(owner)s")
                    % {"value": email, "owner": owners[0]},
                )
            )
    return by_id


def _check_managers(
    rows: list[_Row], by_id: dict[str, _Row], existing: _Existing, errors: list[RowError]
) -> None:
    """Managers must exist (in the file or the database), not be oneself, form no cycle."""
    manager_of: dict[str, str | None] = {}  # the reporting line after the import
    for pk, employee_id in existing.id_by_pk.items():
        manager_pk = existing.manager_pk_by_pk[pk]
        manager_of[employee_id] = existing.id_by_pk.get(manager_pk) if manager_pk else None
    for row in rows:
        manager = row.manager_employee_id
        if not row.employee_id or by_id.get(row.employee_id) is not row:
            continue
        manager_of.setdefault(row.employee_id, None)
        if manager is None:
            manager_of[row.employee_id] = None
        elif manager == row.employee_id:
            errors.append(
                RowError(
                    row.number,
                    "manager_employee_id",
                    _shown(manager),
                    _("an employee cannot be their own manager"),
                )
            )
            manager_of[row.employee_id] = None
        elif manager not in by_id and manager not in existing.pk_by_id:
            errors.append(
                RowError(
                    row.number,
                    "manager_employee_id",
                    _shown(manager),
                    _("manager '%(value)s' is neither in the file nor already in Turnabout")
                    % {"value": manager},
                )
            )
            manager_of[row.employee_id] = None
        else:
            manager_of[row.employee_id] = manager

    # The graph has at most one edge out of each node: walk from every row, colouring nodes.
    done: set[str] = set()
    for start in by_id:
        path: list[str] = []
        on_path: set[str] = set()
        node: str | None = start
        while node is not None and node not in done and node not in on_path:
            path.append(node)
            on_path.add(node)
            node = manager_of.get(node)
        if node is not None and node in on_path:
            cycle = path[path.index(node) :]
            shown = " → ".join([*cycle, cycle[0]])
            for member in cycle:
                member_row = by_id.get(member)
                if member_row is not None:
                    errors.append(
                        RowError(
                            member_row.number,
                            "manager_employee_id",
                            _shown(member_row.manager_employee_id or ""),
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


# --------------------------------------------------------------------------------------
# The service


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
        mentorships_ended=mentorships_of_leavers_count(access.leaver_pks),
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
    report.mentorships_ended = mentorships_end_for_leavers(
        access.leaver_pks, acting_user=acting_user
    )
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
