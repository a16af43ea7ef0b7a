"""Sales orders through their services: numbers, auto-approval at submit and
the reasons a manager sees, the manager's decision, revise, cancel, update,
and the protected state field."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django_fsm import ConcurrentTransition

from customers.enums import CreditTerms
from customers.services import customer_set_credit_hold
from finance.enums import EntryKind
from finance.models import ReceivableEntry
from orders.enums import ApprovalReason, OrderStatus, PriceSource
from orders.models import SalesOrder
from orders.services.delivery_notes import delivery_note_cancel
from orders.services.sales_orders import (
    LineInput,
    sales_order_approve,
    sales_order_cancel,
    sales_order_create,
    sales_order_reject,
    sales_order_revise,
    sales_order_submit,
    sales_order_update,
)
from salesadmin.clock import company_today
from salesadmin.errors import ApplicationError, ConflictError
from salesadmin.models import TransitionLog
from tests.factories import CustomerFactory, ProductFactory

pytestmark = pytest.mark.django_db

DOC = "sales_order"


def _log(order) -> list[tuple]:
    return list(
        TransitionLog.objects.filter(document_type=DOC, document_id=order.pk).values_list(
            "transition", "from_state", "to_state", "user__username", "comment"
        )
    )


def _codes(order) -> list[str]:
    return [reason["code"] for reason in order.approval_reasons]


def _status(order) -> str:
    return SalesOrder.objects.values_list("status", flat=True).get(pk=order.pk)


def _waiting(chain, **kwargs) -> SalesOrder:
    """An order below list price, so it waits for a manager."""
    order = chain.order(("10",), prices=[Decimal("28.00")], **kwargs)
    assert order.status == OrderStatus.SUBMITTED
    return order


def _argon_order(chain, quantity) -> SalesOrder:
    """A draft with one line of argon at its list price, 80.00."""
    return sales_order_create(
        user=chain.clerk,
        customer=chain.customer,
        lines=[LineInput(product=chain.products[2], quantity=Decimal(quantity))],
    )


# --- create -------------------------------------------------------------------


def _prepaid_with_entry(kind, amount: str):
    """A prepaid customer (no credit allowance) with one ledger entry booked today."""
    prepaid = CustomerFactory(credit_terms=CreditTerms.PREPAID, credit_limit=Decimal("0.00"))
    ReceivableEntry.objects.create(
        customer=prepaid, kind=kind, amount=Decimal(amount), entry_date=company_today()
    )
    return prepaid


def test_create_numbers_contracts_in_sequence(chain):
    year = company_today().year

    orders = [chain.order(("1",), submit=False) for _ in range(3)]

    assert [o.number for o in orders] == [f"LG{year}-001", f"LG{year}-002", f"LG{year}-003"]
    assert all(o.status == OrderStatus.DRAFT for o in orders)


def test_create_prices_lines_and_totals_the_order(chain):
    order = chain.order(("10", "100.5", "5"), submit=False)

    lines = list(order.lines.order_by("position"))
    assert [(ln.position, ln.unit_price, ln.amount) for ln in lines] == [
        (1, Decimal("30.00"), Decimal("300.00")),
        (2, Decimal("1.50"), Decimal("150.75")),
        (3, Decimal("80.00"), Decimal("400.00")),
    ]
    assert {ln.price_source for ln in lines} == {PriceSource.LIST}
    assert order.total == Decimal("850.75")
    assert order.created_by == chain.clerk
    assert order.order_date == company_today()


@pytest.mark.parametrize("persona", ["finance", "keeper", "guard"])
def test_create_needs_the_right_to_enter_orders(request, chain, persona):
    user = request.getfixturevalue(persona)

    with pytest.raises(PermissionDenied):
        sales_order_create(
            user=user,
            customer=chain.customer,
            lines=[LineInput(product=chain.products[0], quantity=Decimal("1"))],
        )
    assert not SalesOrder.objects.exists()


@pytest.mark.parametrize(
    ("quantity", "code"),
    [
        pytest.param("0", "invalid_quantity", id="zero"),
        pytest.param("-1", "invalid_quantity", id="negative"),
        pytest.param("1.0001", "invalid_quantity", id="four-decimals"),
    ],
)
def test_create_refuses_bad_quantities(chain, quantity, code):
    with pytest.raises(ApplicationError) as excinfo:
        chain.order((quantity,), submit=False)

    assert excinfo.value.code == code
    assert not SalesOrder.objects.exists()


def test_create_needs_a_line(chain):
    with pytest.raises(ApplicationError) as excinfo:
        sales_order_create(user=chain.clerk, customer=chain.customer, lines=[])

    assert excinfo.value.code == "no_lines"


# --- submit -------------------------------------------------------------------


def test_submit_at_list_within_credit_is_approved_at_once(chain):
    order = chain.order(submit=False)

    order = sales_order_submit(order=order, user=chain.clerk)

    assert order.status == OrderStatus.APPROVED
    assert _status(order) == OrderStatus.APPROVED
    assert order.approval_reasons == []
    assert order.submitted_at is not None and order.decided_at is not None
    assert [row[:4] for row in _log(order)] == [
        ("submit", "draft", "submitted", "clerk"),
        ("approve_automatically", "submitted", "approved", "clerk"),
    ]


def test_submit_above_list_is_approved_at_once(chain):
    order = chain.order(("10",), prices=[Decimal("31.00")])

    assert order.status == OrderStatus.APPROVED


@pytest.mark.parametrize(
    ("price", "reason"),
    [
        pytest.param("29.99", ApprovalReason.BELOW_LIST, id="just-below-list"),
        pytest.param("27.00", ApprovalReason.BELOW_LIST, id="at-minimum"),
        pytest.param("26.99", ApprovalReason.BELOW_MINIMUM, id="below-minimum"),
        pytest.param("0.00", ApprovalReason.BELOW_MINIMUM, id="free"),
    ],
)
def test_submit_below_list_waits_for_a_manager_with_the_reason(chain, price, reason):
    order = chain.order(("10",), prices=[Decimal(price)])

    assert order.status == OrderStatus.SUBMITTED
    assert _status(order) == OrderStatus.SUBMITTED
    assert _codes(order) == [reason]
    assert order.approval_reasons[0]["line"] == 1
    assert [row[0] for row in _log(order)] == ["submit"]


def test_submit_below_the_customers_own_price_waits_for_a_manager(chain):
    from customers.models import CustomerPrice

    CustomerPrice.objects.create(
        customer=chain.customer,
        product=chain.products[0],
        price=Decimal("29.00"),
        valid_from=company_today(),
    )

    at_own_price = chain.order(("10",))
    below_own_price = chain.order(("10",), prices=[Decimal("28.50")])

    assert at_own_price.status == OrderStatus.APPROVED
    assert _codes(below_own_price) == [ApprovalReason.BELOW_LIST]


def test_submit_with_a_product_not_on_the_list_waits_for_a_manager(chain):
    unlisted = ProductFactory(sku="T-HE")
    order = sales_order_create(
        user=chain.clerk,
        customer=chain.customer,
        lines=[
            LineInput(product=chain.products[0], quantity=Decimal("1")),
            LineInput(product=unlisted, quantity=Decimal("1"), unit_price=Decimal("99.00")),
        ],
    )

    order = sales_order_submit(order=order, user=chain.clerk)

    assert order.status == OrderStatus.SUBMITTED
    assert order.approval_reasons == [
        {"code": ApprovalReason.NOT_ON_LIST, "line": 2, "detail": "T-HE"}
    ]


def test_submit_beyond_the_credit_limit_waits_for_a_manager(chain):
    # Given a monthly customer (limit 100000) who already owes 100.00
    ReceivableEntry.objects.create(
        customer=chain.customer,
        kind=EntryKind.CHARGE,
        amount=Decimal("100.00"),
        entry_date=company_today(),
    )

    # When an order of exactly 100000.00 at list price is submitted
    order = _argon_order(chain, "1250")
    assert order.total == Decimal("100000.00")
    order = sales_order_submit(order=order, user=chain.clerk)

    # Then it waits: 100.00 + 100000.00 > 100000.00
    assert order.status == OrderStatus.SUBMITTED
    assert _codes(order) == [ApprovalReason.CREDIT_EXCEEDED]


def test_submit_exactly_at_the_credit_limit_is_approved(chain):
    order = sales_order_submit(order=_argon_order(chain, "1250"), user=chain.clerk)

    assert order.total == Decimal("100000.00")
    assert order.status == OrderStatus.APPROVED


def test_submit_for_a_customer_on_hold_waits_for_a_manager(chain):
    customer_set_credit_hold(
        customer=chain.customer, user=chain.manager, on_hold=True, reason="overdue 45 days"
    )

    order = chain.order(("1",))

    assert order.status == OrderStatus.SUBMITTED
    assert order.approval_reasons == [
        {"code": ApprovalReason.CUSTOMER_ON_HOLD, "line": None, "detail": "overdue 45 days"}
    ]


def test_prepaid_customer_never_gets_credit_exceeded_at_order_time(chain):
    # A prepaid customer has no credit allowance, and still owes money.
    prepaid = _prepaid_with_entry(EntryKind.CHARGE, "5000.00")

    order = chain.order(customer=prepaid)

    assert order.total == Decimal("850.00")
    assert order.status == OrderStatus.APPROVED
    assert order.approval_reasons == []


def test_every_reason_is_listed_together(chain):
    customer_set_credit_hold(
        customer=chain.customer, user=chain.manager, on_hold=True, reason="overdue"
    )

    order = chain.order(("1", "1"), prices=[Decimal("28.00"), Decimal("1.00")])

    assert _codes(order) == [
        ApprovalReason.BELOW_LIST,
        ApprovalReason.BELOW_MINIMUM,
        ApprovalReason.CUSTOMER_ON_HOLD,
    ]


@pytest.mark.parametrize("persona", ["finance", "keeper", "guard"])
def test_submit_needs_the_right_to_submit(request, chain, persona):
    order = chain.order(submit=False)

    with pytest.raises(PermissionDenied):
        sales_order_submit(order=order, user=request.getfixturevalue(persona))
    assert _status(order) == OrderStatus.DRAFT


def test_submit_twice_is_a_conflict(chain):
    order = chain.order()

    with pytest.raises(ConflictError):
        sales_order_submit(order=order, user=chain.clerk)
    assert len(_log(order)) == 2


# --- manager's decision -------------------------------------------------------


@pytest.mark.parametrize(
    ("decide", "comment", "status", "logged"),
    [
        pytest.param(
            sales_order_approve,
            "old customer",
            OrderStatus.APPROVED,
            ("approve", "submitted", "approved"),
            id="approve",
        ),
        pytest.param(
            sales_order_reject,
            "price too low",
            OrderStatus.REJECTED,
            ("reject", "submitted", "rejected"),
            id="reject",
        ),
    ],
)
def test_manager_decides_a_waiting_order_with_a_comment(chain, decide, comment, status, logged):
    order = _waiting(chain)

    order = decide(order=order, user=chain.manager, comment=comment)

    assert _status(order) == status
    assert order.decided_by == chain.manager
    assert order.decision_comment == comment
    assert _log(order)[-1] == (*logged, "manager", comment)


@pytest.mark.parametrize("comment", ["", "   "])
def test_reject_needs_a_comment(chain, comment):
    order = _waiting(chain)

    with pytest.raises(ApplicationError) as excinfo:
        sales_order_reject(order=order, user=chain.manager, comment=comment)

    assert excinfo.value.code == "comment_required"
    assert _status(order) == OrderStatus.SUBMITTED


@pytest.mark.parametrize("persona", ["clerk", "finance", "keeper", "guard"])
@pytest.mark.parametrize("decide", ["approve", "reject"])
def test_only_a_manager_decides(request, chain, persona, decide):
    order = _waiting(chain)
    user = request.getfixturevalue(persona)

    with pytest.raises(PermissionDenied):
        if decide == "approve":
            sales_order_approve(order=order, user=user)
        else:
            sales_order_reject(order=order, user=user, comment="no")

    assert _status(order) == OrderStatus.SUBMITTED
    assert [row[0] for row in _log(order)] == ["submit"]


@pytest.mark.parametrize("state", ["draft", "approved", "rejected", "cancelled"])
@pytest.mark.parametrize("decide", ["approve", "reject"])
def test_decision_outside_submitted_is_a_conflict(chain, state, decide):
    order = _order_in(chain, state)

    with pytest.raises(ConflictError) as excinfo:
        if decide == "approve":
            sales_order_approve(order=order, user=chain.manager)
        else:
            sales_order_reject(order=order, user=chain.manager, comment="no")

    assert excinfo.value.status_code == 409
    assert _status(order) == state


def _order_in(chain, state) -> SalesOrder:
    if state == "draft":
        return chain.order(submit=False)
    if state == "approved":
        return chain.order()
    order = _waiting(chain)
    if state == "submitted":
        return order
    if state == "rejected":
        return sales_order_reject(order=order, user=chain.manager, comment="no")
    if state == "cancelled":
        return sales_order_cancel(order=order, user=chain.clerk, reason="customer withdrew")
    raise AssertionError(state)


# --- revise -------------------------------------------------------------------


def test_revise_a_rejected_order_back_to_draft_and_resubmit(chain):
    order = sales_order_reject(order=_waiting(chain), user=chain.manager, comment="price")

    order = sales_order_revise(order=order, user=chain.clerk)

    assert _status(order) == OrderStatus.DRAFT
    assert order.approval_reasons == []
    assert _log(order)[-1][:4] == ("revise", "rejected", "draft", "clerk")
    # The clerk corrects the price and resubmits: approved at once.
    order = sales_order_update(
        order=order,
        user=chain.clerk,
        lines=[LineInput(product=chain.products[0], quantity=Decimal("10"))],
    )
    order = sales_order_submit(order=order, user=chain.clerk)
    assert order.status == OrderStatus.APPROVED


@pytest.mark.parametrize("state", ["draft", "submitted", "approved", "cancelled"])
def test_revise_only_a_rejected_order(chain, state):
    order = _order_in(chain, state)

    with pytest.raises(ConflictError):
        sales_order_revise(order=order, user=chain.clerk)
    assert _status(order) == state


def test_revise_needs_the_right_to_submit(chain, keeper):
    order = sales_order_reject(order=_waiting(chain), user=chain.manager, comment="price")

    with pytest.raises(PermissionDenied):
        sales_order_revise(order=order, user=keeper)
    assert _status(order) == OrderStatus.REJECTED


# --- cancel -------------------------------------------------------------------


@pytest.mark.parametrize("state", ["draft", "submitted", "approved", "rejected"])
@pytest.mark.parametrize("persona", ["clerk", "manager"])
def test_cancel_an_order_without_open_notes(request, chain, state, persona):
    order = _order_in(chain, state)
    user = request.getfixturevalue(persona)

    order = sales_order_cancel(order=order, user=user, reason="customer withdrew")

    assert _status(order) == OrderStatus.CANCELLED
    assert _log(order)[-1] == ("cancel", state, "cancelled", persona, "customer withdrew")


@pytest.mark.parametrize("persona", ["finance", "keeper", "guard"])
def test_cancel_needs_the_right_to_cancel(request, chain, persona):
    order = chain.order()

    with pytest.raises(PermissionDenied):
        sales_order_cancel(order=order, user=request.getfixturevalue(persona))
    assert _status(order) == OrderStatus.APPROVED


def test_cancel_refused_while_a_note_is_live(chain):
    order = chain.order()
    note = chain.note(order, quantities=["1", "0", "0"])

    with pytest.raises(ApplicationError) as excinfo:
        sales_order_cancel(order=order, user=chain.clerk)

    assert excinfo.value.code == "open_notes"
    assert not isinstance(excinfo.value, ConflictError)
    assert _status(order) == OrderStatus.APPROVED
    # Once the note is cancelled, the order can be.
    delivery_note_cancel(note=note, user=chain.clerk, reason="wrong truck")
    sales_order_cancel(order=order, user=chain.clerk)
    assert _status(order) == OrderStatus.CANCELLED


def test_cancel_refused_while_a_note_is_stamped(chain):
    order = chain.order()
    chain.stamped(chain.note(order, quantities=["1", "0", "0"]))

    with pytest.raises(ApplicationError) as excinfo:
        sales_order_cancel(order=order, user=chain.manager)

    assert excinfo.value.code == "open_notes"
    assert _status(order) == OrderStatus.APPROVED


@pytest.mark.parametrize("delivered", ["partly", "fully"])
def test_a_delivered_order_cannot_be_cancelled(chain, delivered):
    order = chain.order(("10",))
    chain.dispatched(
        chain.stamped(chain.note(order, quantities=["4" if delivered == "partly" else "10"]))
    )
    order.refresh_from_db()

    with pytest.raises(ConflictError):
        sales_order_cancel(order=order, user=chain.manager)
    assert _status(order) in (OrderStatus.PARTIALLY_DELIVERED, OrderStatus.COMPLETED)


def test_cancel_twice_is_a_conflict(chain):
    order = sales_order_cancel(order=chain.order(), user=chain.clerk)

    with pytest.raises(ConflictError):
        sales_order_cancel(order=order, user=chain.clerk)
    assert [row[0] for row in _log(order)].count("cancel") == 1


# --- update -------------------------------------------------------------------


def test_update_replaces_a_drafts_lines_and_total(chain):
    order = chain.order(submit=False)

    order = sales_order_update(
        order=order,
        user=chain.clerk,
        lines=[LineInput(product=chain.products[2], quantity=Decimal("3"))],
        remarks="call before delivery",
    )

    order.refresh_from_db()
    assert [(ln.product_id, ln.quantity) for ln in order.lines.all()] == [
        (chain.products[2].pk, Decimal("3.000"))
    ]
    assert order.total == Decimal("240.00")
    assert order.remarks == "call before delivery"


@pytest.mark.parametrize("state", ["submitted", "approved", "rejected", "cancelled"])
def test_update_only_in_draft(chain, state):
    order = _order_in(chain, state)
    before = list(order.lines.values_list("product_id", "quantity"))

    with pytest.raises(ApplicationError) as excinfo:
        sales_order_update(
            order=order,
            user=chain.clerk,
            lines=[LineInput(product=chain.products[2], quantity=Decimal("3"))],
        )

    assert excinfo.value.code == "invalid_state"
    assert list(order.lines.values_list("product_id", "quantity")) == before


def test_update_needs_the_right_to_change_orders(chain, keeper):
    order = chain.order(submit=False)

    with pytest.raises(PermissionDenied):
        sales_order_update(
            order=order,
            user=keeper,
            lines=[LineInput(product=chain.products[2], quantity=Decimal("3"))],
        )


def test_update_refuses_an_unknown_pickup_mode(chain):
    # sales_order_create refuses it (invalid_pickup_mode); update must too.
    order = chain.order(submit=False)

    with pytest.raises(ApplicationError) as excinfo:
        sales_order_update(
            order=order,
            user=chain.clerk,
            lines=[LineInput(product=chain.products[0], quantity=Decimal("1"))],
            pickup_mode="teleport",
        )

    assert excinfo.value.code == "invalid_pickup_mode"
    order.refresh_from_db()
    assert order.pickup_mode == "self_pickup"


def test_create_refuses_an_unknown_pickup_mode(chain):
    with pytest.raises(ApplicationError) as excinfo:
        sales_order_create(
            user=chain.clerk,
            customer=chain.customer,
            lines=[LineInput(product=chain.products[0], quantity=Decimal("1"))],
            pickup_mode="teleport",
        )

    assert excinfo.value.code == "invalid_pickup_mode"


# --- the protected state field ------------------------------------------------


def test_status_cannot_be_assigned_directly(chain):
    order = _waiting(chain)

    with pytest.raises(AttributeError):
        order.status = OrderStatus.APPROVED

    fresh = SalesOrder.objects.get(pk=order.pk)
    with pytest.raises(AttributeError):
        fresh.status = "approved"
    assert _status(order) == OrderStatus.SUBMITTED


def test_a_stale_copy_cannot_save_over_another_transition(chain):
    order = _waiting(chain)
    stale = SalesOrder.objects.get(pk=order.pk)

    # Another manager rejects it meanwhile
    sales_order_reject(order=order, user=chain.manager, comment="price")

    # The stale copy still believes it is submitted: its approval must not win
    stale.approve(by=chain.manager, at=timezone.now())
    with pytest.raises(ConcurrentTransition), transaction.atomic():
        stale.save()
    assert _status(order) == OrderStatus.REJECTED


def test_a_stale_copy_cannot_save_even_a_plain_field(chain):
    order = _waiting(chain)
    stale = SalesOrder.objects.get(pk=order.pk)
    sales_order_approve(order=order, user=chain.manager)

    stale.remarks = "edited on an old screen"
    with pytest.raises(ConcurrentTransition), transaction.atomic():
        stale.save()
    assert SalesOrder.objects.get(pk=order.pk).remarks == ""


def test_services_ignore_a_stale_copys_state(chain):
    # The service locks and re-reads the row: a stale copy passed in cannot
    # approve an order that was rejected meanwhile.
    order = _waiting(chain)
    stale = SalesOrder.objects.get(pk=order.pk)
    sales_order_reject(order=order, user=chain.manager, comment="price")

    with pytest.raises(ConflictError):
        sales_order_approve(order=stale, user=chain.manager)
    assert _status(order) == OrderStatus.REJECTED


# --- a price below the minimum is approved only with a comment (issue 12) ---------


def _below_minimum(chain) -> SalesOrder:
    """氧气 at 25.00: its list price is 30.00, its minimum 27.00."""
    order = chain.order(("10",), prices=[Decimal("25.00")])
    assert ApprovalReason.BELOW_MINIMUM in _codes(order)
    return order


@pytest.mark.parametrize("comment", ["", "   "])
def test_approving_below_the_minimum_needs_a_comment(chain, comment):
    order = _below_minimum(chain)

    with pytest.raises(ApplicationError) as excinfo:
        sales_order_approve(order=order, user=chain.manager, comment=comment)

    assert excinfo.value.code == "comment_required"
    assert _status(order) == OrderStatus.SUBMITTED
    assert [t for t, *_ in _log(order)] == ["submit"]


def test_approving_below_the_minimum_with_a_comment_keeps_it(chain):
    order = _below_minimum(chain)

    order = sales_order_approve(order=order, user=chain.manager, comment="清库存, 一次性")

    assert _status(order) == OrderStatus.APPROVED
    assert _log(order)[-1] == ("approve", "submitted", "approved", "manager", "清库存, 一次性")


def test_approving_below_list_but_above_the_minimum_needs_no_comment(chain):
    order = _waiting(chain)  # 28.00: below list 30.00, above minimum 27.00

    order = sales_order_approve(order=order, user=chain.manager)

    assert _status(order) == OrderStatus.APPROVED


def test_a_clerk_asking_to_approve_below_the_minimum_is_refused_for_the_role(chain):
    order = _below_minimum(chain)

    with pytest.raises(PermissionDenied):
        sales_order_approve(order=order, user=chain.clerk, comment="")


# --- a prepaid customer's uncovered order is told at submit (issue 12) ------------


def test_submit_tells_a_prepaid_customer_how_much_is_still_to_pay(chain):
    prepaid = _prepaid_with_entry(EntryKind.PAYMENT, "-300.00")

    order = chain.order(customer=prepaid)  # 850.00

    assert order.status == OrderStatus.APPROVED  # it still waits for payment at the stamp
    assert order.prepayment_shortfall == Decimal("550.00")


def test_submit_says_nothing_when_the_prepayment_covers_the_order(chain):
    prepaid = _prepaid_with_entry(EntryKind.PAYMENT, "-1000.00")

    order = chain.order(customer=prepaid)

    assert order.prepayment_shortfall is None


def test_submit_says_nothing_about_prepayment_for_a_credit_customer(chain):
    assert chain.order().prepayment_shortfall is None
