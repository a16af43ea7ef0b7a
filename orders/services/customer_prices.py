"""Customers' agreed prices (老客户价格表) kept in the browser.

A clerk or manager sets a customer's price for a product from a date. A price
at or above the price list in force on that date applies at once; one below it
(or for a product on no list) waits for a manager's approval and pricing
ignores it until then. A manager who sets such a price approves it by setting
it. Every change, approval and refusal is kept in the master-data history.

The service sits in ``orders`` because it compares with the price list, which
lives here; the price itself is the customer's (``customers.CustomerPrice``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.enums import PriceApproval
from customers.models import Customer, CustomerPrice
from inventory.models import Product
from orders.services.pricing import price_quote
from salesadmin.db import locked
from salesadmin.errors import ApplicationError
from salesadmin.history import history_record, snapshot

HISTORY_FIELDS = ("price", "valid_from", "valid_to", "approval", "decision_comment")
APPROVE = "customers.approve_customerprice"


def needs_approval(*, price: Decimal, list_price: Decimal | None) -> bool:
    """Below the list (or with no list price to compare) a manager must agree."""
    return list_price is None or price < list_price


def _check(price: Decimal, valid_from: dt.date, valid_to: dt.date | None) -> None:
    if price is None or price < 0:
        raise ApplicationError(
            _("The price cannot be negative."), code="invalid", extra={"field": "price"}
        )
    if valid_to is not None and valid_to < valid_from:
        raise ApplicationError(
            _("The end date is before the start date."),
            code="dates_out_of_order",
            extra={"field": "valid_to"},
        )


def _decide(cp: CustomerPrice, *, user) -> None:
    """Set the price's approval from the list in force on its start date."""
    quote = price_quote(customer_id=cp.customer_id, product_id=cp.product_id, on=cp.valid_from)
    cp.list_price = quote.list_price
    cp.requested_by = user
    if not needs_approval(price=cp.price, list_price=cp.list_price):
        cp.approval, cp.decided_by, cp.decided_at = PriceApproval.APPROVED, None, None
    elif user.has_perm(APPROVE):
        cp.approval, cp.decided_by, cp.decided_at = PriceApproval.APPROVED, user, timezone.now()
    else:
        cp.approval, cp.decided_by, cp.decided_at = PriceApproval.PENDING, None, None
    cp.decision_comment = ""


def _save(cp: CustomerPrice) -> None:
    try:
        with transaction.atomic():
            cp.save()
    except IntegrityError as exc:
        raise ApplicationError(
            _("This customer already has a price for this product from that date."),
            code="price_exists",
            extra={"field": "valid_from"},
        ) from exc


@transaction.atomic
def customer_price_create(
    *,
    user,
    customer: Customer,
    product: Product,
    price: Decimal,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
) -> CustomerPrice:
    if not user.has_perm("customers.add_customerprice"):
        raise PermissionDenied
    _check(price, valid_from, valid_to)
    cp = CustomerPrice(
        customer=customer, product=product, price=price, valid_from=valid_from, valid_to=valid_to
    )
    before = snapshot(cp, HISTORY_FIELDS)
    _decide(cp, user=user)
    _save(cp)
    history_record(instance=cp, record_type="customer_price", before=before, user=user)
    return cp


@transaction.atomic
def customer_price_update(
    *,
    customer_price: CustomerPrice,
    user,
    price: Decimal,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
) -> CustomerPrice:
    """Change a price or its dates. The approval is decided again: a change that
    takes an approved price below the list waits for a manager like a new one."""
    if not user.has_perm("customers.change_customerprice"):
        raise PermissionDenied
    _check(price, valid_from, valid_to)
    cp = locked(CustomerPrice.objects).get(pk=customer_price.pk)
    before = snapshot(cp, HISTORY_FIELDS)
    unchanged = (cp.price, cp.valid_from, cp.valid_to) == (price, valid_from, valid_to)
    if unchanged:
        return cp
    cp.price, cp.valid_from, cp.valid_to = price, valid_from, valid_to
    _decide(cp, user=user)
    _save(cp)
    history_record(instance=cp, record_type="customer_price", before=before, user=user)
    return cp


def _pending(customer_price: CustomerPrice, *, user) -> CustomerPrice:
    if not user.has_perm(APPROVE):
        raise PermissionDenied
    cp = locked(CustomerPrice.objects).get(pk=customer_price.pk)
    if cp.approval != PriceApproval.PENDING:
        raise ApplicationError(_("This price is not waiting for approval."), code="not_pending")
    return cp


def _record_decision(cp: CustomerPrice, *, approval: str, user, comment: str) -> CustomerPrice:
    before = snapshot(cp, HISTORY_FIELDS)
    cp.approval, cp.decided_by, cp.decided_at = approval, user, timezone.now()
    cp.decision_comment = comment.strip()[:300]
    cp.save(update_fields=["approval", "decided_by", "decided_at", "decision_comment"])
    history_record(instance=cp, record_type="customer_price", before=before, user=user)
    return cp


@transaction.atomic
def customer_price_approve(
    *, customer_price: CustomerPrice, user, comment: str = ""
) -> CustomerPrice:
    """A manager agrees to a price below the list: from now on it applies."""
    cp = _pending(customer_price, user=user)
    return _record_decision(cp, approval=PriceApproval.APPROVED, user=user, comment=comment)


@transaction.atomic
def customer_price_refuse(*, customer_price: CustomerPrice, user, comment: str) -> CustomerPrice:
    """A manager refuses a price below the list, saying why; it never applies."""
    if not (comment or "").strip():
        raise ApplicationError(
            _("Say why the price is refused."), code="comment_required", extra={"field": "comment"}
        )
    cp = _pending(customer_price, user=user)
    return _record_decision(cp, approval=PriceApproval.REFUSED, user=user, comment=comment)
