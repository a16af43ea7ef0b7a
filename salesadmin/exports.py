"""CSV and XLSX downloads of a table, for every report and list that offers one.

A download is optional lines above the table (``preamble``: "As of", a date),
a header row, the rows, and optional closing rows (``footer``: totals). CSV is
UTF-8 with a byte-order mark, so Excel opens Chinese names right; XLSX keeps
numbers as numbers (a Decimal with two places shows as money, three as a
quantity) and writes row by row, so a long table does not sit in memory.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")
_BOLD = Font(bold=True)
# A Decimal's number of places -> how the sheet shows it.
_NUMBER_FORMATS = {2: "#,##0.00", 3: "#,##0.000"}

Row = Sequence


def _cell(value):
    return "" if value is None else value


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def csv_response(
    filename: str,
    header: Row,
    rows: Iterable[Row],
    *,
    preamble: Iterable[Row] = (),
    footer: Iterable[Row] = (),
) -> HttpResponse:
    """``filename`` without its extension."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    for line in preamble:
        writer.writerow([_cell(v) for v in line])
    writer.writerow([str(h) for h in header])
    for row in (*rows, *footer) if footer else rows:
        writer.writerow([_cell(v) for v in row])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    return _attachment(response, f"{filename}.csv")


def xlsx_response(
    filename: str,
    title: str,
    header: Row,
    rows: Iterable[Row],
    *,
    preamble: Iterable[Row] = (),
    footer: Iterable[Row] = (),
    frozen_columns: int = 0,
    widths: dict[str, float] | None = None,
) -> HttpResponse:
    """One sheet named ``title``; the header (and ``frozen_columns``) stay in view."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=str(title)[:31])
    for letter, width in (widths or {}).items():
        sheet.column_dimensions[letter].width = width
    preamble = list(preamble)
    first_row = len(preamble) + 2
    sheet.freeze_panes = f"{chr(ord('A') + frozen_columns)}{first_row}"

    def cells(values: Row, *, bold: bool = False) -> list:
        out = []
        for value in values:
            cell = WriteOnlyCell(sheet, value=_cell(value))
            if isinstance(value, Decimal):
                places = -value.as_tuple().exponent
                cell.number_format = _NUMBER_FORMATS.get(places, "General")
            if bold:
                cell.font = _BOLD
            out.append(cell)
        return out

    for line in preamble:
        sheet.append(cells(line))
    sheet.append(cells([str(h) for h in header], bold=True))
    for row in rows:
        sheet.append(cells(row))
    for row in footer:
        sheet.append(cells(row, bold=True))
    out = io.BytesIO()
    book.save(out)
    return _attachment(HttpResponse(out.getvalue(), content_type=XLSX), f"{filename}.xlsx")


def export_response(
    fmt: str, filename: str, title: str, header: Row, rows: Iterable[Row], **options
) -> HttpResponse:
    """``fmt`` is one of FORMATS; XLSX-only options are ignored for CSV."""
    if fmt == "xlsx":
        return xlsx_response(filename, title, header, rows, **options)
    options.pop("frozen_columns", None)
    options.pop("widths", None)
    return csv_response(filename, header, rows, **options)
