"""Samples and non-sale outbound through the real services, for tests."""

from __future__ import annotations

from decimal import Decimal

from orders.services.exit_pass import exit_pass_token, exit_pass_use
from outbound.services.common import LineInput
from outbound.services.requests import (
    non_sale_request_approve,
    non_sale_request_check,
    non_sale_request_create,
    non_sale_request_endorse,
    non_sale_request_issue_slip,
    non_sale_request_submit,
)
from outbound.services.samples import (
    sample_application_approve,
    sample_application_create,
    sample_application_issue_slip,
    sample_application_submit,
)
from tests.factories import approver_at


def prospect_sample(chain):
    """A draft sample application: one cylinder of oxygen for a prospect."""
    return sample_application_create(
        user=chain.clerk,
        department="市场部",
        warehouse=chain.warehouse,
        lines=[LineInput(product=chain.products[0], quantity=1)],
        prospect_name="意向客户",
    )


def gift_request(chain):
    """A draft request report: one cylinder of oxygen given to a customer."""
    return non_sale_request_create(
        user=chain.clerk,
        purpose="gift",
        recipient="客户",
        reason="答谢",
        department="市场部",
        warehouse=chain.warehouse,
        lines=[LineInput(product=chain.products[0], quantity=1)],
    )


class OutboundWorld:
    """The chain's world (products in stock, personas) with approvers at each level."""

    def __init__(self, *, chain, guard):
        self.chain = chain
        self.clerk, self.finance, self.keeper = chain.clerk, chain.finance, chain.keeper
        self.guard = guard
        self.products = chain.products
        for product, cost in zip(self.products, ["12.00", "0.80", "45.00"], strict=True):
            product.standard_cost = Decimal(cost)
            product.save(update_fields=["standard_cost"])
        self.head = self.approver("department_head", "head")
        self.director = self.approver("sales_director", "director")
        self.deputy = self.approver("deputy_general_manager", "deputy")
        self.gm = self.approver("general_manager", "gm")

    def approver(self, level_code: str, username: str, *, limit=None):
        return approver_at(level_code, username, limit=limit)

    def lines(self, quantities):
        return [
            LineInput(product=p, quantity=Decimal(q))
            for p, q in zip(self.products, quantities, strict=False)
            if q
        ]

    # Samples -------------------------------------------------------------------
    def sample(self, quantities=("3", "", "2"), *, submit=True, customer=None, **kwargs):
        kwargs.setdefault("prospect_name", "" if customer else "湖州新客户(意向)")
        application = sample_application_create(
            user=self.clerk,
            department="市场部",
            warehouse=self.chain.warehouse,
            lines=self.lines(quantities),
            customer=customer,
            reason="试用",
            **kwargs,
        )
        return (
            sample_application_submit(application=application, user=self.clerk)
            if submit
            else application
        )

    def approved_sample(self, quantities=("3", "", "2")):
        return sample_application_approve(application=self.sample(quantities), user=self.head)

    def sample_slip(self, application=None):
        application = sample_application_issue_slip(
            application=application or self.approved_sample(),
            user=self.clerk,
            vehicle_plate="浙E55555",
        )
        return application, application.note

    # Request reports -----------------------------------------------------------
    def request(self, quantities=("2", "", "1"), *, purpose="advertising", upto="submitted"):
        request = non_sale_request_create(
            user=self.clerk,
            purpose=purpose,
            recipient="2026 安吉展销会",
            reason="展会陈列",
            department="市场部",
            warehouse=self.chain.warehouse,
            lines=self.lines(quantities),
        )
        if upto == "draft":
            return request
        request = non_sale_request_submit(request=request, user=self.clerk)
        if upto == "submitted":
            return request
        request = non_sale_request_check(request=request, user=self.finance, opinion="费用可列支")
        if upto == "checked":
            return request
        request = non_sale_request_endorse(request=request, user=self.chain.manager, opinion="同意")
        if upto == "endorsed":
            return request
        return non_sale_request_approve(request=request, user=self.deputy, comment="批准")

    def request_slip(self, request=None):
        request = non_sale_request_issue_slip(
            request=request or self.request(upto="approved"),
            user=self.clerk,
            vehicle_plate="浙E66666",
        )
        return request, request.note

    # The chain after the slip ---------------------------------------------------
    def dispatched(self, note):
        return self.chain.dispatched(note)

    def exited(self, note):
        note = self.dispatched(note)
        result = exit_pass_use(raw=exit_pass_token(note), user=self.guard, vehicle_plate="浙E55555")
        assert result.passed, result
        note.refresh_from_db()
        return note
