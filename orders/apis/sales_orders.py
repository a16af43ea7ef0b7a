"""The sales orders API (销售通知单): list, create, change, the approval actions
and the price quote."""

from __future__ import annotations

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from customers.models import Customer
from inventory.models import Product
from orders.apis.common import (
    MAX_LINES,
    MONEY,
    ORDER_ACTIONS,
    PREFER_MINIMAL,
    QTY,
    VIEW_ORDER,
    CustomerRefOutput,
    OrderActionApi,
    ProductRefOutput,
    action_names,
    minimal_answer,
    order_status_field,
)
from orders.enums import ApprovalReason, ContractType, OrderStatus, PickupMode, PriceSource
from orders.models import SalesOrder
from orders.selectors.sales_orders import order_detail_queryset, orders_visible
from orders.services.contract_review import contract_review_approve, contract_review_reject
from orders.services.delivery_notes import open_quantities
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
    StrictInput,
    error_responses,
    validated_input,
)
from salesadmin.api_views import (
    ACTION_ERRORS,
    DocumentDetailApi,
    DocumentListCreateApi,
    NoInput,
    PermsByMethod,
    detail_endpoint,
    list_create_endpoint,
)
from salesadmin.clock import company_today
from salesadmin.transitions import available_transitions

# --- Sales orders ---------------------------------------------------------------------


class OrderFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=OrderStatus.choices)
    customer = filters.ModelChoiceFilter(queryset=Customer.objects.all())
    contract_type = filters.ChoiceFilter(choices=ContractType.choices)

    class Meta:
        model = SalesOrder
        fields = ["status", "customer", "contract_type"]


class OrderListOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField(allow_null=True)
    customer = CustomerRefOutput()
    order_date = serializers.DateField()
    pickup_mode = serializers.ChoiceField(choices=PickupMode.choices)
    status = order_status_field()
    contract_type = NamedChoiceField(
        enum_name="ContractTypeEnum",
        choices=ContractType.choices,
        read_only=True,
        help_text="A: in stock; B: to be produced; C: non-standard, its requirements reviewed "
        "first. Proposed from available stock and the products' flags.",
    )
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
    formal = serializers.BooleanField(
        help_text="A formal contract, reviewed by the department head and the sales director."
    )
    review_level = serializers.CharField(
        source="review_level.code",
        allow_null=True,
        help_text="The approval level the contract review waits for, or null.",
    )
    requirements_confirmed_at = serializers.DateTimeField(allow_null=True)
    promised_date = serializers.DateField(allow_null=True)
    lines = OrderLineOutput(many=True)
    available_transitions = serializers.SerializerMethodField(
        help_text="The action endpoints the requesting user may call now."
    )
    prepayment_shortfall = serializers.SerializerMethodField(
        help_text="Answered by submit only: for a prepaid customer whose prepayment does "
        "not cover the order, how much more must be paid before its notes can be stamped; "
        "null otherwise."
    )

    @extend_schema_field(serializers.DecimalField(**MONEY, allow_null=True))
    def get_prepayment_shortfall(self, order) -> str | None:
        amount = self.context.get("prepayment_shortfall")
        return (
            None if amount is None else serializers.DecimalField(**MONEY).to_representation(amount)
        )

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_available_transitions(self, order) -> list[str]:
        user = self.context["request"].user
        return action_names(ORDER_ACTIONS, available_transitions(order, "status", user))


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
    if minimal and (answer := minimal_answer(request, order, status_code)):
        return answer
    if created:
        quantities = {line.pk: line.quantity for line in order.lines.all()}
    else:
        shortfall = getattr(order, "prepayment_shortfall", None)
        order = order_detail_queryset(request.user).get(pk=order.pk)
        order.prepayment_shortfall = shortfall
        quantities = open_quantities(order)
    context = {
        "request": request,
        "open_quantities": quantities,
        "prepayment_shortfall": getattr(order, "prepayment_shortfall", None),
    }
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


@list_create_endpoint(
    lists="List sales orders",
    output=OrderListOutput,
    creates="Create a draft sales order",
    create_input=OrderCreateInput,
    answer=OrderDetailOutput,
    parameters=[PREFER_MINIMAL],
)
class OrderListCreateApi(DocumentListCreateApi):
    """Sales orders (销售通知单): list, newest first; create a draft."""

    view_perm, add_perm = VIEW_ORDER, "orders.add_salesorder"
    filterset_class = OrderFilter

    def visible(self, user):
        return orders_visible(user)

    def create(self, user, data):
        return sales_order_create(
            user=user,
            customer=data["customer"],
            lines=_line_inputs(data["lines"]),
            pickup_mode=data["pickup_mode"],
            remarks=data["remarks"],
        )

    def created(self, request, document):
        return _order_response(request, document, status_code=status.HTTP_201_CREATED, created=True)


@detail_endpoint(shows="Show a sales order", output=OrderDetailOutput)
class OrderDetailApi(PermsByMethod, DocumentDetailApi):
    """One sales order with its lines, why it waits for a manager, and what the
    user may do next; PUT/PATCH change a draft's lines."""

    parser_classes = [JSONInputParser]

    view_perm, write_perm = VIEW_ORDER, "orders.change_salesorder"
    write_methods = ("PUT", "PATCH")

    def get_queryset(self):
        return orders_visible(self.request.user)

    def get_serializer_class(self):
        return OrderUpdateInput if self.request.method in ("PUT", "PATCH") else OrderDetailOutput

    def answer(self, request, order):
        return _order_response(request, order, minimal=False)

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


class _OrderAction(OrderActionApi):
    def answer(self, request, document):
        return _order_response(request, document)


def _order_action_schema(summary: str, request, description: str = ""):
    return extend_schema_view(
        post=extend_schema(
            summary=summary,
            description=description or None,
            parameters=[PREFER_MINIMAL],
            request=request,
            responses={200: OrderDetailOutput, **ACTION_ERRORS},
        )
    )


@_order_action_schema(
    "Submit a draft",
    None,
    "Approved at once when every price reaches its reference and the "
    "customer is within credit; otherwise it waits for a manager with the reasons.",
)
class OrderSubmitApi(_OrderAction):
    required_perms = (VIEW_ORDER, "orders.submit_salesorder")
    serializer_class = NoInput
    checks_body = False

    def run(self, user, data):
        return sales_order_submit(order=self.target(), user=user)


class OrderCommentInput(StrictInput):
    comment = serializers.CharField(max_length=300, allow_blank=True, default="")


class OrderRejectInput(StrictInput):
    comment = serializers.CharField(max_length=300, allow_blank=True, help_text="Why (required).")


@_order_action_schema("Approve a submitted order (manager)", OrderCommentInput)
class OrderApproveApi(_OrderAction):
    required_perms = (VIEW_ORDER, "orders.approve_salesorder")
    serializer_class = OrderCommentInput

    def run(self, user, data):
        return sales_order_approve(order=self.target(), user=user, comment=data["comment"])


@_order_action_schema("Reject a submitted order (manager)", OrderRejectInput)
class OrderRejectApi(_OrderAction):
    required_perms = (VIEW_ORDER, "orders.approve_salesorder")
    serializer_class = OrderRejectInput

    def run(self, user, data):
        return sales_order_reject(order=self.target(), user=user, comment=data["comment"])


@_order_action_schema("Take a rejected order back to draft", None)
class OrderReviseApi(_OrderAction):
    required_perms = (VIEW_ORDER, "orders.submit_salesorder")
    serializer_class = NoInput
    checks_body = False

    def run(self, user, data):
        return sales_order_revise(order=self.target(), user=user)


class ReasonInput(StrictInput):
    reason = serializers.CharField(max_length=300, allow_blank=True, default="")


@_order_action_schema("Cancel an order with no open delivery notes", ReasonInput)
class OrderCancelApi(_OrderAction):
    required_perms = (VIEW_ORDER, "orders.cancel_salesorder")
    serializer_class = ReasonInput

    def run(self, user, data):
        return sales_order_cancel(order=self.target(), user=user, reason=data["reason"])


class ContractReviewApproveApi(OrderActionApi):
    required_perms = (VIEW_ORDER, "orders.review_contract")
    serializer_class = OrderCommentInput

    @extend_schema(
        summary="Check or approve a formal contract (contract review)",
        description="At the check level (department head) the contract goes on to the approve "
        "level (sales director); there, an approval within the approver's limit makes it "
        "take effect, beyond it the contract goes on to the next level. 403 below the level "
        "the contract waits for.",
        parameters=[PREFER_MINIMAL],
        request=OrderCommentInput,
        responses={200: OrderDetailOutput, **ACTION_ERRORS},
    )
    def post(self, request, pk: int):
        data = validated_input(OrderCommentInput, request.data)
        order = contract_review_approve(
            order=self.target(), user=request.user, comment=data["comment"]
        )
        return _order_response(request, order)


class ContractReviewRejectApi(OrderActionApi):
    required_perms = (VIEW_ORDER, "orders.review_contract")
    serializer_class = OrderRejectInput

    @extend_schema(
        summary="Reject a formal contract in its review (comment required)",
        parameters=[PREFER_MINIMAL],
        request=OrderRejectInput,
        responses={200: OrderDetailOutput, **ACTION_ERRORS},
    )
    def post(self, request, pk: int):
        data = validated_input(OrderRejectInput, request.data)
        order = contract_review_reject(
            order=self.target(), user=request.user, comment=data["comment"]
        )
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
