"""The sales analysis: sales filtered by customer, product or salesperson and
grouped by day, month, product, customer or salesperson, each row linking to
the next narrower analysis. Net of returns and allowances on the day they take
effect (reports/selectors/credits.py), with both shown beside the sales."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from finance.models import CreditNoteLine
from orders.models import DeliveryNoteLine
from reports.enums import GroupBy
from reports.selectors.credits import CREDIT_SUMS, credit_lines_between
from reports.selectors.definitions import (
    LINE_QUANTITY,
    LINE_VALUE,
    MONEY,
    QTY,
    ZERO,
    ZERO_QTY,
    Ranked,
    dispatch_day,
    month_bounds,
    person_name,
    sales_url,
    sold_lines,
    unit_label,
)


@dataclass
class SalesQuery:
    date_from: dt.date
    date_to: dt.date
    group_by: str = GroupBy.DAY
    customer_id: int | None = None
    customer_code: str = ""  # for the links: the page filters customers by code
    product_id: int | None = None
    # A user id, or "none" for customers without a salesperson.
    salesperson: int | str | None = None

    @classmethod
    def from_filters(cls, data: dict) -> SalesQuery:
        """From the page's cleaned form or the API's validated query: dates,
        group, customer and product objects, salesperson id or "none"."""
        customer, product = data.get("customer"), data.get("product")
        person = data.get("salesperson") or None
        return cls(
            date_from=data["date_from"],
            date_to=data["date_to"],
            group_by=data["group_by"],
            customer_id=customer.pk if customer else None,
            customer_code=customer.code if customer else "",
            product_id=product.pk if product else None,
            salesperson=person if person in (None, "none") else int(person),
        )

    def filter_params(self) -> dict:
        return {
            "date_from": self.date_from,
            "date_to": self.date_to,
            "customer": self.customer_code,
            "product": self.product_id,
            "salesperson": self.salesperson,
        }


def _analysis_lines(q: SalesQuery) -> QuerySet[DeliveryNoteLine]:
    return _chosen(sold_lines(q.date_from, q.date_to), q, customer="note__customer")


def _chosen(lines: QuerySet, q: SalesQuery, *, customer: str) -> QuerySet:
    """The lines of the query's customer, product and salesperson (``none``: the
    customers nobody looks after), ``customer`` naming the path to the customer."""
    if q.customer_id:
        lines = lines.filter(**{f"{customer}_id": q.customer_id})
    if q.product_id:
        lines = lines.filter(product_id=q.product_id)
    if q.salesperson == "none":
        lines = lines.filter(**{f"{customer}__salesperson__isnull": True})
    elif q.salesperson:
        lines = lines.filter(**{f"{customer}__salesperson_id": q.salesperson})
    return lines


_GROUPS = {
    GroupBy.PRODUCT: [
        "product_id",
        "product__sku",
        "product__name",
        "product__specification",
        "product__unit",
    ],
    GroupBy.CUSTOMER: ["note__customer_id", "note__customer__code", "note__customer__name"],
    GroupBy.SALESPERSON: [
        "note__customer__salesperson_id",
        "note__customer__salesperson__username",
        "note__customer__salesperson__first_name",
        "note__customer__salesperson__last_name",
    ],
}


_CREDIT_GROUPS = {
    GroupBy.PRODUCT: _GROUPS[GroupBy.PRODUCT],
    GroupBy.CUSTOMER: [
        "credit_note__customer_id",
        "credit_note__customer__code",
        "credit_note__customer__name",
    ],
    GroupBy.SALESPERSON: [
        "credit_note__customer__salesperson_id",
        "credit_note__customer__salesperson__username",
        "credit_note__customer__salesperson__first_name",
        "credit_note__customer__salesperson__last_name",
    ],
}


def _analysis_credits(q: SalesQuery) -> QuerySet[CreditNoteLine]:
    """The credit note lines (returns, allowances) taking effect in the
    period, filtered like the sales: by the credit note's customer and its
    salesperson, by the line's product."""
    return _chosen(
        credit_lines_between(q.date_from, q.date_to), q, customer="credit_note__customer"
    )


def _day(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def _net(row: dict) -> dict:
    """A group's figures: what was loaded (gross, quantity), less returns and
    allowances (value), less what came back (quantity)."""
    row.setdefault("gross", ZERO)
    row.setdefault("quantity", ZERO_QTY)
    row.setdefault("notes", 0)
    row.setdefault("returns", ZERO)
    row.setdefault("allowances", ZERO)
    returned = row.pop("returned_quantity", ZERO_QTY)
    row["value"] = row["gross"] - row["returns"] - row["allowances"]
    row["quantity"] = row["quantity"] - returned
    return row


def sales_rows(q: SalesQuery) -> list[dict]:
    """Sales grouped as asked, net of returns and allowances: one dict per
    group with ``value`` (net), ``gross``, ``returns``, ``allowances``,
    ``quantity`` (loaded less returned: meaningful per product) and ``notes``.
    By day and month in date order, otherwise largest first. Two queries: the
    notes' lines and the credit notes' lines."""
    lines, credits = _analysis_lines(q), _analysis_credits(q)
    sums = {
        "gross": Sum(LINE_VALUE),
        "quantity": Sum(LINE_QUANTITY),
        "notes": Count("note_id", distinct=True),
    }
    if q.group_by in (GroupBy.DAY, GroupBy.MONTH):
        month = q.group_by == GroupBy.MONTH
        if month:
            tz = timezone.get_default_timezone()
            period = TruncMonth("note__dispatched_at", tzinfo=tz)
            credit_period = TruncMonth("credit_note__issue_date")
        else:
            period = dispatch_day("note__dispatched_at")
            credit_period = F("credit_note__issue_date")
        found: dict = {}
        for row in lines.annotate(period=period).values("period").annotate(**sums).order_by():
            found[_day(row["period"])] = {**row, "period": _day(row["period"])}
        credit_rows = credits.annotate(period=credit_period).values("period")
        for row in credit_rows.annotate(**CREDIT_SUMS).order_by():
            key = _day(row["period"])
            found.setdefault(key, {"period": key}).update(
                {k: v for k, v in row.items() if k != "period"}
            )
        return [_net(found[key]) for key in sorted(found)]
    keys = _GROUPS[GroupBy(q.group_by)]
    credit_keys = _CREDIT_GROUPS[GroupBy(q.group_by)]
    found = {row[keys[0]]: row for row in lines.values(*keys).annotate(**sums).order_by()}
    for row in credits.values(*credit_keys).annotate(**CREDIT_SUMS).order_by():
        named = {key: row[credit_key] for key, credit_key in zip(keys, credit_keys, strict=True)}
        named.update({name: row[name] for name in CREDIT_SUMS})
        found.setdefault(named[keys[0]], named).update(named)
    rows = [_net(row) for row in found.values()]
    return sorted(rows, key=lambda row: (-row["value"], row[keys[1]] or ""))


def sales_row(q: SalesQuery, row: dict) -> Ranked:
    """A grouped row in words, with the link that narrows the analysis to it."""
    params = q.filter_params()
    if q.group_by in (GroupBy.DAY, GroupBy.MONTH):
        period = row["period"]
        if isinstance(period, dt.datetime):
            period = (
                timezone.localtime(period).date() if timezone.is_aware(period) else period.date()
            )
        if q.group_by == GroupBy.DAY:
            label, first, last = period.isoformat(), period, period
        else:
            label = period.strftime("%Y-%m")
            first, last = month_bounds(period)
        narrowed = {**params, "date_from": first, "date_to": last, "group_by": GroupBy.CUSTOMER}
        key = period
    elif q.group_by == GroupBy.PRODUCT and row["product_id"] is None:
        # Allowances of an amount on a whole note or invoice: no product.
        key, label, narrowed = None, str(_("(allowances on no product)")), None
    elif q.group_by == GroupBy.PRODUCT:
        key = row["product_id"]
        label = f"{row['product__name']} {row['product__specification']}".strip()
        narrowed = {**params, "product": key, "group_by": GroupBy.CUSTOMER}
    elif q.group_by == GroupBy.CUSTOMER:
        key = row["note__customer_id"]
        label = row["note__customer__name"]
        narrowed = {
            **params,
            "customer": row["note__customer__code"],
            "group_by": GroupBy.PRODUCT,
        }
    else:
        key = row["note__customer__salesperson_id"]
        label = (
            person_name(
                row["note__customer__salesperson__first_name"] or "",
                row["note__customer__salesperson__last_name"] or "",
                row["note__customer__salesperson__username"] or "",
            )
            if key
            else str(_("(no salesperson)"))
        )
        narrowed = {**params, "salesperson": key or "none", "group_by": GroupBy.CUSTOMER}
    detail, unit = "", ""
    if q.group_by == GroupBy.PRODUCT and key is not None:
        detail, unit = row["product__sku"], unit_label(row["product__unit"])
    elif q.group_by == GroupBy.CUSTOMER:
        detail = row["note__customer__code"]
    return Ranked(
        key=key,
        label=label,
        detail=detail,
        value=row["value"],
        quantity=row["quantity"],
        unit=unit,
        notes=row["notes"],
        returns=row["returns"],
        allowances=row["allowances"],
        url=sales_url(**narrowed) if narrowed else None,
    )


def sales_totals(q: SalesQuery) -> dict:
    """The analysis' totals, net like its rows. Two queries."""
    row = _analysis_lines(q).aggregate(
        gross=Coalesce(Sum(LINE_VALUE), Value(ZERO), output_field=MONEY),
        quantity=Coalesce(Sum(LINE_QUANTITY), Value(ZERO_QTY), output_field=QTY),
        notes=Count("note_id", distinct=True),
    )
    row.update(_analysis_credits(q).aggregate(**CREDIT_SUMS))
    return _net(row)
