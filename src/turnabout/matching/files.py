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
from pathlib import Path
from typing import IO, Any

from .model import PRIORITIES, MatchConfig, MatchConfigError, Mentee, Mentor, OrgChart

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
    return [item.strip() for item in value.split(LIST_SEPARATOR) if item.strip()]


def _integer(
    value: str, where: _Where, *, default: int | None = None, minimum: int | None = None
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
    return number


def _pairs(value: str, where: _Where, parse: Callable[[str, _Where, str], Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in _items(value):
        name, _, raw = item.rpartition(":") if ":" in item else (item, "", "")
        name = name.strip()
        if not name:
            raise InputFileError(f"{where}: {item!r} has no topic before the colon")
        out[name] = parse(raw.strip(), where, item)
    return out


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


def read_mentors(path: Path) -> list[Mentor]:
    people: list[Mentor] = []
    seen: dict[str, int] = {}
    for number, row in _read_rows(path, ("id", "level")):
        fields = _common(path, number, row)
        _check_unique(path, seen, fields["id"], number)
        fields["skills"] = _pairs(
            row.get("skills", ""), _where(path, number, "skills"), _skill_level
        )
        fields["capacity"] = _integer(
            row.get("capacity", ""), _where(path, number, "capacity"), default=1, minimum=1
        )
        people.append(Mentor(**fields))
    return people


def read_mentees(path: Path) -> list[Mentee]:
    people: list[Mentee] = []
    seen: dict[str, int] = {}
    for number, row in _read_rows(path, ("id", "level")):
        fields = _common(path, number, row)
        _check_unique(path, seen, fields["id"], number)
        fields["wants"] = _pairs(row.get("wants", ""), _where(path, number, "wants"), _priority)
        people.append(Mentee(**fields))
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


def write_csv(stream: IO[str], header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    writer = csv.writer(stream)
    writer.writerow(header)
    writer.writerows(rows)
