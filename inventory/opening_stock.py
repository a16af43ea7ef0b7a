"""Opening stock (期初库存): the goods a company has on the day it starts on
salesadmin, brought in once as ledger moves of kind opening (inventory/imports.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from inventory.enums import MoveKind
from inventory.models import Batch, BatchLevel, StockLevel, StockMove
from inventory.services import _add_to, _locked_levels
from salesadmin.db import locked
from salesadmin.decimal_input import parse_positive_quantity
from salesadmin.errors import ApplicationError


def known_batches(keys: set[tuple[int, str]]) -> dict[tuple[int, str], Batch]:
    """The batches already known among (product id, batch number) pairs, in one query."""
    if not keys:
        return {}
    return {
        (b.product_id, b.number): b
        for b in Batch.objects.filter(
            product_id__any=sorted({p for p, _n in keys}),
            number__any=sorted({n for _p, n in keys}),
        )
    }


def wrong_date(batch: Batch | None, produced_on: dt.date) -> str:
    """Why a line giving a known batch another production date is refused ("" if it is not)."""
    if batch is None or batch.produced_on == produced_on:
        return ""
    return _("Batch %(batch)s was produced on %(date)s, not on the date entered.") % {
        "batch": batch.number,
        "date": batch.produced_on,
    }


@transaction.atomic
def stock_opening_record(*, lines: list[dict], user) -> list[StockMove]:
    """The opening stock (期初库存) a company brings in on its first day: one
    ledger move of kind opening per product, warehouse and batch, creating the
    batches that are new, and the levels raised in step. Set-based, so a sheet
    of ten thousand lines takes a few statements, not a few per line.

    Each line: ``product``, ``warehouse``, ``batch_number``, ``produced_on``,
    ``quantity`` (positive). A batch already known must have the same date.
    """
    if not user.has_perm("inventory.import_opening_stock"):
        raise PermissionDenied
    plans = []
    for line in lines:
        qty = parse_positive_quantity(line["quantity"])
        plans.append((line["product"], line["warehouse"], line["batch_number"].strip(), qty))
    wanted = {
        (p.pk, number): line["produced_on"]
        for (p, _w, number, _q), line in zip(plans, lines, strict=True)
    }
    batches = known_batches(set(wanted))
    for key, produced_on in wanted.items():
        problem = wrong_date(batches.get(key), produced_on)
        if problem:
            raise ApplicationError(problem, code="batch_date_mismatch")
    new = [
        Batch(product_id=p, number=n, produced_on=day)
        for (p, n), day in wanted.items()
        if (p, n) not in batches
    ]
    for batch in Batch.objects.bulk_create(new, batch_size=1000):
        batches[(batch.product_id, batch.number)] = batch

    levels = _locked_levels({(p.pk, w.pk) for p, w, _n, _q in plans})
    keys = {(p.pk, w.pk, batches[(p.pk, n)].pk) for p, w, n, _q in plans}
    BatchLevel.objects.bulk_create(
        [BatchLevel(product_id=p, warehouse_id=w, batch_id=b) for p, w, b in keys],
        ignore_conflicts=True,
        batch_size=1000,
    )
    batch_levels = {
        (b.product_id, b.warehouse_id, b.batch_id): b
        for b in locked(BatchLevel.objects)
        .filter(batch_id__any=sorted({b for _p, _w, b in keys}))
        .order_by("batch_id", "warehouse_id")
    }
    level_delta: dict[int, dict[str, Decimal]] = {}
    batch_delta: dict[int, dict[str, Decimal]] = {}
    moves = []
    for product, warehouse, number, qty in plans:
        batch = batches[(product.pk, number)]
        level = levels[(product.pk, warehouse.pk)]
        level_delta.setdefault(level.pk, {"on_hand": Decimal(0)})["on_hand"] += qty
        batch_level = batch_levels[(product.pk, warehouse.pk, batch.pk)]
        batch_delta.setdefault(batch_level.pk, {"on_hand": Decimal(0)})["on_hand"] += qty
        moves.append(
            StockMove(
                kind=MoveKind.OPENING,
                product=product,
                warehouse=warehouse,
                batch=batch,
                quantity=qty,
                reference=number,
                created_by=user,
            )
        )
    moves = StockMove.objects.bulk_create(moves, batch_size=1000)
    _add_to(BatchLevel, batch_delta)
    _add_to(StockLevel, level_delta)
    return moves
