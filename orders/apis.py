"""The orders API: sales orders, price quotes, delivery notes and the gate.

One small class per action. Each validates its input with an Input serializer,
calls one service from orders/services and answers with an Output serializer;
the rules live in the services and the transitions they run. ``status`` is
never writable: it changes only through the action endpoints.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from customers.models import Customer
from inventory.models import Batch, Product, Warehouse
from orders.enums import (
    ApprovalReason,
    Coverage,
    NoteStatus,
    OrderStatus,
    PickupMode,
    PriceSource,
)
from orders.models import (
    DeliveryNote,
    DeliveryNoteLine,
    DispatchAllocation,
    SalesOrder,
    SalesOrderLine,
)
from orders.note_selectors import note_transitions
from orders.services.delivery_notes import (
    Allocation,
    DispatchLine,
    IssueLine,
    delivery_note_cancel,
    delivery_note_dispatch,
    delivery_note_issue,
    delivery_note_restamp,
    delivery_note_stamp,
    lines_with_issued,
    open_quantities,
)
from orders.services.exit_pass import STOP_REASONS, GateResult, exit_pass_check, exit_pass_use
from orders.services.pricing import price_quote
from orders.services.sales_orders import (
    LineInput,
    sales_order_approve,
    sales_order_cancel,
    sales_order_create,
    sales_order_reject,
    sales_order_revise,
    sales_order_submit,
    sales_order_update,
)
from salesadmin.api import (
    BulkRelatedField,
    JSONInputParser,
    NamedChoiceField,
    Pagination,
    StrictInput,
    error_responses,
    validated_input,
)
from salesadmin.clock import company_today
from salesadmin.transitions import available_transitions

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


def _actions(names: dict[str, str], available: list[str]) -> list[str]:
    """The action endpoints for the ``available`` transitions (one per endpoint)."""
    return list(dict.fromkeys(names[t] for t in available if t in names))


# --- Reads ---------------------------------------------------------------------
# Everyone whose role may see orders (or notes) sees all of them: the company has
# no per-salesperson split. The view permission is checked before any query.


def orders_visible(user) -> QuerySet[SalesOrder]:
    return SalesOrder.objects.select_related("customer", "created_by", "decided_by")


def order_detail_queryset(user) -> QuerySet[SalesOrder]:
    return orders_visible(user).prefetch_related(
        Prefetch(
            "lines",
            queryset=lines_with_issued().select_related("product").order_by("position", "id"),
        )
    )


def notes_visible(user) -> QuerySet[DeliveryNote]:
    return DeliveryNote.objects.select_related("customer", "order", "warehouse")


def note_detail_queryset(user) -> QuerySet[DeliveryNote]:
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


def _order_status_field():
    return NamedChoiceField(
        enum_name="OrderStatusEnum", choices=OrderStatus.choices, read_only=True
    )


def _note_status_field():
    return NamedChoiceField(enum_name="NoteStatusEnum", choices=NoteStatus.choices, read_only=True)


# --- Sales orders ---------------------------------------------------------------------


class OrderFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=OrderStatus.choices)
    customer = filters.ModelChoiceFilter(queryset=Customer.objects.all())

    class Meta:
        model = SalesOrder
        fields = ["status", "customer"]


class OrderListOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField(allow_null=True)
    customer = CustomerRefOutput()
    order_date = serializers.DateField()
    pickup_mode = serializers.ChoiceField(choices=PickupMode.choices)
    status = _order_status_field()
    total = serializers.DecimalField(**MONEY)
    created_by = serializers.CharField(source="created_by.username")
    created_at = serializers.DateTimeField()


class ApprovalReasonOutput(serializers.Serializer):
    code = serializers.ChoiceField(choices=ApprovalReason.choices)
    line = serializers.IntegerField(allow_null=True, help_text="Line position, or null.")
    detail = serializers.CharField()


class OrderLineOutput(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    product = ProductRefOutput()
    quantity = serializers.DecimalField(**QTY)
    unit_price = serializers.DecimalField(**MONEY)
    amount = serializers.DecimalField(**MONEY)
    price_source = NamedChoiceField(enum_name="PriceSourceEnum", choices=PriceSource.choices)
    list_price = serializers.DecimalField(**MONEY, allow_null=True)
    minimum_price = serializers.DecimalField(**MONEY, allow_null=True)
    open_quantity = serializers.SerializerMethodField(
        help_text="Ordered less what live delivery notes already carry."
    )

    @extend_schema_field(serializers.DecimalField(**QTY))
    def get_open_quantity(self, line) -> str:
        return serializers.DecimalField(**QTY).to_representation(
            self.context["open_quantities"][line.pk]
        )


class OrderDetailOutput(OrderListOutput):
    remarks = serializers.CharField()
    approval_reasons = ApprovalReasonOutput(many=True)
    decision_comment = serializers.CharField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    decided_by = serializers.CharField(source="decided_by.username", allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    lines = OrderLineOutput(many=True)
    available_transitions = serializers.SerializerMethodField(
        help_text="The action endpoints the requesting user may call now."
    )

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_available_transitions(self, order) -> list[str]:
        user = self.context["request"].user
        return _actions(ORDER_ACTIONS, available_transitions(order, "status", user))


PREFER_MINIMAL = OpenApiParameter(
    "Prefer",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="`return=minimal`: answer only the document's id, number and status "
    "(RFC 7240), for clients that do not need the whole document back.",
)


def _minimal(request, document, status_code) -> Response | None:
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


def _order_response(
    request,
    order: SalesOrder,
    *,
    status_code: int = status.HTTP_200_OK,
    minimal: bool = True,
    created: bool = False,
) -> Response:
    """The order as it is now (read again whole), or the minimal answer when the
    client prefers it after an action. ``created``: the order the service has
    just built, with its lines, nothing issued yet; it is answered as it is."""
    if minimal and (answer := _minimal(request, order, status_code)):
        return answer
    if created:
        quantities = {line.pk: line.quantity for line in order.lines.all()}
    else:
        order = order_detail_queryset(request.user).get(pk=order.pk)
        quantities = open_quantities(order)
    context = {"request": request, "open_quantities": quantities}
    return Response(OrderDetailOutput(order, context=context).data, status=status_code)


class OrderLineInput(StrictInput):
    product = BulkRelatedField(queryset=Product.objects.all())
    quantity = serializers.DecimalField(**QTY)
    unit_price = serializers.DecimalField(
        **MONEY, required=False, allow_null=True, help_text="Omit to take the resolved price."
    )


class OrderCreateInput(StrictInput):
    customer = BulkRelatedField(queryset=Customer.objects.all())
    pickup_mode = serializers.ChoiceField(
        choices=PickupMode.choices, default=PickupMode.SELF_PICKUP
    )
    remarks = serializers.CharField(max_length=300, allow_blank=True, default="")
    lines = OrderLineInput(many=True, max_length=MAX_LINES)


class OrderUpdateInput(StrictInput):
    pickup_mode = serializers.ChoiceField(choices=PickupMode.choices, required=False)
    remarks = serializers.CharField(max_length=300, allow_blank=True, required=False)
    lines = OrderLineInput(
        many=True,
        max_length=MAX_LINES,
        help_text="The draft's new lines (they replace the old). PATCH: omit to keep them.",
    )


def _line_inputs(lines: list[dict]) -> list[LineInput]:
    return [
        LineInput(
            product=line["product"], quantity=line["quantity"], unit_price=line.get("unit_price")
        )
        for line in lines
    ]


class OrderListCreateApi(generics.ListAPIView):
    """Sales orders (销售通知单): list, newest first; create a draft."""

    pagination_class = Pagination
    parser_classes = [JSONInputParser]
    serializer_class = OrderListOutput
    filterset_class = OrderFilter

    def get_serializer_class(self):
        # The browsable API's form and OPTIONS describe what POST takes.
        return OrderCreateInput if self.request.method == "POST" else OrderListOutput

    @property
    def required_perms(self):
        if self.request.method == "POST":
            return (VIEW_ORDER, "orders.add_salesorder")
        return (VIEW_ORDER,)

    def get_queryset(self):
        return orders_visible(self.request.user)

    @extend_schema(
        summary="List sales orders",
        responses={200: OrderListOutput(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Create a draft sales order",
        parameters=[PREFER_MINIMAL],
        request=OrderCreateInput,
        responses={201: OrderDetailOutput, **error_responses(400, 401, 403)},
    )
    def post(self, request):
        data = validated_input(OrderCreateInput, request.data)
        order = sales_order_create(
            user=request.user,
            customer=data["customer"],
            lines=_line_inputs(data["lines"]),
            pickup_mode=data["pickup_mode"],
            remarks=data["remarks"],
        )
        return _order_response(request, order, status_code=status.HTTP_201_CREATED, created=True)


class OrderDetailApi(generics.GenericAPIView):
    """One sales order with its lines, why it waits for a manager, and what the
    user may do next; PUT/PATCH change a draft's lines."""

    parser_classes = [JSONInputParser]

    @property
    def required_perms(self):
        if self.request.method in ("PUT", "PATCH"):
            return (VIEW_ORDER, "orders.change_salesorder")
        return (VIEW_ORDER,)

    def get_queryset(self):
        return orders_visible(self.request.user)

    def get_serializer_class(self):
        return OrderUpdateInput if self.request.method in ("PUT", "PATCH") else OrderDetailOutput

    @extend_schema(
        summary="Show a sales order",
        responses={200: OrderDetailOutput, **error_responses(401, 403, 404)},
    )
    def get(self, request, pk: int):
        return _order_response(request, self.get_object(), minimal=False)

    @extend_schema(
        summary="Replace a draft's lines",
        parameters=[PREFER_MINIMAL],
        request=OrderUpdateInput,
        responses={200: OrderDetailOutput, **error_responses(400, 401, 403, 404, 409)},
    )
    def put(self, request, pk: int):
        return self._update(request, partial=False)

    @extend_schema(
        summary="Change a draft (lines, pickup mode, remarks)",
        parameters=[PREFER_MINIMAL],
        request=OrderUpdateInput,
        responses={200: OrderDetailOutput, **error_responses(400, 401, 403, 404, 409)},
    )
    def patch(self, request, pk: int):
        return self._update(request, partial=True)

    def _update(self, request, *, partial: bool) -> Response:
        order = self.get_object()
        data = validated_input(OrderUpdateInput, request.data, partial=partial)
        if "lines" in data:
            lines = _line_inputs(data["lines"])
        else:  # PATCH without lines: the draft keeps the ones it has
            lines = [
                LineInput(product=ln.product, quantity=ln.quantity, unit_price=ln.unit_price)
                for ln in order.lines.select_related("product").order_by("position", "id")
            ]
        sales_order_update(
            order=order,
            user=request.user,
            lines=lines,
            pickup_mode=data.get("pickup_mode"),
            remarks=data.get("remarks"),
        )
        return _order_response(request, order)


class NoInput(StrictInput):
    """The action takes no body."""


class _OrderActionApi(generics.GenericAPIView):
    parser_classes = [JSONInputParser]

    def get_queryset(self):
        return orders_visible(self.request.user)

    def target(self) -> SalesOrder:
        """The order in the URL, for a service that locks and reads it itself (its
        first step), so it is not read twice; a missing one is the service's 404.
        Every role that may act on orders sees all of them (see orders_visible)."""
        return SalesOrder(pk=self.kwargs["pk"])


_ORDER_ACTION_ERRORS = error_responses(400, 401, 403, 404, 409)


class OrderSubmitApi(_OrderActionApi):
    required_perms = (VIEW_ORDER, "orders.submit_salesorder")
    serializer_class = NoInput

    @extend_schema(
        summary="Submit a draft",
        description="Approved at once when every price reaches its reference and the "
        "customer is within credit; otherwise it waits for a manager with the reasons.",
        parameters=[PREFER_MINIMAL],
        request=None,
        responses={200: OrderDetailOutput, **_ORDER_ACTION_ERRORS},
    )
    def post(self, request, pk: int):
        order = sales_order_submit(order=self.target(), user=request.user)
        return _order_response(request, order)


class OrderCommentInput(StrictInput):
    comment = serializers.CharField(max_length=300, allow_blank=True, default="")


class OrderRejectInput(StrictInput):
    comment = serializers.CharField(max_length=300, allow_blank=True, help_text="Why (required).")


class OrderApproveApi(_OrderActionApi):
    required_perms = (VIEW_ORDER, "orders.approve_salesorder")
    serializer_class = OrderCommentInput

    @extend_schema(
        summary="Approve a submitted order (manager)",
        parameters=[PREFER_MINIMAL],
        request=OrderCommentInput,
        responses={200: OrderDetailOutput, **_ORDER_ACTION_ERRORS},
    )
    def post(self, request, pk: int):
        data = validated_input(OrderCommentInput, request.data)
        order = sales_order_approve(order=self.target(), user=request.user, comment=data["comment"])
        return _order_response(request, order)


class OrderRejectApi(_OrderActionApi):
    required_perms = (VIEW_ORDER, "orders.approve_salesorder")
    serializer_class = OrderRejectInput

    @extend_schema(
        summary="Reject a submitted order (manager)",
        parameters=[PREFER_MINIMAL],
        request=OrderRejectInput,
        responses={200: OrderDetailOutput, **_ORDER_ACTION_ERRORS},
    )
    def post(self, request, pk: int):
        data = validated_input(OrderRejectInput, request.data)
        order = sales_order_reject(order=self.target(), user=request.user, comment=data["comment"])
        return _order_response(request, order)


class OrderReviseApi(_OrderActionApi):
    required_perms = (VIEW_ORDER, "orders.submit_salesorder")
    serializer_class = NoInput

    @extend_schema(
        summary="Take a rejected order back to draft",
        parameters=[PREFER_MINIMAL],
        request=None,
        responses={200: OrderDetailOutput, **_ORDER_ACTION_ERRORS},
    )
    def post(self, request, pk: int):
        order = sales_order_revise(order=self.target(), user=request.user)
        return _order_response(request, order)


class ReasonInput(StrictInput):
    reason = serializers.CharField(max_length=300, allow_blank=True, default="")


class OrderCancelApi(_OrderActionApi):
    required_perms = (VIEW_ORDER, "orders.cancel_salesorder")
    serializer_class = ReasonInput

    @extend_schema(
        summary="Cancel an order with no open delivery notes",
        parameters=[PREFER_MINIMAL],
        request=ReasonInput,
        responses={200: OrderDetailOutput, **_ORDER_ACTION_ERRORS},
    )
    def post(self, request, pk: int):
        data = validated_input(ReasonInput, request.data)
        order = sales_order_cancel(order=self.target(), user=request.user, reason=data["reason"])
        return _order_response(request, order)


# --- Price quote -----------------------------------------------------------------------


class PriceQuoteQuery(serializers.Serializer):
    customer = BulkRelatedField(queryset=Customer.objects.all())
    product = BulkRelatedField(queryset=Product.objects.all())
    date = serializers.DateField(required=False, help_text="Default: today (company time zone).")


class PriceQuoteOutput(serializers.Serializer):
    customer = serializers.IntegerField()
    product = serializers.IntegerField()
    date = serializers.DateField()
    price = serializers.DecimalField(
        **MONEY, allow_null=True, help_text="The resolved price; null when there is none."
    )
    source = NamedChoiceField(
        enum_name="PriceSourceEnum", choices=PriceSource.choices, allow_null=True
    )
    list_price = serializers.DecimalField(**MONEY, allow_null=True)
    minimum_price = serializers.DecimalField(**MONEY, allow_null=True)
    customer_price = serializers.DecimalField(**MONEY, allow_null=True)


class PriceQuoteApi(generics.GenericAPIView):
    """The price an order line would get: the customer's own price, else the list's."""

    required_perms = ("orders.view_pricelist", "customers.view_customerprice")

    @extend_schema(
        summary="Quote a price for a customer and product",
        parameters=[PriceQuoteQuery],
        responses={200: PriceQuoteOutput, **error_responses(400, 401, 403)},
    )
    def get(self, request):
        query = validated_input(PriceQuoteQuery, request.query_params)
        on = query.get("date") or company_today()
        quote = price_quote(customer_id=query["customer"].pk, product_id=query["product"].pk, on=on)
        data = {
            "customer": query["customer"].pk,
            "product": query["product"].pk,
            "date": on,
            "price": quote.price,
            "source": quote.source,
            "list_price": quote.list_price,
            "minimum_price": quote.minimum_price,
            "customer_price": quote.customer_price,
        }
        return Response(PriceQuoteOutput(data).data)


# --- Delivery notes --------------------------------------------------------------------


class NoteFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=NoteStatus.choices)
    date = filters.DateFilter(field_name="issue_date", help_text="Issue date (YYYY-MM-DD).")
    order = filters.ModelChoiceFilter(queryset=SalesOrder.objects.all())
    customer = filters.ModelChoiceFilter(queryset=Customer.objects.all())

    class Meta:
        model = DeliveryNote
        fields = ["status", "date", "order", "customer"]


class OrderRefOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField(allow_null=True)


class WarehouseRefOutput(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


def _hide_commercial(data: dict, user) -> dict:
    """The warehouse sees goods, not customers or money (as on the pages)."""
    if user.has_perm("orders.view_salesorder"):
        return data
    for key in ("customer", "value"):
        data.pop(key, None)
    for line in data.get("lines", []):
        line.pop("unit_price", None)
        line.pop("amount", None)
    data.get("stamp", {}).pop("covered_amount", None)
    data.get("dispatch", {}).pop("actual_value", None)
    return data


class NoteListOutput(serializers.Serializer):
    """Customer, value, prices and amounts are left out for roles that may not see
    them (the warehouse keeper)."""

    def to_representation(self, instance):
        return _hide_commercial(super().to_representation(instance), self.context["request"].user)

    id = serializers.IntegerField()
    number = serializers.CharField(allow_null=True)
    order = OrderRefOutput()
    customer = CustomerRefOutput()
    warehouse = WarehouseRefOutput()
    issue_date = serializers.DateField()
    status = _note_status_field()
    value = serializers.DecimalField(**MONEY)
    vehicle_plate = serializers.CharField()
    driver = serializers.CharField()
    issued_at = serializers.DateTimeField()


class AllocationOutput(serializers.Serializer):
    batch = serializers.IntegerField(source="batch_id")
    batch_number = serializers.CharField(source="batch.number")
    quantity = serializers.DecimalField(**QTY)


class NoteLineOutput(serializers.Serializer):
    id = serializers.IntegerField()
    order_line = serializers.IntegerField(source="order_line_id")
    product = ProductRefOutput()
    quantity = serializers.DecimalField(**QTY)
    unit_price = serializers.DecimalField(**MONEY)
    amount = serializers.DecimalField(**MONEY)
    actual_quantity = serializers.DecimalField(**QTY, allow_null=True)
    allocations = AllocationOutput(many=True)


class StampOutput(serializers.Serializer):
    coverage = serializers.ChoiceField(choices=Coverage.choices, allow_blank=True)
    covered_amount = serializers.DecimalField(**MONEY)
    stamped_by = serializers.CharField(source="stamped_by.username", allow_null=True)
    stamped_at = serializers.DateTimeField(allow_null=True)
    override_reason = serializers.CharField()


class DispatchOutput(serializers.Serializer):
    actual_value = serializers.DecimalField(**MONEY, allow_null=True)
    dispatched_by = serializers.CharField(source="dispatched_by.username", allow_null=True)
    dispatched_at = serializers.DateTimeField(allow_null=True)


class GateExitOutput(serializers.Serializer):
    vehicle_plate = serializers.CharField()
    exited_at = serializers.DateTimeField()


class NoteDetailOutput(NoteListOutput):
    issued_by = serializers.CharField(source="issued_by.username")
    exit_pass_code = serializers.CharField(
        source="pass_code",
        help_text="The short code printed on the exit-pass copy (the same roles can print it).",
    )
    lines = NoteLineOutput(many=True)
    stamp = StampOutput(source="*")
    dispatch = DispatchOutput(source="*")
    gate_exit = GateExitOutput(allow_null=True)
    cancel_reason = serializers.CharField()
    available_transitions = serializers.SerializerMethodField(
        help_text="The action endpoints the requesting user may call now."
    )

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_available_transitions(self, note) -> list[str]:
        user = self.context["request"].user
        return _actions(NOTE_ACTIONS, note_transitions(note=note, user=user))


def _note_response(
    request,
    note: DeliveryNote,
    *,
    status_code: int = status.HTTP_200_OK,
    minimal: bool = True,
    created: bool = False,
) -> Response:
    """The note as it is now (read again whole), or the minimal answer.
    ``created``: the note the service has just issued, with its lines; it is
    answered as it is."""
    if minimal and (answer := _minimal(request, note, status_code)):
        return answer
    if not created:
        note = note_detail_queryset(request.user).get(pk=note.pk)
    return Response(NoteDetailOutput(note, context={"request": request}).data, status=status_code)


class NoteListApi(generics.ListAPIView):
    """Delivery notes (发货单), newest first."""

    pagination_class = Pagination
    required_perms = (VIEW_NOTE,)
    serializer_class = NoteListOutput
    filterset_class = NoteFilter

    def get_queryset(self):
        return notes_visible(self.request.user)

    @extend_schema(
        summary="List delivery notes",
        responses={200: NoteListOutput(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class NoteDetailApi(generics.GenericAPIView):
    required_perms = (VIEW_NOTE,)

    def get_queryset(self):
        return notes_visible(self.request.user)

    @extend_schema(
        summary="Show a delivery note",
        description="Lines with their batches, the finance stamp, the dispatch, the gate "
        "exit and the actions the requesting user may take now.",
        responses={200: NoteDetailOutput, **error_responses(401, 403, 404)},
    )
    def get(self, request, pk: int):
        return _note_response(request, self.get_object(), minimal=False)


class NoteIssueLineInput(StrictInput):
    # A line of this order, by id: the issue service reads the order's lines
    # under its lock and refuses any other (line_mismatch).
    order_line = serializers.IntegerField(min_value=1)
    quantity = serializers.DecimalField(**QTY)


class NoteIssueInput(StrictInput):
    warehouse = BulkRelatedField(queryset=Warehouse.objects.all())
    vehicle_plate = serializers.CharField(max_length=20, allow_blank=True, default="")
    driver = serializers.CharField(max_length=50, allow_blank=True, default="")
    lines = NoteIssueLineInput(many=True, max_length=MAX_LINES)


class NoteIssueApi(_OrderActionApi):
    required_perms = (VIEW_ORDER, VIEW_NOTE, "orders.issue_deliverynote")
    serializer_class = NoteIssueInput

    @extend_schema(
        summary="Issue a delivery note from an approved order",
        description="For all or part of the order's open quantity; reserves stock, and "
        "refuses to go beyond what is available (`insufficient_stock`, with `available`).",
        parameters=[PREFER_MINIMAL],
        request=NoteIssueInput,
        responses={201: NoteDetailOutput, **_ORDER_ACTION_ERRORS},
    )
    def post(self, request, pk: int):
        order = self.target()
        data = validated_input(NoteIssueInput, request.data)
        note = delivery_note_issue(
            order=order,
            user=request.user,
            warehouse=data["warehouse"],
            lines=[
                IssueLine(
                    order_line=SalesOrderLine(pk=line["order_line"]), quantity=line["quantity"]
                )
                for line in data["lines"]
            ],
            vehicle_plate=data["vehicle_plate"],
            driver=data["driver"],
        )
        return _note_response(request, note, status_code=status.HTTP_201_CREATED, created=True)


class _NoteActionApi(generics.GenericAPIView):
    parser_classes = [JSONInputParser]

    def get_queryset(self):
        return DeliveryNote.objects.all()

    def target(self) -> DeliveryNote:
        """The note in the URL, for a service that locks and reads it itself (its
        first step, with its customer), so it is not read twice; a missing one
        is the service's 404."""
        return DeliveryNote(pk=self.kwargs["pk"])


_NOTE_ACTION_ERRORS = error_responses(400, 401, 403, 404, 409)


class OverrideInput(StrictInput):
    override_reason = serializers.CharField(
        max_length=300,
        allow_blank=True,
        default="",
        help_text="A manager's written reason to stamp a note that is not covered.",
    )


class NoteStampApi(_NoteActionApi):
    required_perms = (VIEW_NOTE, "orders.stamp_deliverynote")
    serializer_class = OverrideInput

    @extend_schema(
        summary="Finance stamp (财务签章)",
        description="Only a note issued today and covered by prepayment or credit "
        "(else 400 `is_covered`); with `override_reason`, a manager stamps it anyway.",
        parameters=[PREFER_MINIMAL],
        request=OverrideInput,
        responses={200: NoteDetailOutput, **_NOTE_ACTION_ERRORS},
    )
    def post(self, request, pk: int):
        data = validated_input(OverrideInput, request.data)
        note = delivery_note_stamp(
            note=self.target(), user=request.user, override_reason=data["override_reason"]
        )
        return _note_response(request, note)


class NoteRestampApi(_NoteActionApi):
    required_perms = (VIEW_NOTE, "orders.stamp_deliverynote")
    serializer_class = OverrideInput

    @extend_schema(
        summary="Restamp after a top-up",
        description="A note loaded above what finance covered waits for the top-up; "
        "once paid or within credit (else 400 `is_topped_up`) the exit pass becomes valid.",
        parameters=[PREFER_MINIMAL],
        request=OverrideInput,
        responses={200: NoteDetailOutput, **_NOTE_ACTION_ERRORS},
    )
    def post(self, request, pk: int):
        data = validated_input(OverrideInput, request.data)
        note = delivery_note_restamp(
            note=self.target(), user=request.user, override_reason=data["override_reason"]
        )
        return _note_response(request, note)


class AllocationInput(StrictInput):
    batch = BulkRelatedField(queryset=Batch.objects.all())
    quantity = serializers.DecimalField(**QTY)


class DispatchLineInput(StrictInput):
    # A line of this note, by id: the dispatch service reads the note's lines
    # under its lock and refuses a set that is not exactly them.
    note_line = serializers.IntegerField(min_value=1)
    allocations = AllocationInput(many=True, max_length=MAX_LINES)


class DispatchInput(StrictInput):
    lines = DispatchLineInput(many=True, max_length=MAX_LINES)


class NoteDispatchApi(_NoteActionApi):
    required_perms = (VIEW_NOTE, "orders.dispatch_deliverynote")
    serializer_class = DispatchInput

    @extend_schema(
        summary="Warehouse dispatch (仓库出库)",
        description="Every line with its batches and actual quantities, within the "
        "tolerance (else 400 `outside_tolerance`, nothing moved). Loaded above what "
        "finance covered, the note waits for a top-up (`awaiting_topup`).",
        parameters=[PREFER_MINIMAL],
        request=DispatchInput,
        responses={200: NoteDetailOutput, **_NOTE_ACTION_ERRORS},
    )
    def post(self, request, pk: int):
        note = self.target()
        data = validated_input(DispatchInput, request.data)
        lines = [
            DispatchLine(
                note_line=DeliveryNoteLine(pk=line["note_line"]),
                allocations=[
                    Allocation(batch=a["batch"], quantity=a["quantity"])
                    for a in line["allocations"]
                ],
            )
            for line in data["lines"]
        ]
        note = delivery_note_dispatch(note=note, user=request.user, lines=lines)
        return _note_response(request, note)


class NoteCancelInput(StrictInput):
    reason = serializers.CharField(max_length=300, allow_blank=True, help_text="Why (required).")


class NoteCancelApi(_NoteActionApi):
    required_perms = (VIEW_NOTE, "orders.cancel_deliverynote")
    serializer_class = NoteCancelInput

    @extend_schema(
        summary="Cancel an issued or stamped note",
        description="An issued note is never altered: cancel it (reversing a stamp and "
        "releasing its stock) and issue a new one.",
        parameters=[PREFER_MINIMAL],
        request=NoteCancelInput,
        responses={200: NoteDetailOutput, **_NOTE_ACTION_ERRORS},
    )
    def post(self, request, pk: int):
        data = validated_input(NoteCancelInput, request.data)
        note = delivery_note_cancel(note=self.target(), user=request.user, reason=data["reason"])
        return _note_response(request, note)


# --- The gate (门卫) ----------------------------------------------------------------------
# What the gate sees is whitelisted here field by field: vehicle and goods, never
# the customer, unit prices, amounts or the note's value (commercial secrets).


class ExitPassCheckInput(StrictInput):
    code = serializers.CharField(
        max_length=300, help_text="The scanned QR token, or the 8-character short code."
    )


class ExitPassExitInput(ExitPassCheckInput):
    vehicle_plate = serializers.CharField(
        max_length=20,
        allow_blank=True,
        default="",
        help_text="The truck's plate as the guard reads it (a blank plate is a STOP).",
    )


class GoodsOutput(serializers.Serializer):
    product = serializers.CharField()
    specification = serializers.CharField()
    quantity = serializers.DecimalField(**QTY, help_text="As loaded (or as on the note).")
    unit = serializers.CharField()
    batches = serializers.ListField(child=serializers.CharField())


class ExitPassCheckOutput(serializers.Serializer):
    passed = serializers.BooleanField(help_text="PASS (true) or STOP (false).")
    reason = serializers.ChoiceField(
        choices=list(STOP_REASONS.items()),
        allow_blank=True,
        help_text="Why the pass is refused; empty on PASS.",
    )
    message = serializers.CharField(help_text="What to tell the driver, in the user's language.")
    note_number = serializers.CharField(allow_null=True)
    vehicle_plate = serializers.CharField(allow_null=True)
    goods = GoodsOutput(many=True)


class ExitPassExitOutput(ExitPassCheckOutput):
    exited_at = serializers.DateTimeField(allow_null=True, help_text="Null on STOP.")


def _goods(note: DeliveryNote | None) -> list[dict]:
    """What the truck carries: product, specification, quantity as loaded, batches."""
    if note is None:
        return []
    lines = note.lines.all()  # read with the note by the gate service (_with_goods)
    return [
        {
            "product": line.product.name,
            "specification": line.product.specification,
            "quantity": line.quantity if line.actual_quantity is None else line.actual_quantity,
            "unit": line.product.unit,
            "batches": [a.batch.number for a in line.allocations.all()],
        }
        for line in lines
    ]


def _gate_answer(result: GateResult, *, with_exit: bool = False) -> dict:
    note = result.note
    gate_exit = getattr(note, "gate_exit", None) if note is not None else None
    if gate_exit is not None:
        plate = gate_exit.vehicle_plate
    else:
        plate = note.vehicle_plate if note is not None else None
    answer = {
        "passed": result.passed,
        "reason": result.reason,
        "message": result.message,
        "note_number": note.number if note is not None else None,
        "vehicle_plate": plate,
        "goods": _goods(note),
    }
    if with_exit:
        answer["exited_at"] = gate_exit.exited_at if (gate_exit and result.passed) else None
    return answer


_GATE_DESCRIPTION = (
    "A STOP is a normal answer: **200 with `passed: false`** and the `reason` "
    "(forged, unknown, used, other_day, not_stamped, not_loaded, awaiting_topup, cancelled, "
    "expired, plate_required). The scan worked and is recorded; the pass is refused. "
    "4xx means the request itself failed: 400 bad input, 401/403 not the gate. "
    "The answer never contains the customer, prices, amounts or value."
)


class ExitPassCheckApi(generics.GenericAPIView):
    """The guard scans a pass: PASS or STOP. Nobody leaves yet."""

    parser_classes = [JSONInputParser]
    required_perms = ("orders.exit_deliverynote",)
    serializer_class = ExitPassCheckInput

    @extend_schema(
        summary="Check an exit pass (门卫)",
        description=_GATE_DESCRIPTION,
        request=ExitPassCheckInput,
        responses={
            200: OpenApiResponse(ExitPassCheckOutput, description="PASS or STOP."),
            **error_responses(400, 401, 403),
        },
    )
    def post(self, request):
        data = validated_input(ExitPassCheckInput, request.data)
        result = exit_pass_check(raw=data["code"], user=request.user)
        return Response(ExitPassCheckOutput(_gate_answer(result)).data)


class ExitPassExitApi(generics.GenericAPIView):
    """The guard lets the truck out: exit time and plate recorded, once."""

    parser_classes = [JSONInputParser]
    required_perms = ("orders.exit_deliverynote",)
    serializer_class = ExitPassExitInput

    @extend_schema(
        summary="Let the truck out on its exit pass (门卫放行)",
        description=_GATE_DESCRIPTION + " On PASS the note is `exited`; the pass cannot be "
        "used again.",
        request=ExitPassExitInput,
        responses={
            200: OpenApiResponse(ExitPassExitOutput, description="PASS (left) or STOP."),
            **error_responses(400, 401, 403),
        },
    )
    def post(self, request):
        data = validated_input(ExitPassExitInput, request.data)
        result = exit_pass_use(
            raw=data["code"], user=request.user, vehicle_plate=data["vehicle_plate"]
        )
        return Response(ExitPassExitOutput(_gate_answer(result, with_exit=True)).data)
