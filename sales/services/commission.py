"""The commission basis (提成): rules, and closing a month.

Closing a month stores every salesperson's statement and its lines as they
stand (sales/selectors/commission.py says what a line is) and logs the
transition; from then on the month is read from those rows only, so later
returns, payments or rule changes never change it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from sales.enums import CommissionBasis
from sales.models import (
    CommissionLine,
    CommissionMonth,
    CommissionRule,
    CommissionStatement,
    SalesTeam,
)
from sales.selectors.commission import first_of, live_statements
from salesadmin.decimal_input import parse_money
from salesadmin.errors import ApplicationError, ConflictError
from salesadmin.transitions import check_transition, run_signed

DOC = "commission_month"


@transaction.atomic
def commission_rule_set(
    *,
    user,
    basis: str,
    rate,
    valid_from: dt.date,
    salesperson=None,
    team: SalesTeam | None = None,
) -> CommissionRule:
    """A salesperson's or a team's rule from a month on. The months before
    keep the rule they had; a closed month keeps what it stored."""
    if not user.has_perm("sales.add_commissionrule"):
        raise PermissionDenied
    if (salesperson is None) == (team is None):
        raise ApplicationError(
            _("Choose a salesperson or a team."), code="salesperson_or_team_required"
        )
    if basis not in CommissionBasis.values:
        raise ApplicationError(_("Unknown commission basis."), code="invalid_basis")
    rate = parse_money(rate, code="invalid_rate") if not isinstance(rate, Decimal) else rate
    if not Decimal("0") <= rate <= Decimal("100"):
        raise ApplicationError(_("The rate is a percentage from 0 to 100."), code="invalid_rate")
    valid_from = first_of(valid_from)
    closed = CommissionMonth.objects.filter(month__gte=valid_from, status="closed")
    if closed.exists():
        raise ApplicationError(
            _("A closed month cannot change: start the rule after the last closed month."),
            code="month_closed",
        )
    try:
        with transaction.atomic():
            return CommissionRule.objects.create(
                salesperson=salesperson,
                team=team,
                basis=basis,
                rate=rate,
                valid_from=valid_from,
                created_by=user,
            )
    except IntegrityError as exc:
        raise ApplicationError(
            _("A rule from this month exists already."), code="rule_exists"
        ) from exc


@transaction.atomic
def commission_month_close(*, user, month: dt.date) -> CommissionMonth:
    """Freeze the month: each salesperson's statement and lines become rows."""
    if not user.has_perm("sales.close_commissionmonth"):
        raise PermissionDenied
    first = first_of(month)
    CommissionMonth.objects.get_or_create(month=first)
    row = CommissionMonth.objects.select_for_update().get(month=first)
    # Wrong state 409, wrong role 403, a month not over 400: before any work.
    check_transition(row, "close", user=user)
    for statement in live_statements(first):
        stored = CommissionStatement.objects.create(
            month=row,
            salesperson_id=statement.salesperson_id,
            basis=statement.basis,
            rate=statement.rate,
            basis_amount=statement.basis_amount,
            commission=statement.commission,
        )
        try:
            with transaction.atomic():
                CommissionLine.objects.bulk_create(
                    CommissionLine(
                        statement=stored,
                        kind=line.kind,
                        source_id=line.source_id,
                        document=line.document[:40],
                        invoice=line.invoice,
                        day=line.day,
                        customer=line.customer[:200],
                        amount=line.amount,
                        counted=line.counted,
                        remark=line.remark[:200],
                    )
                    for line in statement.lines
                )
        except IntegrityError as exc:
            raise ConflictError(
                _("A document is already counted in another closed month."),
                code="line_counted_twice",
            ) from exc
    return run_signed(row, "close", user=user, document_type=DOC)
