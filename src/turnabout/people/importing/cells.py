"""Checking each cell of a row on its own: text, email, zone, level, dates, lists."""

from __future__ import annotations

import functools
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from turnabout.people.importing.columns import (
    _ISO_DATE,
    _LIST_SEPARATOR,
    _MAX_CELL_LENGTH,
    _MAX_ERG_LENGTH,
    _MAX_LANGUAGE_LENGTH,
    _REQUIRED_TEXT,
    _TEXT_LIMITS,
    _WHOLE_NUMBER,
    MAX_LEVEL,
    MIN_LEVEL,
    Cell,
)
from turnabout.people.importing.report import RowError
from turnabout.people.models import Employee


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
