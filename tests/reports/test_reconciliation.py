"""Three-way reconciliation (三方核对): clean data reconciles; a mismatch of
each kind, planted by inserting rows (the ledgers take INSERTs), is found and
listed with its documents."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from inventory.enums import MoveKind
from inventory.models import StockMove
from orders.models import DeliveryNote, DeliveryNoteLine, DispatchAllocation, GateExit
from reports.enums import MismatchKind
from reports.selectors import definitions, reconciliation_report
from tests.reports.conftest import today

pytestmark = pytest.mark.django_db


def _month():
    return today().replace(day=1)


def _after_month_end():
    """A moment after the month closed: every load should be out by then."""
    return definitions.day_start(definitions.month_bounds(_month())[1]) + dt.timedelta(days=2)


def _kinds(rec) -> list[str]:
    return [m.kind for m in rec.mismatches]


def _dispatch_move(chain, product, qty: str, reference: str = "") -> StockMove:
    return StockMove.objects.create(
        kind=MoveKind.DISPATCH,
        product=product,
        warehouse=chain.warehouse,
        batch=chain.batches[product.pk],
        quantity=-Decimal(qty),
        reference=reference,
    )


def test_clean_data_reconciles_and_the_figures_match_the_documents(world):
    # Given a month of documents made through the services only,
    # when it is reconciled,
    rec = reconciliation_report.reconciliation(_month())

    # then nothing mismatches, and each product's figures are the documents'
    # own sums: quantities noted, moved out of stock and let out at the gate.
    assert rec.mismatches == []
    lines = DeliveryNoteLine.objects.exclude(note__dispatched_at=None)
    for row in rec.products:
        mine = [ln for ln in lines if ln.product_id == row.product_id]
        noted = sum(ln.actual_quantity for ln in mine)
        moved = -sum(
            a.stock_move.quantity
            for a in DispatchAllocation.objects.filter(note_line__in=mine).select_related(
                "stock_move"
            )
        )
        exited = sum(
            ln.actual_quantity for ln in mine if GateExit.objects.filter(note=ln.note).exists()
        )
        assert (row.noted, row.moved, row.exited) == (noted, moved, exited)
    # The loaded note not yet out is today's: not late, still at the gate.
    assert any(r.exited < r.noted for r in rec.products)
    assert all(r.balanced for r in rec.products)
    assert sum(r.at_gate for r in rec.products) == sum(
        ln.actual_quantity for ln in world.notes["dispatched"].lines.all()
    )


def test_a_load_never_let_out_by_month_end_is_listed(world):
    rec = reconciliation_report.reconciliation(_month(), now=_after_month_end())

    assert _kinds(rec) == [MismatchKind.NO_GATE_EXIT]
    missing = rec.mismatches[0]
    assert missing.note_id == world.notes["dispatched"].pk
    assert missing.note_url == f"/orders/notes/{missing.note_id}/"


def test_note_quantity_different_from_its_moves_is_listed(world):
    chain = world.chain
    line = world.notes["exited"].lines.order_by("id").first()
    move = _dispatch_move(chain, line.product, "1", reference=world.notes["exited"].number)
    DispatchAllocation.objects.create(
        note_line=line, batch=chain.batches[line.product_id], quantity=1, stock_move=move
    )

    rec = reconciliation_report.reconciliation(_month())

    assert _kinds(rec) == [MismatchKind.QUANTITY]
    found = rec.mismatches[0]
    assert (found.note_id, found.noted, found.moved) == (
        line.note_id,
        line.actual_quantity,
        line.actual_quantity + 1,
    )
    assert move.pk in [pk for pk, _qty in found.moves]
    row = next(r for r in rec.products if r.product_id == line.product_id)
    assert row.moved == row.noted + 1
    assert not row.balanced


def test_gate_exit_without_dispatch_moves_is_listed(world, guard):
    stamped = world.notes["stamped"]
    GateExit.objects.create(note=stamped, vehicle_plate="浙E00000", guard=guard)

    rec = reconciliation_report.reconciliation(_month())

    assert _kinds(rec) == [MismatchKind.EXIT_WITHOUT_MOVES]
    assert rec.mismatches[0].note_id == stamped.pk
    assert rec.mismatches[0].vehicle_plate == "浙E00000"


def test_dispatch_move_linked_to_no_note_is_listed(world):
    chain = world.chain
    move = _dispatch_move(chain, chain.products[0], "3", reference="by hand")

    rec = reconciliation_report.reconciliation(_month())

    assert _kinds(rec) == [MismatchKind.UNLINKED_MOVE]
    assert rec.mismatches[0].moves == [(move.pk, Decimal("3.000"))]
    row = next(r for r in rec.products if r.product_id == chain.products[0].pk)
    assert row.moved == row.noted + 3


def test_every_kind_at_once_and_nothing_in_another_month(world, guard):
    chain = world.chain
    _dispatch_move(chain, chain.products[0], "3")
    GateExit.objects.create(note=world.notes["stamped"], vehicle_plate="X", guard=guard)

    rec = reconciliation_report.reconciliation(_month(), now=_after_month_end())
    earlier = reconciliation_report.reconciliation(_month() - dt.timedelta(days=40))

    assert sorted(_kinds(rec)) == sorted(
        [MismatchKind.NO_GATE_EXIT, MismatchKind.EXIT_WITHOUT_MOVES, MismatchKind.UNLINKED_MOVE]
    )
    assert (earlier.products, earlier.mismatches) == ([], [])


def test_a_load_of_last_month_counts_there_not_here(world):
    last_month = timezone.now() - dt.timedelta(days=40)
    DeliveryNote.objects.filter(pk=world.notes["dispatched"].pk).update(dispatched_at=last_month)
    month = timezone.localtime(last_month).date().replace(day=1)

    there = reconciliation_report.reconciliation(month)

    assert _kinds(there) == [MismatchKind.NO_GATE_EXIT]


def test_page_and_exports_list_the_mismatches(world, manager, client_for):
    chain = world.chain
    _dispatch_move(chain, chain.products[0], "3", reference="by hand")
    client = client_for(manager)
    url = f"/reports/reconciliation/?month={_month():%Y-%m}"

    page = client.get(url).content.decode()
    rows = list(
        csv.reader(io.StringIO(client.get(url + "&export=csv").content.decode("utf-8-sig")))
    )
    sheet = load_workbook(io.BytesIO(client.get(url + "&export=xlsx").content)).active

    assert "Dispatch move linked to no delivery note" in page
    assert "/inventory/moves/?kind=dispatch&amp;reference=by+hand" in page
    assert any("Dispatch move linked to no delivery note" in r for r in rows)
    assert any("Dispatch move linked to no delivery note" in (row or ()) for row in sheet.values)


def test_reconciliation_query_count_is_fixed(
    world, manager, client_for, django_assert_max_num_queries
):
    client = client_for(manager)
    # 15: the month's return moves are one query more; 18: the grouped menu's
    # roles and its work count (override asks, orders to approve).
    with django_assert_max_num_queries(18):
        assert client.get("/reports/reconciliation/").status_code == 200


def test_the_move_link_lists_only_that_notes_moves(world, manager, client_for):
    note = world.notes["exited"]
    other = world.notes["other"]

    page = client_for(manager).get(f"/inventory/moves/?kind=dispatch&reference={note.number}")

    html = page.content.decode()
    assert page.status_code == 200
    assert note.number in html and other.number not in html
