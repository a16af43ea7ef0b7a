"""Hand-made spreadsheets for the import tests: XLSX through openpyxl, as a
person would save them from Excel (numbers as numbers, dates as dates), and CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io

from openpyxl import Workbook

# The price-list import's columns, as its template offers them and a person fills them in.
PRICE_LIST_COLUMNS = [
    "list_code",
    "list_name",
    "valid_from",
    "valid_to",
    "sku",
    "standard_price",
    "minimum_price",
]


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


def first_day_files(rows: int, prefix: str, *, warehouse: str, today: dt.date) -> list[tuple]:
    """(kind, file name, content) in the order a company loads them."""
    codes = range(rows)
    return [
        (
            "customers",
            "c.xlsx",
            xlsx(
                ["code", "name", "trading_since", "contact_name", "contact_phone"],
                [
                    [
                        f"{prefix}C{n:05d}",
                        f"客户{prefix}{n}",
                        dt.date(2020, 1, 1),
                        f"联系人{n}",
                        "138",
                    ]
                    for n in codes
                ],
            ),
        ),
        (
            "products",
            "p.csv",
            csv_bytes(
                ["sku", "name", "unit"],
                [[f"{prefix}P{n:05d}", f"产品{prefix}{n}", "kg"] for n in codes],
            ),
        ),
        (
            "opening_stock",
            "s.csv",
            csv_bytes(
                ["warehouse", "sku", "batch", "produced_on", "quantity"],
                [[warehouse, f"{prefix}P{n:05d}", f"B{n}", "2025-12-01", "10"] for n in codes],
            ),
        ),
        (
            "opening_receivables",
            "r.xlsx",
            xlsx(
                ["customer", "invoice_number", "invoice_date", "due_date", "amount"],
                [[f"{prefix}C{n:05d}", f"{prefix}F{n}", today, today, "100.00"] for n in codes],
            ),
        ),
    ]
