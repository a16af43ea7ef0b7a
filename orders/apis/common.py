"""What the orders API's modules share: permissions, number formats, the
references to customers and products, the minimal answer (RFC 7240) and the
base of the actions on one order."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.response import Response

from orders.enums import NoteStatus, OrderStatus
from orders.models import SalesOrder
from orders.selectors.sales_orders import orders_visible
from salesadmin.api import NamedChoiceField
from salesadmin.api_views import DocumentActionApi

VIEW_ORDER = "orders.view_salesorder"
VIEW_NOTE = "orders.view_deliverynote"
# An order or note with more lines than this is a mistake or an attack, not a sale.
MAX_LINES = 200
QTY = {"max_digits": 14, "decimal_places": 3}
MONEY = {"max_digits": 14, "decimal_places": 2}

# Transition name → the action endpoint that runs it. Transitions the system
# runs by itself (auto-approval, delivery progress, expiry) are not actions.
ORDER_ACTIONS = {
    "submit": "submit",
    "approve": "approve",
    "reject": "reject",
    "revise": "revise",
    "cancel": "cancel",
    "review_forward": "review_approve",
    "review_approve": "review_approve",
    "review_reject": "review_reject",
}
NOTE_ACTIONS = {
    "stamp": "stamp",
    "stamp_override": "stamp",
    "dispatch": "dispatch",
    "dispatch_over_coverage": "dispatch",
    "restamp": "restamp",
    "restamp_override": "restamp",
    "cancel": "cancel",
}


def action_names(names: dict[str, str], available: list[str]) -> list[str]:
    """The action endpoints for the ``available`` transitions (one per endpoint)."""
    return list(dict.fromkeys(names[t] for t in available if t in names))


# --- Shared output parts ------------------------------------------------------------


class CustomerRefOutput(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class ProductRefOutput(serializers.Serializer):
    id = serializers.IntegerField()
    sku = serializers.CharField()
    name = serializers.CharField()
    specification = serializers.CharField()
    unit = serializers.CharField()


def order_status_field():
    return NamedChoiceField(
        enum_name="OrderStatusEnum", choices=OrderStatus.choices, read_only=True
    )


def note_status_field():
    return NamedChoiceField(enum_name="NoteStatusEnum", choices=NoteStatus.choices, read_only=True)


PREFER_MINIMAL = OpenApiParameter(
    "Prefer",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="`return=minimal`: answer only the document's id, number and status "
    "(RFC 7240), for clients that do not need the whole document back.",
)


def minimal_answer(request, document, status_code) -> Response | None:
    """RFC 7240 ``Prefer: return=minimal``: a client driving the chain that does
    not need the document back gets its id, number and state, without the
    queries that build the whole document."""
    if "return=minimal" not in request.headers.get("Prefer", ""):
        return None
    response = Response(
        {"id": document.pk, "number": document.number, "status": document.status},
        status=status_code,
    )
    response["Preference-Applied"] = "return=minimal"
    return response


class OrderActionApi(DocumentActionApi):
    # Every role that may act on orders sees all of them (see orders_visible);
    # the services lock and read the order themselves (``target()``).
    document_model = SalesOrder

    def get_queryset(self):
        return orders_visible(self.request.user)
