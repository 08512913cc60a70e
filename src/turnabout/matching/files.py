"""Read people, org charts and configs from files; write results atomically.

Every problem with an input file raises ``InputFileError`` with one message that names
the file, the row (as a spreadsheet shows it: the header is row 1) and the column.
"""

from __future__ import annotations

import csv
import os
import tempfile
import tomllib
import zoneinfo
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import fields
from pathlib import Path
from typing import IO, Any

from .config import MAX_CAPACITY, MatchConfig, MatchConfigError
from .model import PRIORITIES, Mentee, Mentor, OrgChart

LIST_SEPARATOR = ";"
DEFAULT_SKILL_LEVEL = 2


class InputFileError(ValueError):
    """A bad input file: the message names the file, row and column where it can."""


class _Where:
    """A location in a file, turned into text only when an error is reported."""

    __slots__ = ("column", "path", "row")

    def __init__(self, path: Path, row: int | None, column: str | None) -> None:
        self.path, self.row, self.column = path, row, column

    def __str__(self) -> str:
        parts = [self.path.name]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column {self.column}")
        return ", ".join(parts)


def _where(path: Path, row: int | None = None, column: str | None = None) -> _Where:
    return _Where(path, row, column)


def _read_rows(path: Path, required: Sequence[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of a CSV file as {lower-case column: trimmed text}, with spreadsheet row numbers."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputFileError(f"{path}: file not found") from None
    except UnicodeDecodeError:
        raise InputFileError(f"{path.name}: not a UTF-8 text file (save it as CSV UTF-8)") from None
    except OSError as error:
        raise InputFileError(f"{path}: cannot read ({error.strerror})") from None
    reader = csv.reader(text.splitlines())
    try:
        header = next(reader)
    except StopIteration:
        raise InputFileError(f"{path.name}: the file is empty (expected a header row)") from None
    except csv.Error as error:
        raise InputFileError(f"{_where(path, 1)}: {error}") from None
    columns = [name.strip().casefold() for name in header]
    for name in required:
        if name not in columns:
            raise InputFileError(
                f"{_where(path, 1, name)}: required column is missing "
                f"(found: {', '.join(c for c in columns if c) or 'nothing'})"
            )
    seen: set[str] = set()
    for name in columns:
        if name and name in seen:
            raise InputFileError(f"{_where(path, 1, name)}: the column appears twice")
        seen.add(name)
    try:
        for number, values in enumerate(reader, start=2):
            if not any(v.strip() for v in values):
                continue
            if len(values) > len(columns) and any(v.strip() for v in values[len(columns) :]):
                raise InputFileError(
                    f"{_where(path, number)}: {len(values)} values but only "
                    f"{len(columns)} columns in the header"
                )
            row = {c: (values[i].strip() if i < len(values) else "") for i, c in enumerate(columns)}
            yield number, row
    except csv.Error as error:
        raise InputFileError(f"{_where(path, reader.line_num)}: {error}") from None


def _items(value: str) -> list[str]:
    return [item for item in map(str.strip, value.split(LIST_SEPARATOR)) if item]


def _integer(
    value: str,
    where: _Where,
    *,
    default: int | None = None,
    minimum: int | None = None,
    maximum: int | None = None,
) -> int:
    if not value:
        if default is None:
            raise InputFileError(f"{where}: a value is required")
        return default
    try:
        number = int(value)
    except ValueError:
        raise InputFileError(f"{where}: {value!r} is not a whole number") from None
    if minimum is not None and number < minimum:
        raise InputFileError(f"{where}: must be at least {minimum}, got {number}")
    if maximum is not None and number > maximum:
        raise InputFileError(f"{where}: must be at most {maximum}, got {number}")
    return number


Parse = Callable[[str, _Where, str], Any]


def _pair(item: str, where: _Where, parse: Parse) -> tuple[str, Any]:
    name, _, raw = item.rpartition(":") if ":" in item else (item, "", "")
    name = name.strip()
    if not name:
        raise InputFileError(f"{where}: {item!r} has no topic before the colon")
    return name, parse(raw.strip(), where, item)


def _pairs(value: str, where: _Where, parse: Parse) -> dict[str, Any]:
    return dict(_pair(item, where, parse) for item in _items(value))


def _skill_level(raw: str, where: _Where, item: str) -> int:
    if not raw:
        return DEFAULT_SKILL_LEVEL
    if raw not in ("1", "2", "3"):
        raise InputFileError(f"{where}: {item!r}: the level must be 1, 2 or 3")
    return int(raw)


def _priority(raw: str, where: _Where, item: str) -> str:
    key = raw.casefold() or "medium"
    if key not in PRIORITIES:
        raise InputFileError(f"{where}: {item!r}: the priority must be low, medium or high")
    return key


_ZONES: dict[str, bool] = {}


def _timezone(value: str, where: _Where) -> str:
    if value and value not in _ZONES:
        try:
            zoneinfo.ZoneInfo(value)
            _ZONES[value] = True
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            _ZONES[value] = False
    if value and not _ZONES[value]:
        raise InputFileError(
            f"{where}: unknown time zone {value!r} (use an IANA name such as Europe/London)"
        )
    return value


def _common(path: Path, number: int, row: dict[str, str]) -> dict[str, Any]:
    def at(column: str) -> _Where:
        return _Where(path, number, column)

    person_id = row.get("id", "")
    if not person_id:
        raise InputFileError(f"{at('id')}: the id is empty")
    return {
        "id": person_id,
        "name": row.get("name", ""),
        "email": row.get("email", ""),
        "level": _integer(row.get("level", ""), at("level")),
        "department": row.get("department", ""),
        "location": row.get("location", ""),
        "timezone": _timezone(row.get("timezone", ""), at("timezone")),
        "languages": _items(row.get("languages", "")),
        "manager_id": row.get("manager_id", ""),
        "interests": _items(row.get("interests", "")),
        "goals": row.get("goals", ""),
        "formats": _items(row.get("formats", "")),
        "availability": _items(row.get("availability", "")),
        "ergs": _items(row.get("ergs", "")),
        "exclude": _items(row.get("exclude", "")),
        "generation": row.get("generation", ""),
        "waiting_days": _integer(
            row.get("waiting_days", ""), at("waiting_days"), default=0, minimum=0
        ),
    }


def _check_unique(path: Path, seen: dict[str, int], person_id: str, number: int) -> None:
    if person_id in seen:
        raise InputFileError(
            f"{_where(path, number, 'id')}: id {person_id!r} already used in row {seen[person_id]}"
        )
    seen[person_id] = number


def _read_mentors_checked(path: Path) -> list[Mentor]:
    people: list[Mentor] = []
    seen: dict[str, int] = {}
    for number, row in _read_rows(path, ("id", "level")):
        fields = _common(path, number, row)
        _check_unique(path, seen, fields["id"], number)
        fields["skills"] = _pairs(
            row.get("skills", ""), _where(path, number, "skills"), _skill_level
        )
        fields["capacity"] = _integer(
            row.get("capacity", ""),
            _where(path, number, "capacity"),
            default=1,
            minimum=1,
            maximum=MAX_CAPACITY,
        )
        people.append(Mentor(**fields))
    return people


def _read_mentees_checked(path: Path) -> list[Mentee]:
    people: list[Mentee] = []
    seen: dict[str, int] = {}
    for number, row in _read_rows(path, ("id", "level")):
        fields = _common(path, number, row)
        _check_unique(path, seen, fields["id"], number)
        fields["wants"] = _pairs(row.get("wants", ""), _where(path, number, "wants"), _priority)
        people.append(Mentee(**fields))
    return people


# --- the quick path ------------------------------------------------------------------------
# Whole columns are parsed and checked at once. Anything the careful reader above would
# report raises ``_Unusual``, and the file is then read again by the careful reader, which
# names the first problem exactly as before. A good file gives the same people either way.


class _Unusual(Exception):
    """The quick reader met something to report: let the careful reader find it."""


class _Columns:
    """The data rows of a CSV file as trimmed columns (blank rows dropped)."""

    def __init__(self, path: Path, required: Sequence[str]) -> None:
        try:
            text = path.read_text(encoding="utf-8-sig")
            reader = csv.reader(text.splitlines())
            header = next(reader)
            rows = list(reader)
        except (OSError, UnicodeDecodeError, StopIteration, csv.Error):
            raise _Unusual from None
        names = [name.strip().casefold() for name in header]
        named = [name for name in names if name]
        if len(set(named)) != len(named) or any(name not in names for name in required):
            raise _Unusual
        width = len(names)
        kept: list[list[str]] = []
        for values in rows:
            if len(values) > width:
                raise _Unusual
            if not "".join(values).strip():
                continue
            if len(values) < width:
                values = values + [""] * (width - len(values))
            kept.append(values)
        self.size = len(kept)
        self.raw = list(zip(*kept, strict=True)) if kept else [() for _ in names]
        self.position = {name: n for n, name in enumerate(names)}

    def text(self, name: str) -> list[str]:
        position = self.position.get(name)
        if position is None:
            return [""] * self.size
        return [value.strip() for value in self.raw[position]]

    def items(self, name: str) -> list[list[str]]:
        parsed: dict[str, list[str]] = {}  # lists such as languages repeat a lot
        out: list[list[str]] = []
        for value in self.text(name):
            found = parsed.get(value)
            if found is None:
                found = parsed[value] = _items(value)
            out.append(found.copy())  # everyone gets a list of their own
        return out

    def integers(
        self,
        name: str,
        *,
        default: int | None = None,
        minimum: int | None = None,
        maximum: int | None = None,
    ) -> list[int]:
        try:
            numbers = [int(v) if v or default is None else default for v in self.text(name)]
        except ValueError:
            raise _Unusual from None
        if minimum is not None and numbers and min(numbers) < minimum:
            raise _Unusual
        if maximum is not None and numbers and max(numbers) > maximum:
            raise _Unusual
        return numbers

    def pairs(self, name: str, parse: Parse) -> list[dict[str, Any]]:
        where = _Where(Path(), None, None)
        parsed: dict[str, tuple[str, Any]] = {}  # the same "topic:level" recurs a lot
        out: list[dict[str, Any]] = []
        try:
            for value in self.text(name):
                row: dict[str, Any] = {}
                for item in _items(value):
                    found = parsed.get(item)
                    if found is None:
                        found = parsed[item] = _pair(item, where, parse)
                    row[found[0]] = found[1]
                out.append(row)
        except InputFileError:
            raise _Unusual from None
        return out


def _quick_common(table: _Columns) -> dict[str, list[Any]]:
    ids = table.text("id")
    if "" in ids or len(set(ids)) != len(ids):
        raise _Unusual
    zones = table.text("timezone")
    for zone in set(zones):
        try:
            _timezone(zone, _Where(Path(), None, None))
        except InputFileError:
            raise _Unusual from None
    return {
        "id": ids,
        "name": table.text("name"),
        "email": table.text("email"),
        "level": table.integers("level"),
        "department": table.text("department"),
        "location": table.text("location"),
        "timezone": zones,
        "languages": table.items("languages"),
        "manager_id": table.text("manager_id"),
        "interests": table.items("interests"),
        "goals": table.text("goals"),
        "formats": table.items("formats"),
        "availability": table.items("availability"),
        "ergs": table.items("ergs"),
        "exclude": table.items("exclude"),
        "generation": table.text("generation"),
        "waiting_days": table.integers("waiting_days", default=0, minimum=0),
    }


def _people(kind: type[Any], columns: dict[str, list[Any]]) -> list[Any]:
    ordered = [columns[field.name] for field in fields(kind)]
    return [kind(*values) for values in zip(*ordered, strict=True)]


def read_mentors(path: Path) -> list[Mentor]:
    """Mentors from a CSV file; ``InputFileError`` names the first problem."""
    try:
        table = _Columns(path, ("id", "level"))
        columns = _quick_common(table)
        columns["skills"] = table.pairs("skills", _skill_level)
        columns["capacity"] = table.integers("capacity", default=1, minimum=1, maximum=MAX_CAPACITY)
    except _Unusual:
        return _read_mentors_checked(path)
    people: list[Mentor] = _people(Mentor, columns)
    return people


def read_mentees(path: Path) -> list[Mentee]:
    """Mentees from a CSV file; ``InputFileError`` names the first problem."""
    try:
        table = _Columns(path, ("id", "level"))
        columns = _quick_common(table)
        columns["wants"] = table.pairs("wants", _priority)
    except _Unusual:
        return _read_mentees_checked(path)
    people: list[Mentee] = _people(Mentee, columns)
    return people


def read_org(path: Path) -> OrgChart:
    managers: dict[str, str] = {}
    seen: dict[str, int] = {}
    for number, row in _read_rows(path, ("id", "manager_id")):
        if not row["id"]:
            raise InputFileError(f"{_where(path, number, 'id')}: the id is empty")
        _check_unique(path, seen, row["id"], number)
        managers[row["id"]] = row["manager_id"]
    return OrgChart(managers)


def read_config(path: Path) -> MatchConfig:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise InputFileError(f"{path}: file not found") from None
    except tomllib.TOMLDecodeError as error:
        raise InputFileError(f"{path.name}: not valid TOML: {error}") from None
    except OSError as error:
        raise InputFileError(f"{path}: cannot read ({error.strerror})") from None
    try:
        return MatchConfig.from_mapping(data)
    except MatchConfigError as error:
        raise InputFileError(f"{path.name}: key {error}") from None


class AtomicOutputs:
    """Collects output files in temporary siblings; ``commit`` renames them all at once."""

    def __init__(self) -> None:
        self.pending: list[tuple[str, Path]] = []

    @contextmanager
    def open(self, path: Path) -> Iterator[IO[str]]:
        directory = path.resolve().parent
        if not directory.is_dir():
            raise InputFileError(f"{path}: the folder {directory} does not exist")
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
        self.pending.append((temp, path))
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            yield stream

    def commit(self) -> None:
        for temp, path in self.pending:
            os.replace(temp, path)
        self.pending.clear()

    def discard(self) -> None:
        for temp, _ in self.pending:
            with suppress(FileNotFoundError):
                os.unlink(temp)
        self.pending.clear()


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A spreadsheet reads a cell starting with one of these as a formula (CSV injection)."""


def spreadsheet_safe(value: object) -> object:
    """A text cell a spreadsheet will not run as a formula: such cells get a leading ``'``.

    The app's exports use ``turnabout.common.exports.safe_cell`` for the same rule; the
    engine may not import any project module (it is pure, and ``turnabout match`` must
    start without Django), so the CLI keeps this small copy of the rule. Numbers are
    written as they are.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_csv(stream: IO[str], header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """A CSV file for people and spreadsheets: every text cell made formula-safe."""
    writer = csv.writer(stream)
    writer.writerow([spreadsheet_safe(cell) for cell in header])
    writer.writerows([spreadsheet_safe(cell) for cell in row] for row in rows)
