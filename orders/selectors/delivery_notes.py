"""Reads of delivery notes for the pages: lists, the detail, the loading form
and each role's queue. Every list is a fixed number of queries however many
rows it shows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery

from inventory.models import BatchLevel
from orders import hooks
from orders.enums import NoteStatus, OrderStatus
from orders.models import DeliveryNote, DeliveryNoteLine, DispatchAllocation, SalesOrder
from salesadmin.db import any_contains
from salesadmin.models import TransitionLog
from salesadmin.roles import Role
from salesadmin.transitions import available_transitions

DOC = "delivery_note"
ZERO = Decimal("0.00")

_LINES = Prefetch(
    "lines",
    queryset=DeliveryNoteLine.objects.select_related("product").order_by("id"),
)


def notes_visible(user) -> QuerySet[DeliveryNote]:
    """Every note: whoever may see notes sees all of them (the API checks the permission)."""
    return DeliveryNote.objects.select_related("customer", "order", "warehouse")


def note_detail_queryset(user) -> QuerySet[DeliveryNote]:
    """A note with who acted on it, its gate exit, and its lines with their batches."""
    return (
        notes_visible(user)
        .select_related("stamped_by", "dispatched_by", "issued_by", "gate_exit")
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=DeliveryNoteLine.objects.select_related("product").prefetch_related(
                    Prefetch(
                        "allocations",
                        queryset=DispatchAllocation.objects.select_related("batch").order_by("id"),
                    )
                ),
            )
        )
    )


def note_coverage(*, note: DeliveryNote) -> hooks.CoverageAnswer | None:
    """How what the note still needs would be covered now, with finance's figures
    (orders.hooks.coverage), handed to the note (``coverage_found``) for the
    stamp and top-up conditions to read. An issued note needs its value, its own
    stamp not counted; one awaiting a top-up has its loaded value charged
    already, so what the customer owes must be covered. None: nothing to cover."""
    if note.customer_id is None:  # goods out without a sale: nobody is charged
        return None
    if note.status == NoteStatus.ISSUED:
        amount, exclude_note_id = note.value, note.pk
    elif note.status == NoteStatus.AWAITING_TOPUP:
        amount, exclude_note_id = ZERO, None
    else:
        return None
    answer = hooks.coverage(customer=note.customer, amount=amount, exclude_note_id=exclude_note_id)
    note.coverage_found = answer.coverage
    return answer


def note_transitions(*, note: DeliveryNote, user) -> list[str]:
    """The transitions ``user`` may run on the note now (pages and API offer
    only these). Finance's are decided on the note's coverage: asked first."""
    if user.has_perm("orders.stamp_deliverynote"):
        note_coverage(note=note)
    return available_transitions(note, "status", user)


def note_list(
    *, status: str = "", day: dt.date | None = None, search: str = "", by_customer: bool = True
) -> QuerySet[DeliveryNote]:
    """Notes, newest first. ``by_customer`` lets the search match customers'
    names too (only for people who may see customers)."""
    qs = DeliveryNote.objects.select_related("customer", "warehouse")
    if status:
        qs = qs.filter(status=status)
    if day:
        qs = qs.filter(issue_date=day)
    search = search.strip()
    if search:
        match = any_contains(search, "number", "vehicle_plate")
        if by_customer:
            match |= any_contains(search, "customer__name", "customer__code")
        qs = qs.filter(match)
    return qs.order_by("-issue_date", "-issued_at", "-id")


def note_detail(*, pk: int) -> DeliveryNote:
    allocations = Prefetch(
        "allocations",
        queryset=DispatchAllocation.objects.select_related("batch").order_by("id"),
    )
    lines = Prefetch(
        "lines",
        queryset=DeliveryNoteLine.objects.select_related("product", "order_line")
        .prefetch_related(allocations)
        .order_by("id"),
    )
    return (
        DeliveryNote.objects.select_related(
            "customer", "warehouse", "order", "issued_by", "stamped_by", "dispatched_by"
        )
        .prefetch_related(lines)
        .get(pk=pk)
    )


def note_log(*, note: DeliveryNote) -> QuerySet[TransitionLog]:
    return (
        TransitionLog.objects.filter(document_type=DOC, document_id=note.pk)
        .select_related("user")
        .order_by("at", "id")
    )


# --- The loading form (仓库出库) ------------------------------------------------


@dataclass
class BatchPick:
    """One batch the keeper may load from, with the FIFO suggestion."""

    level: BatchLevel
    suggested: Decimal

    @property
    def batch(self):
        return self.level.batch


@dataclass
class LineToLoad:
    line: DeliveryNoteLine
    picks: list[BatchPick] = field(default_factory=list)

    @property
    def product(self):
        return self.line.product

    @property
    def tolerance(self) -> Decimal:
        """How far the loaded quantity may differ from the note (the service decides)."""
        if not self.product.weighed:
            return Decimal("0")
        return (self.line.quantity * settings.DISPATCH_TOLERANCE).quantize(Decimal("0.001"))

    @property
    def tolerance_percent(self) -> Decimal:
        return (settings.DISPATCH_TOLERANCE * 100).normalize()

    @property
    def on_hand(self) -> Decimal:
        return sum((p.level.on_hand for p in self.picks), Decimal("0"))

    @property
    def short(self) -> bool:
        return self.on_hand < self.line.quantity


def lines_to_load(*, note: DeliveryNote) -> list[LineToLoad]:
    """Per note line, the batches on hand in the note's warehouse, oldest first,
    the first ones suggested to cover the note's quantity (first in, first out)."""
    lines = list(note.lines.select_related("product").order_by("id"))
    levels = (
        BatchLevel.objects.filter(
            warehouse_id=note.warehouse_id,
            product_id__in={ln.product_id for ln in lines},
            on_hand__gt=0,
        )
        .select_related("batch")
        .order_by("batch__produced_on", "batch__number", "id")
    )
    by_product: dict[int, list[BatchLevel]] = {}
    for level in levels:
        by_product.setdefault(level.product_id, []).append(level)
    result = []
    # Two lines of one product share its batches: what one is suggested, the next is not.
    left = {level.pk: level.on_hand for level in levels}
    for line in lines:
        to_cover = line.quantity
        picks = []
        for level in by_product.get(line.product_id, []):
            take = min(to_cover, left[level.pk])
            left[level.pk] -= take
            to_cover -= take
            picks.append(BatchPick(level=level, suggested=take))
        result.append(LineToLoad(line=line, picks=picks))
    return result


# --- Queues for the role-aware home -----------------------------------------------


def gate_goods(note: DeliveryNote, *, batches: bool = False) -> list[dict]:
    """What the truck carries, as the warehouse and the gate see it: product,
    specification, quantity as loaded (or as on the note), unit (its code and
    its label) and, with ``batches``, the batch numbers (the note's lines read
    with their allocations: orders.services.exit_pass). Never the customer,
    prices or amounts."""
    goods = []
    for line in note.lines.all():
        item = {
            "product": line.product.name,
            "specification": line.product.specification,
            "quantity": line.quantity if line.actual_quantity is None else line.actual_quantity,
            "unit": line.product.unit,
            "unit_label": line.product.get_unit_display(),
        }
        if batches:
            item["batches"] = [a.batch.number for a in line.allocations.all()]
        goods.append(item)
    return goods


def notes_issued_by(*, user, day: dt.date, limit: int = 20) -> list[DeliveryNote]:
    """The clerk's own notes of the day, whatever their status."""
    return list(
        DeliveryNote.objects.filter(issued_by=user, issue_date=day)
        .select_related("customer")
        .order_by("-issued_at", "-id")[:limit]
    )


def orders_created_by(*, user, limit: int = 8) -> list[SalesOrder]:
    return list(
        SalesOrder.objects.filter(created_by=user)
        .select_related("customer")
        .order_by("-created_at", "-id")[:limit]
    )


def notes_in_status(*, status: str, day: dt.date, limit: int = 20) -> list[DeliveryNote]:
    """Today's notes at one stage of the chain, oldest first (first come, first served).
    Stale notes (issued before ``day``) are not actionable and are left out."""
    return list(
        DeliveryNote.objects.filter(status=status, issue_date=day)
        .select_related("customer")
        .prefetch_related(_LINES)
        .order_by("issued_at", "id")[:limit]
    )


def notes_to_load(*, day: dt.date, limit: int = 30) -> list[dict]:
    """For the warehouse: stamped notes of the day, with goods and vehicle."""
    notes = (
        DeliveryNote.objects.filter(status=NoteStatus.STAMPED, issue_date=day)
        .select_related("warehouse")
        .prefetch_related(_LINES)
        .order_by("stamped_at", "id")[:limit]
    )
    return [
        {
            "pk": n.pk,
            "number": n.number,
            "vehicle_plate": n.vehicle_plate,
            "driver": n.driver,
            "warehouse": n.warehouse.name,
            "goods": gate_goods(n),
        }
        for n in notes
    ]


def notes_at_gate(*, day: dt.date, limit: int = 30) -> list[dict]:
    """For the gate: loaded notes of the day not yet out. Only number, vehicle
    and goods leave this function: the guard never sees customer or price."""
    notes = (
        DeliveryNote.objects.filter(status=NoteStatus.DISPATCHED, issue_date=day)
        .only("pk", "number", "status", "vehicle_plate", "dispatched_at")
        .prefetch_related(_LINES)
        .order_by("dispatched_at", "id")[:limit]
    )
    return [
        {"number": n.number, "vehicle_plate": n.vehicle_plate, "goods": gate_goods(n)}
        for n in notes
    ]


def note_stage_counts(*, day: dt.date) -> dict[str, int]:
    """How many of the day's notes wait at each stage (one query)."""
    rows = (
        DeliveryNote.objects.filter(issue_date=day)
        .values("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = dict.fromkeys(NoteStatus.values, 0)
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def orders_waiting_for_approval(*, limit: int = 5) -> tuple[int, list[SalesOrder]]:
    qs = SalesOrder.objects.filter(status=OrderStatus.SUBMITTED)
    oldest = list(qs.select_related("customer").order_by("submitted_at", "id")[:limit])
    return qs.count(), oldest


PICKER_LIMIT = 20


def note_picker(
    *,
    search: str,
    statuses: list[str] | None = None,
    with_customer: bool,
    limit: int = PICKER_LIMIT,
) -> list[dict]:
    """Notes by number (or the customer's code or name, for those who may see
    customers), newest first. The value is the note's number, which the forms
    that take a note read. One query."""
    qs = DeliveryNote.objects.filter(number__isnull=False)
    if statuses:
        qs = qs.filter(status__in=statuses)
    search = search.strip()
    if search:
        match = any_contains(search, "number")
        if with_customer:
            match |= any_contains(search, "customer__code", "customer__name")
        qs = qs.filter(match)
    rows = qs.order_by("-issue_date", "-number").values("number", "issue_date", "customer__name")[
        :limit
    ]
    return [
        {
            "value": r["number"],
            # Goods out without a sale have no customer: the number alone.
            "text": f"{r['number']} · {r['customer__name']}"
            if with_customer and r["customer__name"]
            else r["number"],
        }
        for r in rows
    ]


ASK_OVERRIDE = "ask_override"


def notes_awaiting_override(*, day: dt.date, limit: int = 20) -> list[DeliveryNote]:
    """Today's issued notes finance sent to the managers, oldest request first,
    each with who asked and why (``asked_by``, ``asked_reason``). Two queries."""
    asks = TransitionLog.objects.filter(
        document_type="delivery_note", transition=ASK_OVERRIDE, document_id=OuterRef("pk")
    ).order_by("-at")
    return list(
        DeliveryNote.objects.filter(
            status=NoteStatus.ISSUED,
            issue_date=day,
            pk__in=TransitionLog.objects.filter(
                document_type="delivery_note", transition=ASK_OVERRIDE
            ).values("document_id"),
        )
        .select_related("customer")
        .annotate(
            asked_at=Subquery(asks.values("at")[:1]),
            asked_reason=Subquery(asks.values("comment")[:1]),
            asked_by_last=Subquery(asks.values("user__last_name")[:1]),
            asked_by_first=Subquery(asks.values("user__first_name")[:1]),
            asked_by_login=Subquery(asks.values("user__username")[:1]),
        )
        .order_by("asked_at")[:limit]
    )


def override_request_count(*, day: dt.date) -> int:
    """How many of today's notes wait for a manager's override (the menu's badge)."""
    return DeliveryNote.objects.filter(
        status=NoteStatus.ISSUED,
        issue_date=day,
        pk__in=TransitionLog.objects.filter(
            document_type="delivery_note", transition=ASK_OVERRIDE
        ).values("document_id"),
    ).count()


def work_counts(*, user, roles: list[str], day: dt.date) -> int:
    """The menu's count of new work for ``user``'s roles today: notes waiting at
    the user's stage of the chain, and for managers the orders to approve and the
    notes finance sent for an override; for a clerk, their rejected orders to
    revise. At most two COUNT queries, whatever the number of rows."""
    note_filters = []
    if Role.FINANCE in roles and user.has_perm("orders.stamp_deliverynote"):
        note_filters.append(Q(status__in=[NoteStatus.ISSUED, NoteStatus.AWAITING_TOPUP]))
    if Role.WAREHOUSE_KEEPER in roles and user.has_perm("orders.dispatch_deliverynote"):
        note_filters.append(Q(status=NoteStatus.STAMPED))
    if Role.GATE_GUARD in roles and user.has_perm("orders.exit_deliverynote"):
        note_filters.append(Q(status=NoteStatus.DISPATCHED))
    if Role.MANAGER in roles and user.has_perm("orders.override_stamp_deliverynote"):
        note_filters.append(
            Q(
                status=NoteStatus.ISSUED,
                pk__in=TransitionLog.objects.filter(
                    document_type="delivery_note", transition=ASK_OVERRIDE
                ).values("document_id"),
            )
        )
    total = 0
    if note_filters:
        match = note_filters[0]
        for extra in note_filters[1:]:
            match |= extra
        total += DeliveryNote.objects.filter(match, issue_date=day).count()
    order_filters = []
    if Role.MANAGER in roles and user.has_perm("orders.approve_salesorder"):
        order_filters.append(Q(status=OrderStatus.SUBMITTED))
    if Role.SALES_CLERK in roles and user.has_perm("orders.submit_salesorder"):
        order_filters.append(Q(status=OrderStatus.REJECTED, created_by=user))
    if order_filters:
        match = order_filters[0]
        for extra in order_filters[1:]:
            match |= extra
        total += SalesOrder.objects.filter(match).count()
    return total
