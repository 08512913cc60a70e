"""Spreadsheet exports: CSV streamed row by row, XLSX written in openpyxl's write-only mode.

Every file a person may open in a spreadsheet goes through `safe_cell`, so a cell that
starts with `=`, `+`, `-`, `@`, a tab or a carriage return is shown as text instead of being
run as a formula (OWASP "CSV injection"). Numbers stay numbers.

Both writers take an iterator of rows and never hold the whole table: pass a queryset's
`.iterator()` or a generator, and memory stays bounded by one row (CSV) or by openpyxl's
write-only buffer (XLSX, spooled to a temporary file).
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import FileResponse, StreamingHttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
Cell = str | int | float | Decimal | date | datetime | bool | None

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value: Any) -> Any:
    """A value fit for a spreadsheet: text that would start a formula gets a leading `'`."""
    if isinstance(value, bool | int | float | Decimal | date | datetime) or value is None:
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def safe_row(row: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in row]


class _Echo:
    """A file-like object whose write returns the line, for csv.writer in a generator."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: Sequence[str], rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """The CSV text one line at a time (UTF-8 with a BOM so Excel reads accents)."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(safe_row(header))
    for row in rows:
        yield writer.writerow(["" if v is None else v for v in safe_row(row)])


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Iterable[Any]]
) -> StreamingHttpResponse:
    """A streamed CSV download."""
    response = StreamingHttpResponse(
        csv_lines(header, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(
    filename: str, header: Sequence[str], rows: Iterable[Iterable[Any]], *, title: str = "Data"
) -> FileResponse:
    """An XLSX download built in write-only mode into a temporary file."""
    from openpyxl import Workbook  # heavy: only when an XLSX is asked for

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(safe_row(header))
    for row in rows:
        sheet.append(
            [v.replace(tzinfo=None) if isinstance(v, datetime) else v for v in safe_row(row)]
        )
    spool = tempfile.TemporaryFile()  # noqa: SIM115  # FileResponse closes it after sending
    workbook.save(spool)
    spool.seek(0)
    return FileResponse(
        spool, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE
    )
