"""A target's lines from a spreadsheet (XLSX), with a dry run that lists
every bad row before anything is written.

Columns, first row a header: month (1-12), salesperson (login name),
product group (code, empty for the salesperson's total), amount, quantity
(only for a group with a unit). The import replaces all the draft's lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from sales.models import ProductGroup, SalesTarget
from sales.services.targets import TargetLineInput, sales_target_lines_save
from salesadmin.errors import ApplicationError

MAX_ROWS = 5000


@dataclass
class ImportReport:
    lines: list[TargetLineInput] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (row number, message)
    written: bool = False


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        raise ValueError from None


def parse_target_sheet(upload) -> ImportReport:
    try:
        book = load_workbook(upload, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a file that is not XLSX
        raise ApplicationError(_("This is not an XLSX file."), code="invalid_file") from exc
    sheet = book.worksheets[0]
    people = dict(get_user_model().objects.filter(is_active=True).values_list("username", "pk"))
    groups = {g.code: g for g in ProductGroup.objects.all()}
    report = ImportReport()
    seen = set()
    for number, row in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        if number > MAX_ROWS + 1:
            report.errors.append((number, _("Too many rows.")))
            break
        cells = [*row, None, None, None, None, None][:5]
        if all(c in (None, "") for c in cells):
            continue
        month, person, group_code, amount, quantity = cells
        try:
            month = int(month)
            assert 1 <= month <= 12
        except (TypeError, ValueError, AssertionError):
            report.errors.append((number, _("The month must be 1 to 12.")))
            continue
        if str(person or "").strip() not in people:
            report.errors.append((number, _("Unknown salesperson %(name)s.") % {"name": person}))
            continue
        group = None
        if group_code not in (None, ""):
            group = groups.get(str(group_code).strip())
            if group is None:
                report.errors.append(
                    (number, _("Unknown product group %(code)s.") % {"code": group_code})
                )
                continue
        try:
            amount, quantity = _decimal(amount), _decimal(quantity)
        except ValueError:
            report.errors.append((number, _("Amounts and quantities must be numbers.")))
            continue
        if amount is None or amount < 0 or (quantity is not None and quantity < 0):
            report.errors.append((number, _("The amount must be a number of zero or more.")))
            continue
        if quantity is not None and (group is None or not group.unit):
            report.errors.append(
                (number, _("Quantities are set only for a product group with a unit."))
            )
            continue
        key = (month, people[str(person).strip()], getattr(group, "pk", None))
        if key in seen:
            report.errors.append(
                (number, _("A month, salesperson and product group appear twice."))
            )
            continue
        seen.add(key)
        report.lines.append(
            TargetLineInput(
                month=month,
                salesperson_id=key[1],
                amount=amount,
                product_group=group,
                quantity=quantity,
            )
        )
    return report


def sales_target_import(*, user, target: SalesTarget, upload, dry_run: bool) -> ImportReport:
    """Check the sheet; unless a dry run or a row is bad, replace the draft's lines."""
    report = parse_target_sheet(upload)
    if not dry_run and not report.errors:
        sales_target_lines_save(user=user, target=target, lines=report.lines, all_groups=True)
        report.written = True
    return report
