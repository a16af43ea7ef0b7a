"""What the return and allowance services share."""

from __future__ import annotations

from django.db.models import Subquery
from django.utils.translation import gettext as _

from customers.models import Customer
from salesadmin.db import locked
from salesadmin.errors import ApplicationError
from salesadmin.transitions import available_actions as transition_actions


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


def lock_document(queryset, pk: int, *, customer: bool = False):
    """The document's row, locked; with ``customer``, its customer's row
    first (the one lock order), set on the document."""
    owner = lock_customer_of(queryset.model, pk) if customer else None
    found = locked(queryset).get(pk=pk)
    if owner is not None:
        found.customer = owner
    return found


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
    """The actions (pages' buttons, the API's ``available_actions``) this user may take now."""
    return transition_actions(obj, user, actions, given_with_the_action=GIVEN_WITH_THE_ACTION)
