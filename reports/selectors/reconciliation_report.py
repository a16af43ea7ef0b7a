"""The three-way reconciliation (三方核对): per product and month, quantities on
delivery notes vs. the warehouse's dispatch moves vs. what left at the gate,
and every mismatch behind a difference."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, F, OuterRef, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from inventory.enums import MoveKind
from inventory.models import Product, StockMove
from orders.models import DeliveryNote, DeliveryNoteLine, DispatchAllocation, GateExit
from reports.enums import MismatchKind
from reports.selectors.definitions import (
    LINE_QUANTITY,
    QTY,
    ZERO_QTY,
    day_range,
    day_start,
    month_bounds,
    page_url,
)


@dataclass
class ProductReconciliation:
    product_id: int
    label: str
    sku: str
    unit: str
    noted: Decimal = ZERO_QTY  # actual quantities on notes dispatched in the month
    moved: Decimal = ZERO_QTY  # dispatch moves of those notes, and unlinked ones of the month
    exited: Decimal = ZERO_QTY  # of those notes, what left through the gate by month end
    # Loaded today and not out yet (running month only): not late, not missing.
    at_gate: Decimal = ZERO_QTY
    # Goods that came back in the month (return moves), and of them those that
    # failed inspection and went to a held location. Beside the three ways,
    # not part of them: a return does not change what left.
    returned: Decimal = ZERO_QTY
    held: Decimal = ZERO_QTY

    @property
    def balanced(self) -> bool:
        return self.noted == self.moved == self.exited + self.at_gate


@dataclass
class Mismatch:
    kind: str
    product: str = ""
    note_id: int | None = None
    note_number: str = ""
    noted: Decimal | None = None
    moved: Decimal | None = None
    moves: list[tuple[int, Decimal]] = field(default_factory=list)
    gate_exit_at: dt.datetime | None = None
    vehicle_plate: str = ""
    at: dt.datetime | None = None

    @property
    def label(self) -> str:
        return str(MismatchKind(self.kind).label)

    @property
    def note_url(self) -> str | None:
        return page_url("orders:note_detail", self.note_id) if self.note_id else None

    @property
    def moves_url(self) -> str | None:
        """The stock ledger filtered to the moves' reference (a dispatch move
        carries its note's number)."""
        query = {"kind": MoveKind.DISPATCH}
        if self.note_number:
            query["reference"] = self.note_number
        return page_url("inventory:moves", query=query) if self.moves else None


@dataclass
class Reconciliation:
    month: dt.date
    first: dt.date
    last: dt.date
    cutoff: dt.datetime  # notes dispatched before this should have left by now
    products: list[ProductReconciliation]
    mismatches: list[Mismatch]

    @property
    def totals(self) -> dict[str, int]:
        counts = dict.fromkeys(MismatchKind.values, 0)
        for m in self.mismatches:
            counts[m.kind] += 1
        return counts


def reconciliation(month: dt.date, *, now: dt.datetime | None = None) -> Reconciliation:
    """Per product: quantities on the delivery notes dispatched in the month vs.
    the warehouse's dispatch moves vs. what left through the gate; and every
    mismatch with its documents; beside them, the month's return moves. Ten
    queries.

    A note dispatched in the month should have left by the month's end; in the
    running month, by now (today's loaded trucks are not late yet, they are
    still in the pipeline).
    """
    first, last = month_bounds(month)
    start, end = day_range(first, last)
    now = now or timezone.now()
    cutoff = min(end, day_start(timezone.localdate(now)))
    in_month = Q(note__dispatched_at__gte=start, note__dispatched_at__lt=end)
    exited_in_time = Q(note__gate_exit__exited_at__lt=end)
    in_month_by_line = Q(
        note_line__note__dispatched_at__gte=start, note_line__note__dispatched_at__lt=end
    )
    unlinked_moves = StockMove.objects.filter(
        ~Exists(DispatchAllocation.objects.filter(stock_move_id=OuterRef("pk"))),
        kind=MoveKind.DISPATCH,
        created_at__gte=start,
        created_at__lt=end,
    )
    at_gate = Q(note__dispatched_at__gte=cutoff, note__gate_exit__isnull=True)

    by_product: dict[int, ProductReconciliation] = {}

    def row_for(product_id: int) -> ProductReconciliation:
        return by_product.setdefault(
            product_id, ProductReconciliation(product_id=product_id, label="", sku="", unit="")
        )

    noted = (
        DeliveryNoteLine.objects.filter(in_month)
        .values("product_id")
        .annotate(
            noted=Sum(LINE_QUANTITY),
            exited=Coalesce(
                Sum(LINE_QUANTITY, filter=exited_in_time), Value(ZERO_QTY), output_field=QTY
            ),
            at_gate=Coalesce(Sum(LINE_QUANTITY, filter=at_gate), Value(ZERO_QTY), output_field=QTY),
        )
        .order_by()
    )
    for r in noted:
        row = row_for(r["product_id"])
        row.noted, row.exited, row.at_gate = r["noted"], r["exited"], r["at_gate"]
    # Moves of those notes (through their allocations), then the month's
    # dispatch moves that no note accounts for: two plain queries, not one OR.
    linked = (
        DispatchAllocation.objects.filter(in_month_by_line)
        .values(product_id=F("stock_move__product_id"))
        .annotate(moved=-Sum("stock_move__quantity"))
        .order_by()
    )
    for r in linked:
        row_for(r["product_id"]).moved += r["moved"]
    for r in unlinked_moves.values("product_id").annotate(moved=-Sum("quantity")).order_by():
        row_for(r["product_id"]).moved += r["moved"]
    returns = (
        StockMove.objects.filter(kind=MoveKind.RETURN, created_at__gte=start, created_at__lt=end)
        .values("product_id")
        .annotate(
            returned=Sum("quantity"),
            held=Coalesce(
                Sum("quantity", filter=Q(warehouse__holds_for__isnull=False)),
                Value(ZERO_QTY),
                output_field=QTY,
            ),
        )
        .order_by()
    )
    for r in returns:
        row = row_for(r["product_id"])
        row.returned, row.held = r["returned"], r["held"]
    products = Product.objects.filter(pk__in=list(by_product)).only(
        "sku", "name", "specification", "unit"
    )
    for p in products:
        row = by_product[p.pk]
        row.label = f"{p.name} {p.specification}".strip()
        row.sku, row.unit = p.sku, p.get_unit_display()

    mismatches: list[Mismatch] = []
    # 1. A note line whose loaded quantity differs from its dispatch moves.
    lines = (
        DeliveryNoteLine.objects.filter(in_month)
        .annotate(
            noted=LINE_QUANTITY,
            moved=Coalesce(
                -Sum("allocations__stock_move__quantity"), Value(ZERO_QTY), output_field=QTY
            ),
        )
        .filter(~Q(moved=F("noted")))
        .select_related("note", "product")
        .order_by("note__dispatched_at", "note_id", "id")
    )
    lines = list(lines)
    moves_by_line: dict[int, list[tuple[int, Decimal]]] = {}
    if lines:
        for a in DispatchAllocation.objects.filter(note_line__in=lines).values(
            "note_line_id", "stock_move_id", "stock_move__quantity"
        ):
            moves_by_line.setdefault(a["note_line_id"], []).append(
                (a["stock_move_id"], -a["stock_move__quantity"])
            )
    for line in lines:
        mismatches.append(
            Mismatch(
                kind=MismatchKind.QUANTITY,
                product=str(line.product),
                note_id=line.note_id,
                note_number=line.note.number or "",
                noted=line.noted,
                moved=line.moved,
                moves=moves_by_line.get(line.pk, []),
                at=line.note.dispatched_at,
            )
        )
    # 2. Dispatched (loaded) but not out through the gate by the month's end.
    stuck = (
        DeliveryNote.objects.filter(dispatched_at__gte=start, dispatched_at__lt=cutoff)
        .filter(Q(gate_exit__isnull=True) | Q(gate_exit__exited_at__gte=end))
        .select_related("gate_exit")
        .order_by("dispatched_at", "id")
    )
    for note in stuck:
        exit_ = getattr(note, "gate_exit", None)
        mismatches.append(
            Mismatch(
                kind=MismatchKind.NO_GATE_EXIT,
                note_id=note.pk,
                note_number=note.number or "",
                vehicle_plate=note.vehicle_plate,
                gate_exit_at=exit_.exited_at if exit_ else None,
                at=note.dispatched_at,
            )
        )
    # 3. Let out at the gate, but nothing left stock for it.
    has_moves = Exists(DispatchAllocation.objects.filter(note_line__note_id=OuterRef("note_id")))
    exits = (
        GateExit.objects.filter(exited_at__gte=start, exited_at__lt=end)
        .filter(~has_moves)
        .select_related("note")
        .order_by("exited_at", "id")
    )
    for exit_ in exits:
        mismatches.append(
            Mismatch(
                kind=MismatchKind.EXIT_WITHOUT_MOVES,
                note_id=exit_.note_id,
                note_number=exit_.note.number or "",
                gate_exit_at=exit_.exited_at,
                vehicle_plate=exit_.vehicle_plate,
                at=exit_.exited_at,
            )
        )
    # 4. Stock taken out as a dispatch that no delivery note accounts for.
    orphans = unlinked_moves.select_related("product").order_by("created_at", "id")
    for move in orphans:
        mismatches.append(
            Mismatch(
                kind=MismatchKind.UNLINKED_MOVE,
                product=str(move.product),
                moved=-move.quantity,
                moves=[(move.pk, -move.quantity)],
                note_number=move.reference,
                at=move.created_at,
            )
        )
    rows = sorted(by_product.values(), key=lambda r: r.sku)
    return Reconciliation(
        month=first,
        first=first,
        last=last,
        cutoff=cutoff,
        products=rows,
        mismatches=mismatches,
    )
