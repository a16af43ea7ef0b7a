"""What the return and allowance services share."""

from __future__ import annotations

import uuid
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Subquery
from django.utils.translation import gettext as _

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
    found = (
        locked(Customer.objects)
        .filter(pk=Subquery(model.objects.filter(pk=pk).values("customer_id")))
        .first()
    )
    if found is None:
        if model.objects.filter(pk=pk, customer__isnull=True).exists():
            # A sample's or a non-sale outbound's note: nobody was charged.
            raise ApplicationError(
                _("Goods that left without a sale are not returned or reduced here."),
                code="not_a_sale",
            )
        raise Customer.DoesNotExist
    return found


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


# Rules on what the action's own form supplies (a comment, a reason, the
# inspection results, the cause): they cannot hold before the user acts, so
# they do not hide the action; the service checks them when it runs.
GIVEN_WITH_THE_ACTION = frozenset(
    {
        "has_decision_comment",
        "has_cancel_reason",
        "has_cause_found",
        "has_comment_when_failed",
        "is_inspected_in_full",
    }
)


def available_actions(obj, user, actions: dict[str, str]) -> list[str]:
    """The actions (pages' buttons, the API's ``available_actions``) this user
    may take now: transitions from the current state that the user's role
    allows and whose other rules hold."""
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
    # In the order the actions are listed (the pages' order), whatever the transitions'.
    return [action for action in dict.fromkeys(actions.values()) if action in names]
