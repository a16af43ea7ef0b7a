"""Returns and allowances in the sales figures: every report's sales are net
of them, on the day they take effect.

A return or an allowance takes effect on its credit note's date (the receipt
of the goods, the allowance's final approval). Its credit note says whom it
credits (the customer, so the customer's salesperson) and, line by line, what:
a return's line names the product and the quantity that came back; an
allowance's line names the product when it reduced a note line's price, and
no product when it was an amount on the whole note or invoice. So:

- by customer, salesperson, day or month: sales less every credit note;
- by product: sales less the credit lines naming that product, and the
  quantity less what came back (an allowance moves no goods); allowances on
  no product form a row of their own, so the rows still add up to the total.

Credit notes are never changed once issued, so closed days and today read them
alike, straight from the (indexed, small) credit note tables: the day tables
of reports/rollup.py hold what was loaded, and live figures and rolled-up
figures subtract the same credits.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from finance.enums import CreditNoteSource
from finance.models import CreditNote, CreditNoteLine

MONEY = DecimalField(max_digits=16, decimal_places=2)
QTY = DecimalField(max_digits=16, decimal_places=3)

IS_RETURN = Q(credit_note__source=CreditNoteSource.RETURN)
IS_ALLOWANCE = Q(credit_note__source=CreditNoteSource.ALLOWANCE)

# Sums over credit note lines.
RETURNS = Coalesce(Sum("amount", filter=IS_RETURN), Value(0), output_field=MONEY)
ALLOWANCES = Coalesce(Sum("amount", filter=IS_ALLOWANCE), Value(0), output_field=MONEY)
RETURNED_QUANTITY = Coalesce(Sum("quantity", filter=IS_RETURN), Value(0), output_field=QTY)
CREDIT_SUMS = {
    "returns": RETURNS,
    "allowances": ALLOWANCES,
    "returned_quantity": RETURNED_QUANTITY,
}


def credit_notes_between(first: dt.date, last: dt.date) -> QuerySet[CreditNote]:
    return CreditNote.objects.filter(issue_date__gte=first, issue_date__lte=last)


def credit_lines_between(first: dt.date, last: dt.date) -> QuerySet[CreditNoteLine]:
    return CreditNoteLine.objects.filter(
        credit_note__issue_date__gte=first, credit_note__issue_date__lte=last
    )


def credits_by_product(first: dt.date, last: dt.date) -> dict[int, dict]:
    """Per product named by a credit line: returns, allowances and the
    quantity returned. One query."""
    rows = (
        credit_lines_between(first, last)
        .filter(product_id__isnull=False)
        .values("product_id")
        .annotate(**CREDIT_SUMS)
        .order_by()
    )
    return {row["product_id"]: row for row in rows}


def net_credit_sum(field_name: str, first: dt.date, last: dt.date) -> QuerySet:
    """(key, minus the credit, 0 notes) per value of a field of the credit
    note (``customer_id``, ``customer__salesperson_id``): the rows the top
    lists add to the sales rows."""
    return (
        credit_notes_between(first, last)
        .values(field_name)
        .annotate(value=-Sum("amount"), n=Value(0))
        .values_list(field_name, "value", "n")
        .order_by()
    )
