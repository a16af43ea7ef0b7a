"""The commission basis (提成基数) of a month, per salesperson, line by line.

What a line is (the issue leaves the details to us):

- Rule "net sales": every delivery note of the salesperson's customers whose
  goods left stock that month (its dispatch day, what was loaded), less every
  credit note (return or allowance) issued that month: a late return lands in
  the month it is received, never in the month of the sale.
- Rule "collected": every payment allocation booked that month to an invoice
  of the salesperson's customers (the moment money settles an invoice; a
  reversal is a negative line). Credit notes settle invoices too but are not
  money collected, so they are not lines.
- Rule "collected within terms": the same lines, but a payment made after the
  invoice's due date counts nothing (it stays on the statement, marked
  overdue): overdue receivables earn no commission.
- The salesperson is the customer's salesperson; the rule is the person's
  own in force that month, else their team's. No rule: the lines show, the
  commission is nil.

An open month is computed from the documents; a closed month is read from the
lines stored when it was closed (services/commission.py), so nothing that
happens later changes it. Every event is dated when it is booked, and a month
closes only after it ended, so no later event can fall into a closed month.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import BooleanField, ExpressionWrapper, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from finance.enums import CreditNoteSource, EntryKind
from finance.models import CreditNote, PaymentAllocation
from reports.selectors.definitions import NOTE_VALUE, day_range, person_name, sold_notes
from sales.enums import CommissionBasis, CommissionLineKind, CommissionMonthStatus
from sales.models import CommissionMonth, CommissionRule, CommissionStatement, SalesTeam
from salesadmin.clock import month_end
from salesadmin.decimal_input import round_money

ZERO = Decimal("0.00")


@dataclass
class Line:
    kind: str
    source_id: int
    document: str
    day: dt.date
    customer: str
    amount: Decimal
    counted: Decimal
    invoice: str = ""
    remark: str = ""

    @property
    def kind_label(self) -> str:
        return str(CommissionLineKind(self.kind).label)


@dataclass
class Statement:
    month: dt.date
    salesperson_id: int
    name: str
    basis: str  # "" when no rule is in force
    rate: Decimal | None
    lines: list[Line] = field(default_factory=list)
    closed: bool = False
    stored_basis: Decimal | None = None
    stored_commission: Decimal | None = None

    @property
    def basis_amount(self) -> Decimal:
        if self.stored_basis is not None:
            return self.stored_basis
        return sum((line.counted for line in self.lines), ZERO)

    @property
    def commission(self) -> Decimal:
        if self.stored_commission is not None:
            return self.stored_commission
        if self.rate is None:
            return ZERO
        return round_money(self.basis_amount * self.rate / 100)

    @property
    def rate_label(self) -> str:
        """1.5%, not 1.500%."""
        return f"{self.rate.normalize():f}%" if self.rate is not None else ""

    @property
    def basis_label(self) -> str:
        return str(CommissionBasis(self.basis).label) if self.basis else _("No rule")


def first_of(month: dt.date) -> dt.date:
    return month.replace(day=1)


def rules_in_force(month: dt.date) -> dict[int, CommissionRule]:
    """Each salesperson's rule for the month: their own, else their team's
    (the first team by name). Three queries."""
    month = first_of(month)
    own: dict[int, CommissionRule] = {}
    by_team: dict[int, CommissionRule] = {}
    for rule in CommissionRule.objects.filter(valid_from__lte=month).order_by("valid_from", "id"):
        if rule.salesperson_id:
            own[rule.salesperson_id] = rule
        else:
            by_team[rule.team_id] = rule
    found: dict[int, CommissionRule] = {}
    members = SalesTeam.members.through.objects.filter(salesteam_id__in=by_team).order_by(
        "salesteam__name"
    )
    for user_id, team_id in members.values_list("user_id", "salesteam_id"):
        found.setdefault(user_id, by_team[team_id])
    found.update(own)
    return found


def _sales_lines(first, last, people: set | None) -> dict[int, list[Line]]:
    lines: dict[int, list[Line]] = {}
    notes = sold_notes(first, last).filter(customer__salesperson__isnull=False)
    credits = CreditNote.objects.filter(
        issue_date__range=(first, last), customer__salesperson__isnull=False
    )
    if people is not None:
        notes = notes.filter(customer__salesperson_id__in=people)
        credits = credits.filter(customer__salesperson_id__in=people)
    rows = notes.annotate(v=NOTE_VALUE).values_list(
        "pk", "number", "dispatched_at", "customer__name", "customer__salesperson_id", "v"
    )
    for pk, number, at, customer, sp, value in rows.order_by("dispatched_at", "pk"):
        lines.setdefault(sp, []).append(
            Line(
                kind=CommissionLineKind.NOTE,
                source_id=pk,
                document=number or "",
                day=timezone.localtime(at).date(),
                customer=customer,
                amount=value,
                counted=value,
            )
        )
    rows = credits.values_list(
        "pk",
        "number",
        "issue_date",
        "customer__name",
        "customer__salesperson_id",
        "amount",
        "source",
        "source_number",
    )
    for pk, number, day, customer, sp, amount, source, source_number in rows.order_by(
        "issue_date", "pk"
    ):
        label = _("Return") if source == CreditNoteSource.RETURN else _("Allowance")
        lines.setdefault(sp, []).append(
            Line(
                kind=CommissionLineKind.CREDIT_NOTE,
                source_id=pk,
                document=number,
                day=day,
                customer=customer,
                amount=-amount,
                counted=-amount,
                remark=f"{label} {source_number}",
            )
        )
    return lines


def _collected_lines(first, last, people: set | None, rules) -> dict[int, list[Line]]:
    start, end = day_range(first, last)
    allocations = PaymentAllocation.objects.filter(
        created_at__gte=start,
        created_at__lt=end,
        payment__kind=EntryKind.PAYMENT,
        invoice__customer__salesperson__isnull=False,
    )
    if people is not None:
        allocations = allocations.filter(invoice__customer__salesperson_id__in=people)
    rows = allocations.annotate(
        late=ExpressionWrapper(
            Q(payment__entry_date__gt=F("invoice__due_date")), output_field=BooleanField()
        )
    ).values_list(
        "pk",
        "created_at",
        "amount",
        "payment__reference",
        "payment__entry_date",
        "invoice__number",
        "invoice__due_date",
        "invoice__customer__name",
        "invoice__customer__salesperson_id",
        "late",
    )
    lines: dict[int, list[Line]] = {}
    for pk, at, amount, ref, paid_on, invoice, due, customer, sp, late in rows.order_by(
        "created_at", "pk"
    ):
        within_terms = getattr(rules.get(sp), "basis", "") == CommissionBasis.COLLECTED_WITHIN_TERMS
        excluded = within_terms and late
        remark = _("paid %(paid)s, due %(due)s") % {"paid": paid_on, "due": due}
        if excluded:
            remark = _("overdue: paid %(paid)s after the due date %(due)s") % {
                "paid": paid_on,
                "due": due,
            }
        lines.setdefault(sp, []).append(
            Line(
                kind=CommissionLineKind.ALLOCATION,
                source_id=pk,
                document=ref or _("payment of %(day)s") % {"day": paid_on},
                invoice=invoice,
                day=timezone.localtime(at).date(),
                customer=customer,
                amount=amount,
                counted=ZERO if excluded else amount,
                remark=remark,
            )
        )
    return lines


def live_statements(month: dt.date, *, salesperson_id: int | None = None) -> list[Statement]:
    """Every salesperson's statement for an open month, from the documents:
    those with a rule in force and those with lines. A fixed number of queries."""
    first = first_of(month)
    last = month_end(first)
    rules = rules_in_force(first)
    people = None if salesperson_id is None else {salesperson_id}
    on_sales = _sales_lines(first, last, people)
    collected = _collected_lines(first, last, people, rules)
    ids = set(rules) | set(on_sales) | set(collected)
    if salesperson_id is not None:
        ids = {salesperson_id}
    users = get_user_model().objects.in_bulk(ids)
    statements = []
    for sp in ids:
        user = users.get(sp)
        if user is None:
            continue
        rule = rules.get(sp)
        basis = rule.basis if rule else ""
        lines = collected.get(sp, []) if basis in _COLLECTED else on_sales.get(sp, [])
        statements.append(
            Statement(
                month=first,
                salesperson_id=sp,
                name=person_name(user.first_name, user.last_name, user.username),
                basis=basis,
                rate=rule.rate if rule else None,
                lines=lines,
            )
        )
    statements.sort(key=lambda s: s.name)
    return statements


_COLLECTED = {CommissionBasis.COLLECTED, CommissionBasis.COLLECTED_WITHIN_TERMS}


def closed_statements(
    month_row: CommissionMonth, *, salesperson_id: int | None = None
) -> list[Statement]:
    stored = (
        CommissionStatement.objects.filter(month=month_row)
        .select_related("salesperson")
        .prefetch_related("lines")
        .order_by("salesperson__username")
    )
    if salesperson_id is not None:
        stored = stored.filter(salesperson_id=salesperson_id)
    found = []
    for row in stored:
        user = row.salesperson
        found.append(
            Statement(
                month=month_row.month,
                salesperson_id=user.pk,
                name=person_name(user.first_name, user.last_name, user.username),
                basis=row.basis,
                rate=row.rate,
                closed=True,
                stored_basis=row.basis_amount,
                stored_commission=row.commission,
                lines=[
                    Line(
                        kind=ln.kind,
                        source_id=ln.source_id,
                        document=ln.document,
                        invoice=ln.invoice,
                        day=ln.day,
                        customer=ln.customer,
                        amount=ln.amount,
                        counted=ln.counted,
                        remark=ln.remark,
                    )
                    for ln in row.lines.all()
                ],
            )
        )
    found.sort(key=lambda s: s.name)
    return found


def month_row(month: dt.date) -> CommissionMonth | None:
    return CommissionMonth.objects.filter(month=first_of(month)).first()


def statements(month: dt.date, *, salesperson_id: int | None = None) -> list[Statement]:
    """The month's statements: stored if the month is closed, else live."""
    row = month_row(month)
    if row is not None and row.status == CommissionMonthStatus.CLOSED:
        return closed_statements(row, salesperson_id=salesperson_id)
    return live_statements(month, salesperson_id=salesperson_id)
