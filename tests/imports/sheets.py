"""Hand-made spreadsheets for the import tests: XLSX through openpyxl, as a
person would save them from Excel (numbers as numbers, dates as dates), and CSV."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook


def xlsx(header: list[str], rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(header: list[str], rows: list[list], encoding: str = "utf-8-sig") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)
