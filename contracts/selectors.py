"""Reads of contracts: the register (合同登记), open production tasks, contracts
waiting for production, the follow-up queue. Each list is one query for its
rows (figures are per-row subqueries), so its count stays flat as rows grow.

Everyone whose role may see these pages sees every contract (the company has
no per-salesperson split, as orders_visible).
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from approvals.services import approver_for
from contracts.enums import FollowUpStatus, TaskStatus
from contracts.models import (
    FollowUp,
    PreparationSlip,
    ProductionTask,
    RequirementReview,
)
from finance.models import InvoiceItem
from orders.enums import NoteStatus, OrderStatus
from orders.models import DeliveryNote, SalesOrder
from salesadmin.clock import company_today
from salesadmin.db import search_filter

MONEY = DecimalField(max_digits=14, decimal_places=2)
ZERO = Value(Decimal("0.00"), output_field=MONEY)
DELIVERED = [NoteStatus.DISPATCHED, NoteStatus.AWAITING_TOPUP, NoteStatus.EXITED]


def _sum(qs, group: str, field) -> Coalesce:
    """Per outer row: the sum of ``field`` over ``qs`` (filtered on the outer
    row through ``group``)."""
    return Coalesce(
        Subquery(
            qs.order_by().values(group).annotate(s=Sum(field)).values("s"), output_field=MONEY
        ),
        ZERO,
    )


def contract_register(
    *,
    contract_type: str = "",
    status: str = "",
    search: str = "",
    waiting_production: bool = False,
) -> QuerySet[SalesOrder]:
    """Every contract (numbered order) with its figures: production tasks (open
    and late), delivered value, invoiced, paid (each invoice's paid share of
    the contract's notes on it) and balance (delivered less paid)."""
    today = company_today()
    notes = DeliveryNote.objects.filter(order=OuterRef("pk"), status__in=DELIVERED)
    items = InvoiceItem.objects.filter(delivery_note__order=OuterRef("pk"), active=True).annotate(
        paid_share=ExpressionWrapper(
            F("amount") * F("invoice__paid_amount") / F("invoice__amount"), output_field=MONEY
        ),
    )
    tasks = ProductionTask.objects.filter(order=OuterRef("pk"), status=TaskStatus.OPEN)
    qs = (
        SalesOrder.objects.filter(number__isnull=False)
        .select_related("customer", "review_level", "requirement_review", "follow_up")
        .annotate(
            delivered=_sum(notes, "order", Coalesce(F("actual_value"), F("value"))),
            invoiced=_sum(items, "delivery_note__order", "amount"),
            paid=_sum(items, "delivery_note__order", "paid_share"),
            open_tasks=Coalesce(
                Subquery(tasks.order_by().values("order").annotate(c=Count("pk")).values("c")),
                Value(0),
            ),
            late_tasks=Exists(tasks.filter(requested_date__lt=today)),
        )
        .annotate(balance=F("delivered") - F("paid"))
    )
    if contract_type:
        qs = qs.filter(contract_type=contract_type)
    if status:
        qs = qs.filter(status=status)
    if waiting_production:
        qs = qs.filter(open_tasks__gt=0)
    qs = search_filter(qs, search, "number", "customer__name", "customer__code")
    return qs.order_by("-created_at", "-id")


def contract_detail(pk: int) -> SalesOrder:
    return (
        contract_register()
        .prefetch_related(
            Prefetch(
                "production_tasks",
                queryset=ProductionTask.objects.select_related("product", "tracker").order_by(
                    "requested_date", "id"
                ),
            ),
            Prefetch(
                "delivery_notes",
                queryset=DeliveryNote.objects.select_related("warehouse").order_by("id"),
            ),
        )
        .get(pk=pk)
    )


def preparation_slip_of(order: SalesOrder) -> PreparationSlip | None:
    return (
        PreparationSlip.objects.filter(order=order)
        .prefetch_related("lines__product", "lines__warehouse")
        .first()
    )


def production_tasks(*, status: str = TaskStatus.OPEN, late_only: bool = False, search: str = ""):
    qs = ProductionTask.objects.select_related("order__customer", "product", "tracker")
    if status:
        qs = qs.filter(status=status)
    if late_only:
        qs = qs.filter(status=TaskStatus.OPEN, requested_date__lt=company_today())
    qs = search_filter(qs, search, "number", "order__number", "product__sku", "product__name")
    return qs.order_by("requested_date", "id")


def task_detail(pk: int) -> ProductionTask:
    return (
        ProductionTask.objects.select_related("order__customer", "product", "tracker", "created_by")
        .prefetch_related("receipts__move__batch")
        .get(pk=pk)
    )


def contracts_waiting_for_production() -> QuerySet[SalesOrder]:
    """Approved contracts with an open production task (home queues)."""
    return contract_register(waiting_production=True).filter(
        status__in=[OrderStatus.APPROVED, OrderStatus.PARTIALLY_DELIVERED]
    )


def requirement_reviews(*, status: str = "") -> QuerySet[RequirementReview]:
    qs = RequirementReview.objects.select_related("order__customer", "created_by").annotate(
        yes=Count("opinions", filter=Q(opinions__agreed=True)),
        no=Count("opinions", filter=Q(opinions__agreed=False)),
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")


def review_detail(pk: int) -> RequirementReview:
    return (
        RequirementReview.objects.select_related("order__customer", "created_by", "confirmed_by")
        .prefetch_related("opinions__department", "opinions__given_by")
        .get(pk=pk)
    )


def follow_up_queue(*, status: str = FollowUpStatus.DUE, due_by=None) -> QuerySet[FollowUp]:
    qs = FollowUp.objects.select_related("order__customer", "done_by")
    if status:
        qs = qs.filter(status=status)
    if due_by is not None:
        qs = qs.filter(due_date__lte=due_by)
    return qs.order_by("due_date", "id")


def contracts_to_review(user, *, limit: int = 20) -> list[SalesOrder]:
    """Formal contracts waiting at a level this reviewer may act on."""
    approver = approver_for(user)
    if approver is None:
        return []
    return list(
        SalesOrder.objects.filter(
            status=OrderStatus.SUBMITTED,
            formal=True,
            review_level__rank__lte=approver.level.rank,
        )
        .select_related("customer", "review_level")
        .order_by("submitted_at", "id")[:limit]
    )
