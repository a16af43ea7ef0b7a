"""Target progress (完成情况): for any period, actual net sales against the
approved target per salesperson and per product group, with the gap, the run
rate to the period's end and the change on the month before.

- Actual is net sales as the reports count them (reports/selectors):
  delivery notes whose goods left stock, on their dispatch day, at what was
  loaded, less the credit notes of returns and allowances on their own date;
  the salesperson is the customer's.
- A month's target counts in proportion to the days of it in the period, so a
  week or a quarter to date has a target too.
- A salesperson's target is their total line for the month; where only
  product group lines exist, their sum.
- The run rate is actual per elapsed day times the period's days; the month
  on month change compares with the same period one month earlier.
- A fixed number of queries whatever the data (the dashboard shows it).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.db.models import Q, Sum

from finance.enums import CreditNoteSource
from finance.models import CreditNote, CreditNoteLine
from reports.selectors.definitions import (
    LINE_QUANTITY,
    LINE_VALUE,
    NOTE_VALUE,
    person_name,
    sold_lines,
    sold_notes,
)
from sales.enums import TargetStatus
from sales.models import ProductGroup, ProductGroupMember, SalesTargetLine
from salesadmin.clock import add_months, company_today, month_end

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
MILLI = Decimal("0.001")


@dataclass
class Figure:
    """Target and actual of one salesperson (and product group) over the period."""

    target: Decimal = ZERO
    actual: Decimal = ZERO
    previous: Decimal = ZERO  # the same period one month earlier
    target_quantity: Decimal | None = None
    actual_quantity: Decimal | None = None
    run_rate: Decimal | None = None

    @property
    def gap(self) -> Decimal:
        """What is still to sell (negative: beyond target)."""
        return self.target - self.actual

    @property
    def percent(self) -> Decimal | None:
        if not self.target:
            return None
        return (self.actual * 100 / self.target).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def change(self) -> Decimal | None:
        """Month-on-month change in per cent (None when last month sold nothing)."""
        if not self.previous:
            return None
        return ((self.actual - self.previous) * 100 / self.previous).quantize(
            Decimal("0.1"), ROUND_HALF_UP
        )


@dataclass
class GroupRow:
    group: ProductGroup
    figure: Figure


@dataclass
class PersonRow:
    salesperson_id: int | None
    name: str
    figure: Figure
    groups: list[GroupRow] = field(default_factory=list)


@dataclass
class Progress:
    first: dt.date
    last: dt.date
    previous: tuple[dt.date, dt.date]
    rows: list[PersonRow]
    total: Figure
    elapsed_days: int
    days: int

    @property
    def has_target(self) -> bool:
        return bool(self.total.target)


def previous_period(first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
    """The same period one month earlier (a whole month's is the month before)."""
    start = add_months(first, -1)
    end = month_end(add_months(last, -1)) if last == month_end(last) else add_months(last, -1)
    return start, end


def _months(first: dt.date, last: dt.date):
    """(year, month, share of the month's days inside first..last)."""
    day = first.replace(day=1)
    while day <= last:
        days = calendar.monthrange(day.year, day.month)[1]
        lo, hi = max(first, day), min(last, day.replace(day=days))
        yield day.year, day.month, Decimal((hi - lo).days + 1) / Decimal(days)
        day = add_months(day, 1)


def _target_lines(first: dt.date, last: dt.date, salesperson_id: int | None):
    shares = {(y, m): share for y, m, share in _months(first, last)}
    lines = SalesTargetLine.objects.filter(
        target__status=TargetStatus.APPROVED, target__year__in={y for y, _m in shares}
    ).filter(Q(*[Q(target__year=y, month=m) for y, m in shares], _connector=Q.OR))
    if salesperson_id is not None:
        lines = lines.filter(salesperson_id=salesperson_id)
    rows = lines.values_list(
        "target__year", "month", "salesperson_id", "product_group_id", "amount", "quantity"
    )
    return [
        (sp, group, amount * shares[(y, m)], qty and qty * shares[(y, m)])
        for y, m, sp, group, amount, qty in rows
    ]


def _actual(first: dt.date, last: dt.date, salesperson_id: int | None, groups: dict[int, int]):
    """Net sales per salesperson, and per (salesperson, group) with quantities."""
    notes = sold_notes(first, last)
    credits = CreditNote.objects.filter(issue_date__range=(first, last))
    lines = sold_lines(first, last).filter(product_id__in=groups)
    credit_lines = CreditNoteLine.objects.filter(
        credit_note__issue_date__range=(first, last), product_id__in=groups
    )
    if salesperson_id is not None:
        notes = notes.filter(customer__salesperson_id=salesperson_id)
        credits = credits.filter(customer__salesperson_id=salesperson_id)
        lines = lines.filter(note__customer__salesperson_id=salesperson_id)
        credit_lines = credit_lines.filter(credit_note__customer__salesperson_id=salesperson_id)
    people: dict[int | None, Decimal] = {}
    for sp, value in (
        notes.values_list("customer__salesperson_id").annotate(v=Sum(NOTE_VALUE)).order_by()
    ):
        people[sp] = people.get(sp, ZERO) + value
    for sp, value in (
        credits.values_list("customer__salesperson_id").annotate(v=Sum("amount")).order_by()
    ):
        people[sp] = people.get(sp, ZERO) - value
    by_group: dict[tuple, list[Decimal]] = {}
    rows = lines.values_list("note__customer__salesperson_id", "product_id").annotate(
        v=Sum(LINE_VALUE), q=Sum(LINE_QUANTITY)
    )
    for sp, product, value, qty in rows.order_by():
        cell = by_group.setdefault((sp, groups[product]), [ZERO, Decimal("0.000")])
        cell[0] += value
        cell[1] += qty
    rows = credit_lines.values_list(
        "credit_note__customer__salesperson_id", "product_id", "credit_note__source"
    ).annotate(v=Sum("amount"), q=Sum("quantity"))
    for sp, product, source, value, qty in rows.order_by():
        cell = by_group.setdefault((sp, groups[product]), [ZERO, Decimal("0.000")])
        cell[0] -= value
        if source == CreditNoteSource.RETURN and qty:  # an allowance returns no goods
            cell[1] -= qty
    return people, by_group


def target_progress(
    first: dt.date,
    last: dt.date,
    *,
    salesperson_id: int | None = None,
    today: dt.date | None = None,
) -> Progress:
    """Progress of every salesperson with a target or sales in the period (or
    only ``salesperson_id``'s). About ten queries, however many rows."""
    today = today or company_today()
    prev_first, prev_last = previous_period(first, last)
    groups_by_product = dict(ProductGroupMember.objects.values_list("product_id", "group_id"))
    groups = ProductGroup.objects.in_bulk()
    people_now, groups_now = _actual(first, last, salesperson_id, groups_by_product)
    people_before, groups_before = _actual(prev_first, prev_last, salesperson_id, groups_by_product)
    figures: dict[int | None, Figure] = {}
    group_figures: dict[tuple, Figure] = {}
    has_total_line: set = set()
    for sp, group, amount, qty in _target_lines(first, last, salesperson_id):
        if group is None:
            has_total_line.add(sp)
            figures.setdefault(sp, Figure()).target += amount
        else:
            cell = group_figures.setdefault((sp, group), Figure())
            cell.target += amount
            if qty is not None:
                cell.target_quantity = (cell.target_quantity or Decimal("0")) + qty
    for (sp, _group), cell in group_figures.items():
        if sp not in has_total_line:
            figures.setdefault(sp, Figure()).target += cell.target
    for sp, value in people_now.items():
        figures.setdefault(sp, Figure()).actual = value
    for sp, value in people_before.items():
        if sp in figures or value:
            figures.setdefault(sp, Figure()).previous = value
    for key, (value, qty) in groups_now.items():
        cell = group_figures.setdefault(key, Figure())
        cell.actual = value
        if groups[key[1]].unit:
            cell.actual_quantity = qty
    for key, (value, _qty) in groups_before.items():
        group_figures.setdefault(key, Figure()).previous = value

    days = (last - first).days + 1
    elapsed = max(0, min((min(today, last) - first).days + 1, days))
    for figure in [*figures.values(), *group_figures.values()]:
        figure.target = figure.target.quantize(CENT, ROUND_HALF_UP)
        if figure.target_quantity is not None:
            figure.target_quantity = figure.target_quantity.quantize(MILLI, ROUND_HALF_UP)
        if elapsed:
            figure.run_rate = (figure.actual * days / elapsed).quantize(CENT, ROUND_HALF_UP)

    users = get_user_model().objects.in_bulk([sp for sp in figures if sp])
    rows = []
    for sp, figure in figures.items():
        user = users.get(sp)
        name = person_name(user.first_name, user.last_name, user.username) if user else ""
        person = PersonRow(salesperson_id=sp, name=name, figure=figure)
        person.groups = sorted(
            (GroupRow(group=groups[g], figure=f) for (p, g), f in group_figures.items() if p == sp),
            key=lambda row: row.group.code,
        )
        rows.append(person)
    rows.sort(key=lambda r: (r.salesperson_id is None, -r.figure.target, r.name))
    total = Figure(
        target=sum((r.figure.target for r in rows), ZERO),
        actual=sum((r.figure.actual for r in rows), ZERO),
        previous=sum((r.figure.previous for r in rows), ZERO),
    )
    if elapsed:
        total.run_rate = (total.actual * days / elapsed).quantize(CENT, ROUND_HALF_UP)
    return Progress(
        first=first,
        last=last,
        previous=(prev_first, prev_last),
        rows=rows,
        total=total,
        elapsed_days=elapsed,
        days=days,
    )
