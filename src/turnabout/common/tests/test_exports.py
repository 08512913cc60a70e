"""Exports neutralise formulas and stream their rows."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from turnabout.common.exports import csv_response, safe_cell, xlsx_response


def test_cells_that_start_a_formula_become_text():
    for dangerous in ["=HYPERLINK(1)", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]:
        assert safe_cell(dangerous) == "'" + dangerous
    assert safe_cell("Ada") == "Ada"
    assert safe_cell(-3) == -3  # numbers stay numbers
    assert safe_cell(None) is None


def test_csv_is_streamed_and_neutralised():
    rows = (["=cmd()", i] for i in range(3))
    response = csv_response("x.csv", ["name", "n"], rows)
    body = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[arg-type]
    assert body.splitlines() == ["name,n", "'=cmd(),0", "'=cmd(),1", "'=cmd(),2"]
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'


def test_xlsx_opens_and_holds_the_rows():
    response = xlsx_response("x.xlsx", ["name", "n"], [["@evil", 1], ["Bo", 2]])
    data = b"".join(response.streaming_content)  # type: ignore[arg-type]
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["name", "n"],
        ["'@evil", 1],
        ["Bo", 2],
    ]
