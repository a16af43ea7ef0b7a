"""The aging report as a download: CSV (UTF-8 with BOM, so Excel opens Chinese
names right) and XLSX (openpyxl, numbers as numbers)."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from finance.aging import AgingReport

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _header(report: AgingReport) -> list[str]:
    return [
        _("Customer code"),
        _("Customer"),
        *[str(label) for _key, label in report.buckets],
        _("Total"),
        _("Invoices"),
        _("On credit hold"),
    ]


def _rows(report: AgingReport):
    for row in report.rows:
        yield [
            row.code,
            row.name,
            *[amount for _key, amount in row.cells()],
            row.total,
            row.invoices,
            _("yes") if row.on_credit_hold else "",
        ]
    totals = report.totals
    yield ["", _("Total"), *[a for _k, a in totals.cells()], totals.total, totals.invoices, ""]


def _filename(report: AgingReport, ext: str) -> str:
    return f"aging-{report.as_of:%Y-%m-%d}.{ext}"


def aging_csv(report: AgingReport) -> HttpResponse:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow([_("As of"), report.as_of.isoformat()])
    writer.writerow(_header(report))
    for row in _rows(report):
        writer.writerow([f"{v:.2f}" if hasattr(v, "quantize") else v for v in row])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, _filename(report, "csv"))
    return response


def aging_xlsx(report: AgingReport) -> HttpResponse:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = _("Aging")[:31]
    sheet.append([_("As of"), report.as_of])
    sheet.append(_header(report))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    money_columns = range(3, 3 + len(report.buckets) + 1)
    for values in _rows(report):
        sheet.append(values)
        for col in money_columns:
            sheet.cell(row=sheet.max_row, column=col).number_format = "#,##0.00"
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["B"].width = 36
    sheet.freeze_panes = "C3"
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, _filename(report, "xlsx"))
    return response
