"""A small, demo-like world in which every page of the site has something to
show, for the browser tests that visit every page (tests/e2e/test_accessibility.py).

It is made through the real services (tests/chain.py): one customer with
orders in each interesting state, delivery notes in each state, an overdue
invoice, a payment, a credit hold, a reminder and the notices they leave.
``path_kwargs`` says how to fill each URL pattern's path parameters from it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from finance.credit import credit_holds_review
from finance.models import Invoice
from finance.reminders import reminders_create_due, reminders_send_pending
from finance.services import payment_record
from inventory.master_data import location_create
from orders.enums import NoteStatus, OrderStatus
from orders.models import DeliveryNote, PriceList, SalesOrder
from orders.services.customer_prices import customer_price_create
from orders.services.delivery_notes import delivery_note_cancel
from orders.services.exit_pass import exit_pass_use
from sales.services.quotations import QuotationLineInput, quotation_create, quotation_send
from salesadmin.clock import company_today
from salesadmin.roles import Role
from tests.chain import Chain
from tests.factories import UserFactory, approver_at
from tests.finance.invoice_world import invoice
from tests.returns.world import ReturnWorld


@dataclass(frozen=True)
class Variant:
    """One way to open a page: a label for the report, path kwargs, a query string."""

    label: str
    kwargs: dict = field(default_factory=dict)
    query: str = ""


@dataclass
class SiteWorld:
    chain: Chain
    guard: object
    orders: dict[str, SalesOrder] = field(default_factory=dict)
    notes: dict[str, DeliveryNote] = field(default_factory=dict)
    invoice: Invoice | None = None
    documents: dict = field(default_factory=dict)  # returns, allowances, credit notes, quotations

    @property
    def customer(self):
        return self.chain.customer

    def variants(self) -> dict[str, list[Variant]]:
        """URL name -> the ways to open it. A pattern with path parameters that is
        neither here nor in the walker's NOT_PAGES fails the test; a page without
        parameters is opened once as it is, unless it is listed here."""
        customer = [Variant("customer", {"pk": self.customer.pk})]
        orders = [Variant(f"order {state}", {"pk": o.pk}) for state, o in self.orders.items()]
        notes = [Variant(f"note {state}", {"pk": n.pk}) for state, n in self.notes.items()]
        return {
            "customers:detail": customer,
            "customers:edit": customer,
            "customers:credit": customer,
            "orders:order_detail": orders,
            "orders:order_edit": [Variant("order draft", {"pk": self.orders["draft"].pk})],
            "orders:note_issue": [Variant("order approved", {"pk": self.orders["approved"].pk})],
            "orders:note_detail": [
                *notes,
                Variant("sample slip", {"pk": self.documents["sample slip"].note_id}),
            ],
            "orders:note_dispatch": [Variant("note stamped", {"pk": self.notes["stamped"].pk})],
            "finance:customer_account": customer,
            "finance:invoice_detail": [Variant("invoice overdue", {"pk": self.invoice.pk})],
            "finance:aging_customer": customer,
            "finance:statement_customer": customer,
            # With a customer chosen, the form shows the open invoices to allocate.
            "finance:payment_create": [
                Variant("empty"),
                Variant("customer chosen", query=f"?customer={self.customer.pk}"),
            ],
            "inventory:product_edit": [Variant("product", {"pk": self.chain.products[0].pk})],
            "inventory:warehouse_edit": [Variant("warehouse", {"pk": self.chain.warehouse.pk})],
            "inventory:location_new": [Variant("warehouse", {"pk": self.chain.warehouse.pk})],
            "orders:price_list_detail": [
                Variant("price list", {"pk": PriceList.objects.order_by("pk").first().pk})
            ],
            # One import page per owner: the clerk's customers, the keeper's stock,
            # finance's receivables (the manager opens them all).
            "import_page": [
                Variant(f"import {kind}", {"kind": kind})
                for kind in ("customers", "opening_stock", "opening_receivables")
            ],
            **{
                name: [Variant(label, {"pk": self.documents[label].pk})]
                for name, label in (
                    ("returns:return_detail", "return received"),
                    ("returns:return_edit", "return draft"),
                    ("returns:allowance_detail", "allowance submitted"),
                    ("finance:credit_note_detail", "credit note"),
                    ("sales:quotation_detail", "quotation sent"),
                    ("inventory:location_edit", "storage location"),
                    ("orders:customer_price_detail", "agreed price pending"),
                    ("outbound:sample_detail", "sample slip"),
                    ("outbound:request_detail", "request endorsed"),
                )
            },
            "contracts:contract_detail": [
                Variant("B contract", {"pk": self.documents["B contract"].pk}),
                Variant("C contract draft", {"pk": self.documents["C contract"].pk}),
            ],
            "contracts:task_detail": [
                Variant("production task", {"pk": self.documents["production task"].pk})
            ],
            "contracts:review_detail": [
                Variant("requirement review", {"pk": self.documents["requirement review"].pk})
            ],
            "contracts:review_create": [
                Variant("C contract draft", query=f"?order={self.documents['C contract'].pk}")
            ],
            "sales:target_detail": [
                Variant("target approved", {"pk": self.documents["target approved"].pk}),
                Variant(
                    "target revision, bottled gas",
                    {"pk": self.documents["target revision"].pk},
                    query=f"?group={self.documents['product group'].pk}",
                ),
            ],
            "sales:group_edit": [
                Variant("product group", {"pk": self.documents["product group"].pk})
            ],
            "sales:team_edit": [Variant("sales team", {"pk": self.documents["sales team"].pk})],
            "sales:commission_statement": [
                Variant("empty"),
                Variant(
                    "clerk's month",
                    query=f"?month={company_today():%Y-%m}&salesperson={self.chain.clerk.pk}",
                ),
            ],
        }


def build_site_world(chain: Chain, guard) -> SiteWorld:
    world = SiteWorld(chain=chain, guard=guard)
    customer = chain.customer
    customer.salesperson = chain.clerk
    customer.save(update_fields=["salesperson"])

    # Orders: a draft, one below the minimum price that waits for a manager, and
    # approved ones (auto-approved at list prices) that the notes are issued from.
    world.orders["draft"] = chain.order(submit=False)
    world.orders["submitted"] = chain.order(prices=[Decimal("1.00"), None, None])
    assert world.orders["submitted"].status == OrderStatus.SUBMITTED
    world.orders["approved"] = chain.order()
    assert world.orders["approved"].status == OrderStatus.APPROVED

    # Delivery notes, one in each state a person meets.
    world.notes["issued"] = chain.note()
    world.notes["stamped"] = chain.stamped()
    world.notes["dispatched"] = chain.dispatched()
    exited = chain.dispatched()
    exit_pass_use(raw=exited.pass_code, user=guard, vehicle_plate=exited.vehicle_plate)
    exited.refresh_from_db()
    world.notes["exited"] = exited
    world.orders["completed"] = exited.order
    world.notes["cancelled"] = delivery_note_cancel(
        note=chain.note(), user=chain.clerk, reason="Truck broke down"
    )
    assert {state: n.status for state, n in world.notes.items()} == {
        "issued": NoteStatus.ISSUED,
        "stamped": NoteStatus.STAMPED,
        "dispatched": NoteStatus.DISPATCHED,
        "exited": NoteStatus.EXITED,
        "cancelled": NoteStatus.CANCELLED,
    }

    # Returns, allowances and their credit note (issue 10); a quotation (issue 17).
    inspector = UserFactory(username="site-inspector", roles=[Role.QUALITY_INSPECTOR])
    returns = ReturnWorld(chain=chain, inspector=inspector)
    received = returns.received(
        returns.approved(returns.inspected(returns.submitted(returns.filed(exited))))
    )
    world.documents["return received"] = received
    world.documents["credit note"] = received.credit_note
    world.documents["return draft"] = returns.filed(chain.dispatched())
    world.documents["allowance submitted"] = returns.allowance(chain.dispatched())
    quotation = quotation_create(
        user=chain.clerk,
        customer=customer,
        lines=[QuotationLineInput(product=chain.products[0], quantity=Decimal("4"))],
        valid_until=company_today() + dt.timedelta(days=7),
        delivery_date=company_today() + dt.timedelta(days=9),
    )
    world.documents["quotation sent"] = quotation_send(quotation=quotation, user=chain.clerk)
    # Master data (issue 12): a storage location, and an agreed price below the
    # list that waits for the manager.
    world.documents["storage location"] = location_create(
        user=chain.manager, warehouse=chain.warehouse, code="A-01", name="Bay A1"
    )
    world.documents["agreed price pending"] = customer_price_create(
        user=chain.clerk,
        customer=chain.customer,
        product=chain.products[0],
        price=Decimal("0.50"),
        valid_from=company_today(),
    )
    _contracts(world, chain)
    _outbound(world, chain)

    # Receivables: an invoice more than a month overdue, part paid; the daily jobs
    # then put the customer on hold and send a reminder, which leave notices.
    world.invoice = invoice(customer, "1000.00", due=dt.date(2020, 1, 31))
    payment_record(customer=customer, amount="400.00", user=chain.finance, reference="BK-1")
    credit_holds_review()
    reminders_create_due()
    reminders_send_pending()
    world.invoice.refresh_from_db()

    # Targets and commission (issue 17): a year's target in force, a revision
    # being drafted with a product group's quantities, the clerk's rule.
    _targets(world, chain)

    return world


def _contracts(world: SiteWorld, chain: Chain) -> None:
    """Contracts (issue 11): a B contract of a product with no stock, approved
    by the manager (its price is entered by hand) with its production task; a
    C contract's draft with its requirement review; a follow-up call due."""
    from contracts.models import FollowUp, ProductionTask
    from contracts.services.requirement_reviews import requirement_review_open
    from orders.services.sales_orders import (
        LineInput,
        sales_order_approve,
        sales_order_create,
        sales_order_submit,
    )
    from tests.factories import ProductFactory

    new = ProductFactory(sku="T-N2-40L", name="氮气", specification="40L")
    special = ProductFactory(sku="T-MIX-8L", name="混合气", specification="8L", non_standard=True)
    contract = sales_order_submit(
        order=sales_order_create(
            user=chain.clerk,
            customer=chain.customer,
            lines=[LineInput(product=new, quantity=Decimal("20"), unit_price=Decimal("25.00"))],
        ),
        user=chain.clerk,
    )
    contract = sales_order_approve(order=contract, user=chain.manager, comment="新规格")
    world.documents["B contract"] = contract
    world.documents["production task"] = ProductionTask.objects.get(order=contract)
    draft = sales_order_create(
        user=chain.clerk,
        customer=chain.customer,
        lines=[LineInput(product=special, quantity=Decimal("2"), unit_price=Decimal("300.00"))],
    )
    world.documents["C contract"] = draft
    world.documents["requirement review"] = requirement_review_open(
        order=draft, requirements="瓶阀特殊,需第三方检测报告", user=chain.clerk
    )
    FollowUp.objects.create(order=world.orders["completed"], due_date=company_today())


def _outbound(world: SiteWorld, chain: Chain) -> None:
    """Samples and non-sale outbound (issue 11): an approved sample with its
    slip waiting for the warehouse, a request report waiting for approval."""
    from outbound.services.common import LineInput
    from outbound.services.requests import (
        non_sale_request_check,
        non_sale_request_create,
        non_sale_request_endorse,
        non_sale_request_submit,
    )
    from outbound.services.samples import (
        sample_application_approve,
        sample_application_create,
        sample_application_issue_slip,
        sample_application_submit,
    )

    head = approver_at("department_head", "site-head")
    lines = [LineInput(product=chain.products[0], quantity=Decimal("2"))]
    sample = sample_application_create(
        user=chain.clerk,
        department="市场部",
        warehouse=chain.warehouse,
        lines=lines,
        prospect_name="意向客户",
    )
    sample = sample_application_submit(application=sample, user=chain.clerk)
    sample = sample_application_approve(application=sample, user=head)
    world.documents["sample slip"] = sample_application_issue_slip(
        application=sample, user=chain.clerk
    )
    request = non_sale_request_create(
        user=chain.clerk,
        purpose="advertising",
        recipient="展会",
        reason="陈列",
        department="市场部",
        warehouse=chain.warehouse,
        lines=lines,
    )
    request = non_sale_request_submit(request=request, user=chain.clerk)
    request = non_sale_request_check(request=request, user=chain.finance, opinion="同意")
    world.documents["request endorsed"] = non_sale_request_endorse(
        request=request, user=chain.manager, opinion="同意"
    )


def _targets(world: SiteWorld, chain: Chain) -> None:
    from sales.enums import CommissionBasis
    from sales.services.commission import commission_rule_set
    from sales.services.setup import sales_team_create
    from sales.services.targets import TargetLineInput, sales_target_lines_save, sales_target_revise
    from tests.sales.targets_world import approved_target, bottled_group

    today = company_today()
    group = bottled_group(chain)
    world.documents["product group"] = group
    world.documents["target approved"] = target = approved_target(
        clerk=chain.clerk,
        manager=chain.manager,
        lines=[
            TargetLineInput(month=m, salesperson_id=chain.clerk.pk, amount=Decimal("5000"))
            for m in range(1, 13)
        ],
    )
    revision = sales_target_revise(user=chain.clerk, target=target, reason="按产品组分解")
    sales_target_lines_save(
        user=chain.clerk,
        target=revision,
        product_group=group,
        lines=[
            TargetLineInput(
                month=today.month,
                salesperson_id=chain.clerk.pk,
                amount=Decimal("2000"),
                product_group=group,
                quantity=Decimal("50"),
            )
        ],
    )
    world.documents["target revision"] = revision
    world.documents["sales team"] = sales_team_create(
        user=chain.manager, name="华东组", members=[chain.clerk]
    )
    commission_rule_set(
        user=chain.manager,
        salesperson=chain.clerk,
        basis=CommissionBasis.COLLECTED_WITHIN_TERMS,
        rate=Decimal("1.5"),
        valid_from=today.replace(day=1),
    )
