"""Quotations through their services: pricing as on orders, numbers, each
transition for the right role and refused otherwise, and acceptance turning
the quotation into a submitted sales order with the quoted prices."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from customers.models import CustomerPrice
from orders.enums import ApprovalReason, OrderStatus, PriceSource
from orders.models import SalesOrder
from sales.enums import QuotationStatus
from sales.models import Quotation
from sales.services.quotations import (
    QuotationLineInput,
    quotation_accept,
    quotation_create,
    quotation_decline,
    quotation_send,
)
from salesadmin.clock import company_today
from salesadmin.errors import ApplicationError, ConflictError
from salesadmin.models import TransitionLog
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def _quote(chain, *, user=None, prices=(None, None), customer="chain", **kwargs) -> Quotation:
    today = company_today()
    lines = [
        QuotationLineInput(product=p, quantity=Decimal(q), unit_price=price)
        for p, q, price in zip(chain.products, ("10", "100"), prices, strict=False)
    ]
    if customer == "chain":
        kwargs["customer"] = chain.customer
    return quotation_create(
        user=user or chain.clerk,
        lines=lines,
        valid_until=kwargs.pop("valid_until", today + dt.timedelta(days=14)),
        delivery_date=today + dt.timedelta(days=20),
        terms="款到发货",
        **kwargs,
    )


def _status(q) -> str:
    return Quotation.objects.values_list("status", flat=True).get(pk=q.pk)


def _log(q) -> list[tuple]:
    return list(
        TransitionLog.objects.filter(document_type="quotation", document_id=q.pk).values_list(
            "transition", "from_state", "to_state", "user__username"
        )
    )


def test_lines_are_priced_as_orders_are_and_numbered_gaplessly(chain):
    CustomerPrice.objects.create(
        customer=chain.customer,
        product=chain.products[0],
        price=Decimal("27.50"),
        valid_from=dt.date(2020, 1, 1),
    )
    first = _quote(chain)
    second = _quote(chain)
    year = company_today().year
    assert first.number == f"QT{year}-000001"
    assert second.number == f"QT{year}-000002"
    lines = list(first.lines.order_by("position"))
    # The customer's agreed price first, the list's otherwise.
    assert [(ln.unit_price, ln.price_source) for ln in lines] == [
        (Decimal("27.50"), PriceSource.CUSTOMER),
        (Decimal("1.50"), PriceSource.LIST),
    ]
    assert first.total == Decimal("275.00") + Decimal("150.00")
    assert first.status == QuotationStatus.DRAFT


def test_a_prospect_gets_list_prices_and_needs_a_name(chain):
    q = _quote(chain, customer=None, prospect_name="湖州新客户", prospect_contact="王经理 138")
    assert q.customer is None and q.prospect_name == "湖州新客户"
    assert [ln.price_source for ln in q.lines.all()] == [PriceSource.LIST, PriceSource.LIST]
    with pytest.raises(ApplicationError) as err:
        _quote(chain, customer=None, prospect_name="  ")
    assert err.value.code == "customer_or_prospect_required"


def test_bad_input_is_refused_with_its_code(chain):
    with pytest.raises(ApplicationError) as err:
        _quote(chain, valid_until=company_today() - dt.timedelta(days=1))
    assert err.value.code == "valid_until_past"
    with pytest.raises(ApplicationError) as err:
        _quote(chain, prices=("-1", None))
    assert err.value.code == "invalid_price"
    assert Quotation.objects.count() == 0


def test_only_roles_with_the_permission_create_or_send(chain):
    with pytest.raises(PermissionDenied):
        _quote(chain, user=chain.finance)
    q = _quote(chain)
    for user in (chain.finance, chain.keeper):
        with pytest.raises(PermissionDenied):
            quotation_send(quotation=q, user=user)
    assert _status(q) == QuotationStatus.DRAFT
    quotation_send(quotation=q, user=chain.clerk)
    assert _status(q) == QuotationStatus.SENT
    assert _log(q) == [("send", "draft", "sent", "clerk")]


def test_wrong_state_is_a_conflict(chain):
    q = _quote(chain)
    with pytest.raises(ConflictError) as err:
        quotation_accept(quotation=q, user=chain.clerk)
    assert err.value.code == "invalid_state"
    with pytest.raises(ConflictError):
        quotation_decline(quotation=q, user=chain.clerk)
    quotation_send(quotation=q, user=chain.clerk)
    with pytest.raises(ConflictError):
        quotation_send(quotation=q, user=chain.clerk)
    assert SalesOrder.objects.count() == 0


def test_sending_an_expired_quotation_names_the_rule(chain, monkeypatch):
    q = _quote(chain)
    later = q.valid_until + dt.timedelta(days=1)
    monkeypatch.setattr("sales.models.quotations.company_today", lambda: later)
    with pytest.raises(ApplicationError) as err:
        quotation_send(quotation=q, user=chain.clerk)
    assert err.value.code == "quotation_expired"
    assert _status(q) == QuotationStatus.DRAFT


def test_decline_records_the_answer(chain):
    q = _quote(chain)
    quotation_send(quotation=q, user=chain.clerk)
    with pytest.raises(PermissionDenied):
        quotation_decline(quotation=q, user=chain.finance, comment="price")
    quotation_decline(quotation=q, user=chain.manager, comment="价格太高")
    q.refresh_from_db()
    assert q.status == QuotationStatus.DECLINED and q.decision_comment == "价格太高"
    assert _log(q)[-1] == ("decline", "sent", "declined", "manager")


def test_accepting_creates_the_order_with_the_quoted_prices(chain):
    q = _quote(chain, prices=("31.00", None))
    quotation_send(quotation=q, user=chain.clerk)
    with pytest.raises(PermissionDenied):
        quotation_accept(quotation=q, user=chain.finance)
    assert SalesOrder.objects.count() == 0
    quotation_accept(quotation=q, user=chain.clerk)
    q.refresh_from_db()
    order = q.sales_order
    assert q.status == QuotationStatus.ACCEPTED
    assert order.customer == chain.customer
    assert [(ln.product_id, ln.quantity, ln.unit_price) for ln in order.lines.all()] == [
        (ln.product_id, ln.quantity, ln.unit_price) for ln in q.lines.all()
    ]
    assert order.total == q.total
    # Quoted at or above the list: approved at once, as any such order.
    assert order.status == OrderStatus.APPROVED
    assert _log(q)[-1] == ("accept", "sent", "accepted", "clerk")


def test_a_below_minimum_quoted_price_still_needs_the_manager(chain):
    q = _quote(chain, prices=("20.00", None))  # minimum is 27.00
    quotation_send(quotation=q, user=chain.clerk)
    quotation_accept(quotation=q, user=chain.clerk)
    order = Quotation.objects.get(pk=q.pk).sales_order
    assert order.status == OrderStatus.SUBMITTED
    assert ApprovalReason.BELOW_MINIMUM in [r["code"] for r in order.approval_reasons]
    assert order.lines.get(position=1).unit_price == Decimal("20.00")


def test_a_prospect_is_accepted_only_with_a_customer(chain):
    q = _quote(chain, customer=None, prospect_name="湖州新客户")
    quotation_send(quotation=q, user=chain.clerk)
    with pytest.raises(ApplicationError) as err:
        quotation_accept(quotation=q, user=chain.clerk)
    assert err.value.code == "customer_required"
    assert _status(q) == QuotationStatus.SENT and SalesOrder.objects.count() == 0
    customer = CustomerFactory(name="湖州新客户有限公司")
    quotation_accept(quotation=q, user=chain.clerk, customer=customer)
    q.refresh_from_db()
    assert q.customer == customer and q.sales_order.customer == customer


def test_a_failed_order_leaves_the_quotation_sent(chain):
    q = _quote(chain)
    quotation_send(quotation=q, user=chain.clerk)
    chain.customer.active = False
    chain.customer.save()
    with pytest.raises(ApplicationError) as err:
        quotation_accept(quotation=q, user=chain.clerk)
    assert err.value.code == "customer_inactive"
    assert _status(q) == QuotationStatus.SENT
    assert SalesOrder.objects.count() == 0
    assert [row[0] for row in _log(q)] == ["send"]


def test_accepting_after_the_validity_names_the_rule(chain, monkeypatch):
    q = _quote(chain)
    quotation_send(quotation=q, user=chain.clerk)
    later = q.valid_until + dt.timedelta(days=1)
    monkeypatch.setattr("sales.models.quotations.company_today", lambda: later)
    with pytest.raises(ApplicationError) as err:
        quotation_accept(quotation=q, user=chain.clerk)
    assert err.value.code == "quotation_expired"
    assert SalesOrder.objects.count() == 0
