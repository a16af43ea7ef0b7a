"""What the return and allowance services share."""

from __future__ import annotations

import uuid
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Subquery

from customers.models import Customer
from salesadmin.db import locked
from salesadmin.errors import ApplicationError, ConflictError
from salesadmin.transitions import check_transition

CENT = Decimal("0.01")


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def placeholder_number() -> str:
    """Unique until the gapless number is taken, the last step of the transaction."""
    return f"~{uuid.uuid4().hex[:24]}"


def lock_customer_of(model, pk: int) -> Customer:
    """The document's customer, locked first: the one lock order is customer,
    then the document, then what it moves (notes' lines, stock levels, invoices)."""
    return locked(Customer.objects).get(
        pk=Subquery(model.objects.filter(pk=pk).values("customer_id"))
    )


def check_state_and_role(obj, name: str, *, user) -> None:
    """Refuse a wrong state (409) or role (403) before any work; the rules
    (conditions) are checked when the transition runs, after the service has
    set the values they read."""
    try:
        check_transition(obj, name, user=user)
    except ConflictError:
        raise
    except ApplicationError:
        pass
