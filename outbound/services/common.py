"""What the sample and the request report services share: their lines, the
outbound slip (a non-sale delivery note), and the actions a user may take."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from approvals.document_flow import without_decisions_above
from inventory.models import Product, Warehouse
from orders.enums import NoteStatus
from orders.models import DeliveryNote
from orders.services.delivery_notes import NonSaleLine, delivery_note_issue_non_sale
from salesadmin.db import locked
from salesadmin.decimal_input import parse_positive_quantity, round_money
from salesadmin.document_numbers import number_last
from salesadmin.errors import ApplicationError
from salesadmin.transitions import available_actions as transition_actions
from salesadmin.transitions import check_transition, run_transition

# A slip in these states is gone: another may be issued (当天内有效).
REPLACEABLE_NOTE_STATUSES = (NoteStatus.CANCELLED, NoteStatus.EXPIRED)
MAX_LINES = 50


@dataclass
class LineInput:
    product: Product
    quantity: Decimal | str


@dataclass
class CostedLine:
    product: Product
    quantity: Decimal
    unit_cost: Decimal
    amount: Decimal


def costed_lines(lines: list[LineInput], *, warehouse: Warehouse) -> list[CostedLine]:
    """The lines at the products' standard cost, to leave ``warehouse`` (open);
    each product once, quantities positive."""
    if not warehouse.active:
        raise ApplicationError(_("This warehouse is closed."), code="warehouse_inactive")
    lines = [ln for ln in lines if ln.product is not None and ln.quantity not in (None, "")]
    if not lines:
        raise ApplicationError(_("Add at least one line with a quantity."), code="no_lines")
    if len(lines) > MAX_LINES:
        raise ApplicationError(_("Too many lines."), code="too_many_lines")
    ids = [ln.product.pk for ln in lines]
    if len(set(ids)) != len(ids):
        raise ApplicationError(_("A product is given twice."), code="duplicate_line")
    products = {p.pk: p for p in Product.objects.filter(pk__in=ids)}
    rows = []
    for line in lines:
        product = products.get(line.product.pk)
        if product is None or not product.active:
            raise ApplicationError(_("That product is not available."), code="product_inactive")
        qty = parse_positive_quantity(line.quantity)
        cost = product.standard_cost
        rows.append(
            CostedLine(
                product=product,
                quantity=qty,
                unit_cost=cost,
                amount=round_money(qty * cost),
            )
        )
    return rows


def lines_save_and_number(document, *, line_model, parent_field: str, rows, document_type: str):
    """The document's costed lines, then its gapless number (the last step)."""
    line_model.objects.bulk_create(
        line_model(
            **{parent_field: document},
            product=r.product,
            quantity=r.quantity,
            unit_cost=r.unit_cost,
            amount=r.amount,
        )
        for r in rows
    )
    number_last(document, document_type)


def lock_document(model, document):
    """The document's row, locked, knowing what its current slip says."""
    found = locked(model.objects.select_related("waiting_level")).get(pk=document.pk)
    read_slip(found)
    return found


def slip_issue(
    document,
    *,
    user,
    document_type: str,
    kind: str,
    released_by: str,
    vehicle_plate: str,
    driver: str,
):
    """The outbound slip: a non-sale note of ``kind``, valid today, its stock
    reserved; the approval takes the finance stamp's place. The caller holds
    the document's lock."""
    check_transition(document, "issue_slip", user=user)
    note = delivery_note_issue_non_sale(
        kind=kind,
        user=user,
        warehouse=document.warehouse,
        lines=[
            NonSaleLine(product=line.product, quantity=line.quantity, unit_cost=line.unit_cost)
            for line in document.lines.select_related("product").order_by("product_id")
        ],
        released_by=released_by,
        vehicle_plate=vehicle_plate,
        driver=driver,
    )
    return run_transition(
        document,
        "issue_slip",
        user=user,
        document_type=document_type,
        comment=note.number,
        note=note,
    )


def read_slip(document) -> None:
    """Hand the document what its current slip says, for its conditions."""
    note = (
        DeliveryNote.objects.filter(pk=document.note_id).only("status").first()
        if document.note_id
        else None
    )
    document.slip_replaceable = note is None or note.status in REPLACEABLE_NOTE_STATUSES
    document.goods_left_found = note is not None and note.status == NoteStatus.EXITED


# Rules the action's own form supplies: they do not hide the action.
GIVEN_WITH_THE_ACTION = frozenset(
    {
        "has_decision_comment",
        "has_cancel_reason",
        "has_outcome",
        "has_accountant_opinion",
        "has_manager_opinion",
    }
)


def available_actions(obj, user, actions: dict[str, str]) -> list[str]:
    """The actions (buttons, the API's ``available_actions``) this user may take now."""
    read_slip(obj)
    return transition_actions(obj, user, actions, given_with_the_action=GIVEN_WITH_THE_ACTION)


def outbound_actions(document, user, actions: dict[str, str]) -> list[str]:
    """The actions this user may take now: approving also needs the level,
    issuing the slip also the right to issue delivery notes."""
    names = without_decisions_above(available_actions(document, user, actions), document, user)
    if "issue_slip" in names and not user.has_perm("orders.issue_deliverynote"):
        names.remove("issue_slip")
    return names
