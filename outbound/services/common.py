"""What the sample and the request report services share: their lines, the
outbound slip (a non-sale delivery note), and the actions a user may take."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from inventory.models import Product
from orders.enums import NoteStatus
from orders.models import DeliveryNote
from salesadmin.decimal_input import parse_quantity
from salesadmin.errors import ApplicationError, ConflictError
from salesadmin.transitions import check_transition

CENT = Decimal("0.01")
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


def placeholder_number() -> str:
    """Unique until the gapless number is taken, the last step of the transaction."""
    return f"~{uuid.uuid4().hex[:24]}"


def costed_lines(lines: list[LineInput]) -> list[CostedLine]:
    """The lines at the products' standard cost; each product once, quantities positive."""
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
        qty = parse_quantity(line.quantity)
        if qty <= 0:
            raise ApplicationError(_("Quantities must be positive."), code="invalid_quantity")
        cost = product.standard_cost
        rows.append(
            CostedLine(
                product=product,
                quantity=qty,
                unit_cost=cost,
                amount=(qty * cost).quantize(CENT, rounding=ROUND_HALF_UP),
            )
        )
    return rows


def read_slip(document) -> None:
    """Hand the document what its current slip says, for its conditions."""
    note = (
        DeliveryNote.objects.filter(pk=document.note_id).only("status").first()
        if document.note_id
        else None
    )
    document.slip_replaceable = note is None or note.status in REPLACEABLE_NOTE_STATUSES
    document.goods_left_found = note is not None and note.status == NoteStatus.EXITED


def check_state_and_role(obj, name: str, *, user) -> None:
    """Refuse a wrong state (409) or role (403) before any work; the rules are
    checked when the transition runs, after the service set what they read."""
    try:
        check_transition(obj, name, user=user)
    except ConflictError:
        raise
    except ApplicationError:
        pass


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
    field = obj._meta.get_field("status")
    state = field.get_state(obj)
    names = []
    for method in field.transitions[obj.__class__].values():
        meta = method._django_fsm
        if not meta.has_transition(state):
            continue
        found = meta.get_transition(state)
        if found.name not in actions or not found.has_perm(obj, user):
            continue
        if all(
            rule(obj) for rule in found.conditions if rule.__name__ not in GIVEN_WITH_THE_ACTION
        ):
            names.append(actions[found.name])
    return [action for action in dict.fromkeys(actions.values()) if action in names]
