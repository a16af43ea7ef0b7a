"""Quotation conversion by salesperson (报价转化率): of the quotations dated in
a period, how many the customer accepted, declined or let lapse. The
salesperson is the person who made the quotation (a prospect has no customer,
so no customer's salesperson). The rate is accepted over decided (accepted,
declined, lapsed); quotations still open count apart. One query."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, Sum

from reports.selectors.definitions import person_name
from sales.enums import QuotationStatus
from sales.models import Quotation


@dataclass
class Conversion:
    salesperson_id: int
    name: str
    quotations: int
    open: int
    accepted: int
    declined: int
    lapsed: int
    accepted_value: Decimal

    @property
    def decided(self) -> int:
        return self.accepted + self.declined + self.lapsed

    @property
    def rate(self) -> Decimal | None:
        if not self.decided:
            return None
        return (Decimal(self.accepted) * 100 / self.decided).quantize(Decimal("0.1"), ROUND_HALF_UP)


def conversion_by_salesperson(first: dt.date, last: dt.date) -> list[Conversion]:
    rows = (
        Quotation.objects.filter(quote_date__range=(first, last))
        .values(
            "created_by_id",
            "created_by__username",
            "created_by__first_name",
            "created_by__last_name",
        )
        .annotate(
            n=Count("id"),
            open=Count("id", filter=Q(status__in=[QuotationStatus.DRAFT, QuotationStatus.SENT])),
            accepted=Count("id", filter=Q(status=QuotationStatus.ACCEPTED)),
            declined=Count("id", filter=Q(status=QuotationStatus.DECLINED)),
            lapsed=Count("id", filter=Q(status=QuotationStatus.LAPSED)),
            value=Sum("total", filter=Q(status=QuotationStatus.ACCEPTED)),
        )
        .order_by("created_by__username")
    )
    return [
        Conversion(
            salesperson_id=r["created_by_id"],
            name=person_name(
                r["created_by__first_name"], r["created_by__last_name"], r["created_by__username"]
            ),
            quotations=r["n"],
            open=r["open"],
            accepted=r["accepted"],
            declined=r["declined"],
            lapsed=r["lapsed"],
            accepted_value=r["value"] or Decimal("0.00"),
        )
        for r in rows
    ]
