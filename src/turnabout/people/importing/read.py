"""Reading the file: CSV (any common delimiter and encoding) or XLSX into rows of cells."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import PurePath

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from turnabout.people.importing.columns import (
    _DELIMITERS,
    COLUMNS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    REQUIRED_COLUMNS,
    Cell,
)
from turnabout.people.importing.report import ImportFileError


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
    # Decoded once to report a bad byte's row (the text is dropped at once), then read
    # through a decoding stream: no second copy of the file, no list of its lines.
    text = _decode(content)
    delimiter = _sniff_delimiter(text[: 64 * 1024])
    del text
    stream = io.TextIOWrapper(io.BytesIO(content), encoding="utf-8-sig", newline="")
    reader = csv.reader(stream, delimiter=delimiter)
    number = 0
    try:
        for number, record in enumerate(reader, start=1):
            yield number, record
    except csv.Error as exc:
        raise ImportFileError(
            _("Row %(row)d cannot be read as CSV: %(problem)s")
            % {"row": number + 1, "problem": exc}
        ) from exc


# An XLSX is a zip archive: a small upload can hold gigabytes of XML. The declared sizes
# of its parts are checked before anything is decompressed (Python's zipfile never inflates
# a part beyond its declared size), and each cell's length while the rows stream.
MAX_XLSX_PART_BYTES = 64 * 2**20
MAX_XLSX_TOTAL_BYTES = 128 * 2**20
MAX_CELL_CHARS = 10_000


def _check_xlsx_archive(content: bytes) -> None:
    invalid = _("The file is not a valid Excel (.xlsx) workbook.")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ImportFileError(invalid) from exc
    total = sum(part.file_size for part in parts)
    largest = max((part.file_size for part in parts), default=0)
    if largest > MAX_XLSX_PART_BYTES or total > MAX_XLSX_TOTAL_BYTES:
        raise ImportFileError(
            _(
                "The workbook unpacks to %(mb)d MB, more than the %(max)d MB allowed: save "
                "only the people sheet, or export a CSV."
            )
            % {"mb": total // 2**20, "max": MAX_XLSX_TOTAL_BYTES // 2**20},
            details={"uncompressed_bytes": total},
        )


def _check_cells(number: int, values: Sequence[Cell]) -> None:
    for column, value in enumerate(values, start=1):
        if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
            raise ImportFileError(
                _(
                    "Row %(row)d, column %(column)d holds %(length)d characters; a cell may "
                    "hold at most %(max)d."
                )
                % {"row": number, "column": column, "length": len(value), "max": MAX_CELL_CHARS},
                details={"row": number, "column": column},
            )


def _xlsx_records(content: bytes) -> Iterator[tuple[int, Sequence[Cell]]]:
    import openpyxl

    invalid = _("The file is not a valid Excel (.xlsx) workbook.")
    _check_xlsx_archive(content)
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
            _check_cells(number, values)
            yield number, values
    finally:
        workbook.close()


@dataclass
class _Source:
    """The checked file: its known columns and its rows, read again on each `rows()` call
    (a pass over the file holds one row at a time, never the whole table)."""

    columns: list[str]
    header: dict[int, str]
    content: bytes
    xlsx: bool
    count: int

    def rows(self) -> Iterator[tuple[int, dict[str, Cell]]]:
        """(spreadsheet row number, cells by column) of every non-blank row after the header."""
        records = _xlsx_records(self.content) if self.xlsx else _csv_records(self.content)
        seen_header = False
        for number, values in records:
            if all(_is_blank(value) for value in values):
                continue
            if not seen_header:
                seen_header = True
                continue
            yield (
                number,
                {column: values[i] for i, column in self.header.items() if i < len(values)},
            )


def _open_table(content: bytes, filename: str) -> _Source:
    """Check the file's size, format, header and row count in one streaming pass."""
    if not content.strip():
        raise ImportFileError(_("The file is empty."))
    if len(content) > MAX_FILE_BYTES:
        raise ImportFileError(
            _("The file is too big: at most %(size)d MB.") % {"size": MAX_FILE_BYTES // 2**20}
        )
    xlsx = _detect_format(content, filename) == "xlsx"
    records = _xlsx_records(content) if xlsx else _csv_records(content)
    header: dict[int, str] | None = None
    count = 0
    for _number, values in records:
        if all(_is_blank(value) for value in values):
            continue
        if header is None:
            header = _parse_header(values)
            continue
        if count >= MAX_ROWS:
            raise ImportFileError(
                _("The file is too big: at most %(rows)d rows per import.") % {"rows": MAX_ROWS}
            )
        count += 1
    if header is None:
        raise ImportFileError(_("The file is empty."))
    if not count:
        raise ImportFileError(_("The file has a header row but no people in it."))
    return _Source(
        columns=list(dict.fromkeys(header.values())),
        header=header,
        content=content,
        xlsx=xlsx,
        count=count,
    )


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
