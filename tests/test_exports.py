"""The one CSV/XLSX download helper (salesadmin/exports.py) that finance and reports share."""

import csv
import datetime as dt
import io
from decimal import Decimal

from openpyxl import load_workbook

from salesadmin.exports import export_response

HEADER = ["Customer", "Sales value", "Quantity"]
ROWS = [["湖州大地", Decimal("1234.50"), Decimal("2.125")], ["无名", None, Decimal("0.000")]]


def _export(fmt: str):
    return export_response(
        fmt,
        "sales-2026-06",
        "Sales",
        HEADER,
        iter(ROWS),
        preamble=[["As of", dt.date(2026, 6, 30)]],
        footer=[["Total", Decimal("1234.50"), Decimal("2.125")]],
        frozen_columns=1,
        widths={"A": 30},
    )


def test_csv_is_excel_readable_utf8_with_the_lines_in_order():
    response = _export("csv")

    assert response.content.startswith("\ufeff".encode())
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="sales-2026-06.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [
        ["As of", "2026-06-30"],
        HEADER,
        ["湖州大地", "1234.50", "2.125"],
        ["无名", "", "0.000"],
        ["Total", "1234.50", "2.125"],
    ]


def test_xlsx_keeps_numbers_as_numbers_with_money_and_quantity_formats():
    response = _export("xlsx")

    assert response["Content-Disposition"] == 'attachment; filename="sales-2026-06.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "Sales"
    assert [c.value for c in sheet[2]] == HEADER
    assert sheet["A2"].font.bold
    assert sheet["B3"].value == 1234.5 and sheet["B3"].number_format == "#,##0.00"
    assert sheet["C3"].value == 2.125 and sheet["C3"].number_format == "#,##0.000"
    assert sheet["B4"].value is None  # an empty cell, not the text "None"
    assert sheet["A5"].value == "Total" and sheet["A5"].font.bold
    assert sheet.freeze_panes == "B3"  # the header and the first column stay in view
    assert sheet.column_dimensions["A"].width == 30
