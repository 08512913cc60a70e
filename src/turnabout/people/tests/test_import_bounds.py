"""The XLSX reader is bounded: a small archive that unpacks to gigabytes, or a cell of
millions of characters, is refused with a clear message before it fills the memory."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook

from turnabout.people.importing import read
from turnabout.people.importing.report import ImportFileError


def _workbook(*rows: list[object]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_archive_that_unpacks_too_big_is_refused_before_reading(monkeypatch):
    monkeypatch.setattr(read, "MAX_XLSX_PART_BYTES", 1_000_000)
    monkeypatch.setattr(read, "MAX_XLSX_TOTAL_BYTES", 1_000_000)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/sharedStrings.xml", "A" * 5_000_000)  # compresses to a few KB
    content = out.getvalue()
    assert len(content) < 50_000
    with pytest.raises(ImportFileError, match="unpacks to 4 MB"):
        list(read._xlsx_records(content))


def test_a_huge_cell_is_refused_with_its_row_and_column():
    content = _workbook(["employee_id", "first_name"], ["E1", "x" * (read.MAX_CELL_CHARS + 1)])
    with pytest.raises(ImportFileError, match=r"Row 2, column 2 holds 10001 characters"):
        list(read._xlsx_records(content))


def test_a_normal_workbook_still_reads():
    content = _workbook(["employee_id", "first_name"], ["E1", "Ada"])
    assert [values for _n, values in read._xlsx_records(content)][1] == ("E1", "Ada")
