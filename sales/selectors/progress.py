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
from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    DecimalField,
    F,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce

from finance.enums import CreditNoteSource
from finance.models import CreditNote, CreditNoteLine
from orders.enums import NoteKind
from orders.models import DeliveryNote, DeliveryNoteLine
from reports.selectors.definitions import (
    LINE_QUANTITY,
    LINE_VALUE,
    MONEY,
    NOTE_VALUE,
    QTY,
    SOLD,
    day_range,
    person_name,
)
from sales.enums import TargetStatus
from sales.models import ProductGroup, SalesTargetLine
from salesadmin.clock import add_months, company_today, month_end
from salesadmin.decimal_input import round_money

ZERO = Decimal("0.00")
TARGET, ACTUAL = "t", "a"
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


SHARE = DecimalField(max_digits=30, decimal_places=20)


def _target_part(first: dt.date, last: dt.date, salesperson_id: int | None):
    """The approved target lines of the months in the period, each month's
    amount (and quantity) times its share of days in the period, per
    (salesperson, group): a part of the UNION ALL in ``_actual``."""
    shares = {(y, m): share for y, m, share in _months(first, last)}
    share = Case(
        *[
            When(target__year=y, month=m, then=Value(share.quantize(Decimal("1e-20")), SHARE))
            for (y, m), share in shares.items()
        ],
        output_field=SHARE,
    )
    lines = SalesTargetLine.objects.filter(
        Q(*[Q(target__year=y, month=m) for y, m in shares], _connector=Q.OR),
        target__status=TargetStatus.APPROVED,
    )
    if salesperson_id is not None:
        lines = lines.filter(salesperson_id=salesperson_id)
    return lines.values_list("salesperson_id", "product_group_id").annotate(
        now=Sum(F("amount") * share, output_field=MONEY),
        qty=Sum(F("quantity") * share, output_field=QTY),  # None: no quantity target
        before=Cast(Value(0), output_field=MONEY),
        kind=Cast(Value(TARGET), output_field=CharField()),
    )


def _in(field: str, period: tuple[dt.date, dt.date], *, moment: bool) -> Q:
    if moment:
        start, end = day_range(*period)
        return Q(**{f"{field}__gte": start, f"{field}__lt": end})
    return Q(**{f"{field}__range": period})


def _sum(expression, condition: Q, output):
    return Coalesce(Sum(expression, filter=condition), Value(0), output_field=output)


def _figures(now, before, salesperson_id: int | None, groups: bool) -> tuple[dict, dict]:
    """Targets, and net sales (now, loaded quantity now, before), per
    (salesperson, None) and per (salesperson, product group): the target lines,
    the notes, the credit notes and their lines of grouped products, for both
    periods, in one UNION ALL query."""
    note_now = _in("dispatched_at", now, moment=True)
    note_before = _in("dispatched_at", before, moment=True)
    credit_now = _in("issue_date", now, moment=False)
    credit_before = _in("issue_date", before, moment=False)
    line_now = _in("note__dispatched_at", now, moment=True)
    line_before = _in("note__dispatched_at", before, moment=True)
    cline_now = _in("credit_note__issue_date", now, moment=False)
    cline_before = _in("credit_note__issue_date", before, moment=False)
    no_group = Cast(Value(None), output_field=BigIntegerField())
    no_qty = Cast(Value(0), output_field=QTY)
    actual = Cast(Value(ACTUAL), output_field=CharField())
    # Sales only: samples and non-sale outbound never count towards a target.
    notes = DeliveryNote.objects.sales().filter(Q(status__in=SOLD), note_now | note_before)
    credits = CreditNote.objects.filter(credit_now | credit_before)
    group = "product__target_group_member__group_id"
    lines = DeliveryNoteLine.objects.filter(
        Q(note__status__in=SOLD, note__kind=NoteKind.SALE),
        line_now | line_before,
        **{f"{group}__isnull": False},
    )
    credit_lines = CreditNoteLine.objects.filter(
        cline_now | cline_before, **{f"{group}__isnull": False}
    )
    if salesperson_id is not None:
        notes = notes.filter(customer__salesperson_id=salesperson_id)
        credits = credits.filter(customer__salesperson_id=salesperson_id)
        lines = lines.filter(note__customer__salesperson_id=salesperson_id)
        credit_lines = credit_lines.filter(credit_note__customer__salesperson_id=salesperson_id)
    parts = [
        notes.values_list("customer__salesperson_id")
        .annotate(
            g=no_group,
            now=_sum(NOTE_VALUE, note_now, MONEY),
            qty=no_qty,
            before=_sum(NOTE_VALUE, note_before, MONEY),
            kind=actual,
        )
        .values_list("customer__salesperson_id", "g", "now", "qty", "before", "kind"),
        credits.values_list("customer__salesperson_id")
        .annotate(
            g=no_group,
            now=_sum(-F("amount"), credit_now, MONEY),
            qty=no_qty,
            before=_sum(-F("amount"), credit_before, MONEY),
            kind=actual,
        )
        .values_list("customer__salesperson_id", "g", "now", "qty", "before", "kind"),
        lines.values_list("note__customer__salesperson_id", group).annotate(
            now=_sum(LINE_VALUE, line_now, MONEY),
            qty=_sum(LINE_QUANTITY, line_now, QTY),
            before=_sum(LINE_VALUE, line_before, MONEY),
            kind=actual,
        ),
        credit_lines.values_list("credit_note__customer__salesperson_id", group).annotate(
            now=_sum(-F("amount"), cline_now, MONEY),
            # An allowance returns no goods: only a return takes quantity back.
            qty=_sum(
                -F("quantity"), cline_now & Q(credit_note__source=CreditNoteSource.RETURN), QTY
            ),
            before=_sum(-F("amount"), cline_before, MONEY),
            kind=actual,
        ),
        _target_part(*now, salesperson_id),
    ]
    if not groups:  # the salespeople's totals only: notes, credit notes, targets
        parts = [parts[0], parts[1], parts[4].filter(product_group__isnull=True)]
    first, *rest = [part.order_by() for part in parts]
    found: dict[tuple, list[Decimal]] = {}
    targets: dict[tuple, tuple] = {}
    for sp, group_id, value_now, qty, value_before, kind in first.union(*rest, all=True):
        if kind == TARGET:
            targets[(sp, group_id)] = (value_now, qty)
            continue
        cell = found.setdefault((sp, group_id), [ZERO, Decimal("0.000"), ZERO])
        cell[0] += value_now
        cell[1] += qty
        cell[2] += value_before
    return targets, found


def target_progress(
    first: dt.date,
    last: dt.date,
    *,
    salesperson_id: int | None = None,
    today: dt.date | None = None,
    groups: bool = True,
) -> Progress:
    """Progress of every salesperson with a target or sales in the period (or
    only ``salesperson_id``'s). One query, one more for the product groups and one
    for the names when there are any, however many rows. ``groups=False``: the
    salespeople's totals only, without reading delivery note lines (the
    dashboard's card: at a million order lines the lines cost most of the time).
    A salesperson with only product group lines then shows no target there."""
    today = today or company_today()
    prev_first, prev_last = previous_period(first, last)
    targets, actual = _figures((first, last), (prev_first, prev_last), salesperson_id, groups)
    groups = ProductGroup.objects.in_bulk({g for _sp, g in [*targets, *actual] if g})
    figures: dict[int | None, Figure] = {}
    group_figures: dict[tuple, Figure] = {}
    has_total_line: set = set()
    for (sp, group), (amount, qty) in targets.items():
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
    for (sp, group_id), (value_now, qty, value_before) in actual.items():
        if group_id is None:
            figure = figures.setdefault(sp, Figure())
            figure.actual, figure.previous = value_now, value_before
            continue
        cell = group_figures.setdefault((sp, group_id), Figure())
        cell.actual, cell.previous = value_now, value_before
        if groups[group_id].unit:
            cell.actual_quantity = qty

    days = (last - first).days + 1
    elapsed = max(0, min((min(today, last) - first).days + 1, days))
    for figure in [*figures.values(), *group_figures.values()]:
        figure.target = round_money(figure.target)
        if figure.target_quantity is not None:
            figure.target_quantity = figure.target_quantity.quantize(MILLI, ROUND_HALF_UP)
        if elapsed:
            figure.run_rate = round_money(figure.actual * days / elapsed)

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
        total.run_rate = round_money(total.actual * days / elapsed)
    return Progress(
        first=first,
        last=last,
        previous=(prev_first, prev_last),
        rows=rows,
        total=total,
        elapsed_days=elapsed,
        days=days,
    )
