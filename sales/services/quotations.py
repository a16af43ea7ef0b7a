"""Quotations (报价单): entry, send, the customer's answer, expiry.

Lines are priced as orders are (orders.services.pricing: the customer's price,
else the price list); accepting turns the quotation into a sales order in the
same transaction through the order service, with the quoted prices, and
submits it: a price below the minimum waits for a manager as on any order.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Customer
from inventory.models import Product
from orders.services.pricing import price_lines
from orders.services.sales_orders import LineInput, sales_order_create, sales_order_submit
from sales.enums import QuotationStatus
from sales.models import Quotation, QuotationLine
from salesadmin.clock import company_today
from salesadmin.document_numbers import number_last
from salesadmin.errors import ApplicationError
from salesadmin.transitions import check_transition, run_transition

DOC = "quotation"


@dataclass
class QuotationLineInput:
    product: Product
    quantity: Decimal
    unit_price: Decimal | None = None  # None: the customer's or the list's price


def _build_lines(quotation: Quotation, lines: list[QuotationLineInput]) -> list[QuotationLine]:
    priced = price_lines(
        # A prospect has no agreed prices: 0 matches no customer, so the list's.
        customer_id=quotation.customer_id or 0,
        on=quotation.quote_date,
        lines=lines,
    )
    return [QuotationLine(quotation=quotation, **line.fields()) for line in priced]


@transaction.atomic
def quotation_create(
    *,
    user,
    lines: list[QuotationLineInput],
    valid_until: dt.date,
    delivery_date: dt.date,
    customer: Customer | None = None,
    prospect_name: str = "",
    prospect_contact: str = "",
    terms: str = "",
) -> Quotation:
    if not user.has_perm("sales.add_quotation"):
        raise PermissionDenied
    prospect_name, prospect_contact = prospect_name.strip(), prospect_contact.strip()
    if customer is None and not prospect_name:
        raise ApplicationError(
            _("Choose a customer, or name the prospect."), code="customer_or_prospect_required"
        )
    if customer is not None and not customer.active:
        raise ApplicationError(_("This customer is inactive."), code="customer_inactive")
    today = company_today()
    if valid_until < today:
        raise ApplicationError(
            _("The validity date cannot be in the past."), code="valid_until_past"
        )
    if delivery_date < today:
        raise ApplicationError(_("The delivery date cannot be in the past."), code="delivery_past")
    quotation = Quotation(
        customer=customer,
        prospect_name="" if customer else prospect_name,
        prospect_contact="" if customer else prospect_contact,
        quote_date=today,
        valid_until=valid_until,
        delivery_date=delivery_date,
        terms=terms,
        created_by=user,
    )
    built = _build_lines(quotation, lines)
    quotation.total = sum((ln.amount for ln in built), Decimal("0.00"))
    quotation.save()
    QuotationLine.objects.bulk_create(built)
    # The number last: its counter lock is held only for the commit.
    number_last(quotation, DOC, year=quotation.quote_date.year)
    return quotation


def _locked(quotation: Quotation) -> Quotation:
    return (
        Quotation.objects.select_for_update(of=("self",))
        .select_related("customer")
        .get(pk=quotation.pk)
    )


@transaction.atomic
def quotation_send(*, quotation: Quotation, user) -> Quotation:
    quotation = _locked(quotation)
    return run_transition(quotation, "send", user=user, document_type=DOC, at=timezone.now())


@transaction.atomic
def quotation_decline(*, quotation: Quotation, user, comment: str = "") -> Quotation:
    quotation = _locked(quotation)
    return run_transition(
        quotation,
        "decline",
        user=user,
        document_type=DOC,
        comment=comment,
        at=timezone.now(),
        remark=comment[:300],
    )


@transaction.atomic
def quotation_accept(*, quotation: Quotation, user, customer: Customer | None = None) -> Quotation:
    """The customer accepted: the sales order is created and submitted with the
    quoted prices, in this one transaction. A prospect's quotation takes the
    customer (created meanwhile) given here."""
    quotation = _locked(quotation)
    if customer is not None:
        if quotation.customer_id not in (None, customer.pk):
            raise ApplicationError(
                _("This quotation is for another customer."), code="customer_mismatch"
            )
        quotation.customer = customer
    # Wrong state 409, wrong role 403, a broken rule 400: before any order exists.
    check_transition(quotation, "accept", user=user)
    lines = list(quotation.lines.select_related("product").order_by("position", "id"))
    order = sales_order_create(
        user=user,
        customer=quotation.customer,
        lines=[
            LineInput(product=ln.product, quantity=ln.quantity, unit_price=ln.unit_price)
            for ln in lines
        ],
        remarks=_("From quotation %(number)s") % {"number": quotation.number},
    )
    order = sales_order_submit(order=order, user=user)
    return run_transition(
        quotation,
        "accept",
        user=user,
        document_type=DOC,
        comment=order.number,
        at=timezone.now(),
        order=order,
    )


def quotation_lapse_if_expired(*, pk: int) -> bool:
    """Lapse one quotation whose validity ended, if no one else holds it.

    SKIP LOCKED: a second concurrent run passes over the row the first is
    lapsing, and once that commits the row is no longer 'sent'. So every
    quotation lapses once, with one log row, however many runs overlap."""
    with transaction.atomic():
        quotation = (
            Quotation.objects.select_for_update(skip_locked=True)
            .filter(pk=pk, status=QuotationStatus.SENT, valid_until__lt=company_today())
            .first()
        )
        if quotation is None:
            return False
        run_transition(
            quotation,
            "lapse",
            user=None,
            document_type=DOC,
            comment="auto: validity ended",
            check_perm=False,
            at=timezone.now(),
        )
        return True


def quotations_lapse_expired() -> int:
    """The beat job: lapse every sent quotation past its validity, each in its own transaction."""
    pks = list(
        Quotation.objects.filter(
            status=QuotationStatus.SENT, valid_until__lt=company_today()
        ).values_list("pk", flat=True)
    )
    return sum(quotation_lapse_if_expired(pk=pk) for pk in pks)
