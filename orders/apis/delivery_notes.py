"""The delivery notes API (发货单): list, detail, issue from an order, the
finance stamp, the dispatch, the top-up restamp and cancel."""

from __future__ import annotations

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from customers.models import Customer
from inventory.models import Batch, Warehouse
from orders.apis.common import (
    MAX_LINES,
    MONEY,
    NOTE_ACTIONS,
    PREFER_MINIMAL,
    QTY,
    VIEW_NOTE,
    VIEW_ORDER,
    CustomerRefOutput,
    OrderActionApi,
    ProductRefOutput,
    action_names,
    minimal_answer,
    note_status_field,
)
from orders.enums import Coverage, NoteKind, NoteStatus
from orders.models import DeliveryNote, DeliveryNoteLine, SalesOrder, SalesOrderLine
from orders.selectors.delivery_notes import note_detail_queryset, note_transitions, notes_visible
from orders.services.delivery_notes import (
    IssueLine,
    delivery_note_cancel,
    delivery_note_issue,
    delivery_note_restamp,
    delivery_note_stamp,
)
from orders.services.dispatch import Allocation, DispatchLine, delivery_note_dispatch
from orders.services.override_requests import delivery_note_ask_override
from salesadmin.api import (
    BulkRelatedField,
    NamedChoiceField,
    StrictInput,
)
from salesadmin.api_views import (
    ACTION_ERRORS,
    DocumentActionApi,
    DocumentDetailApi,
    detail_endpoint,
    list_endpoint,
)

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


HIDDEN = (
    "Left out of the answer for a user who may not see customers and money "
    "(the warehouse keeper); present for every other role."
)


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
    kind = NamedChoiceField(
        enum_name="NoteKindEnum",
        choices=NoteKind.choices,
        read_only=True,
        help_text="sale, or goods out without a sale (a sample, a non-sale outbound): "
        "those have no order and no customer and are never charged.",
    )
    order = OrderRefOutput(allow_null=True)
    customer = CustomerRefOutput(required=False, allow_null=True, help_text=HIDDEN)
    warehouse = WarehouseRefOutput()
    issue_date = serializers.DateField()
    status = note_status_field()
    value = serializers.DecimalField(**MONEY, required=False, help_text=HIDDEN)
    vehicle_plate = serializers.CharField()
    driver = serializers.CharField()
    issued_at = serializers.DateTimeField()


class AllocationOutput(serializers.Serializer):
    batch = serializers.IntegerField(source="batch_id")
    batch_number = serializers.CharField(source="batch.number")
    quantity = serializers.DecimalField(**QTY)


class NoteLineOutput(serializers.Serializer):
    id = serializers.IntegerField()
    order_line = serializers.IntegerField(source="order_line_id", allow_null=True)
    product = ProductRefOutput()
    quantity = serializers.DecimalField(**QTY)
    unit_price = serializers.DecimalField(**MONEY, required=False, help_text=HIDDEN)
    amount = serializers.DecimalField(**MONEY, required=False, help_text=HIDDEN)
    actual_quantity = serializers.DecimalField(**QTY, allow_null=True)
    allocations = AllocationOutput(many=True)


class StampOutput(serializers.Serializer):
    coverage = serializers.ChoiceField(choices=Coverage.choices, allow_blank=True)
    covered_amount = serializers.DecimalField(**MONEY, required=False, help_text=HIDDEN)
    stamped_by = serializers.CharField(source="stamped_by.username", allow_null=True)
    stamped_at = serializers.DateTimeField(allow_null=True)
    override_reason = serializers.CharField()


class DispatchOutput(serializers.Serializer):
    actual_value = serializers.DecimalField(
        **MONEY, allow_null=True, required=False, help_text=HIDDEN
    )
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
        return action_names(NOTE_ACTIONS, note_transitions(note=note, user=user))


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
    if minimal and (answer := minimal_answer(request, note, status_code)):
        return answer
    if not created:
        note = note_detail_queryset(request.user).get(pk=note.pk)
    return Response(NoteDetailOutput(note, context={"request": request}).data, status=status_code)


@list_endpoint(lists="List delivery notes", output=NoteListOutput)
class NoteListApi(generics.ListAPIView):
    """Delivery notes (发货单), newest first."""

    required_perms = (VIEW_NOTE,)
    filterset_class = NoteFilter

    def get_queryset(self):
        return notes_visible(self.request.user)


@detail_endpoint(
    shows="Show a delivery note",
    output=NoteDetailOutput,
    description="Lines with their batches, the finance stamp, the dispatch, the gate "
    "exit and the actions the requesting user may take now.",
)
class NoteDetailApi(DocumentDetailApi):
    required_perms = (VIEW_NOTE,)

    def get_queryset(self):
        return notes_visible(self.request.user)

    def answer(self, request, note):
        return _note_response(request, note, minimal=False)


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


@extend_schema_view(
    post=extend_schema(
        summary="Issue a delivery note from an approved order",
        description="For all or part of the order's open quantity; reserves stock, and "
        "refuses to go beyond what is available (`insufficient_stock`, with `available`).",
        parameters=[PREFER_MINIMAL],
        request=NoteIssueInput,
        responses={201: NoteDetailOutput, **ACTION_ERRORS},
    )
)
class NoteIssueApi(OrderActionApi):
    required_perms = (VIEW_ORDER, VIEW_NOTE, "orders.issue_deliverynote")
    serializer_class = NoteIssueInput

    def run(self, user, data):
        return delivery_note_issue(
            order=self.target(),
            user=user,
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

    def answer(self, request, document):
        return _note_response(request, document, status_code=status.HTTP_201_CREATED, created=True)


class _NoteActionApi(DocumentActionApi):
    # The services lock and read the note themselves, with its customer (``target()``).
    document_model = DeliveryNote

    def answer(self, request, document):
        return _note_response(request, document)


def _note_action_schema(summary: str, description: str, request):
    return extend_schema_view(
        post=extend_schema(
            summary=summary,
            description=description,
            parameters=[PREFER_MINIMAL],
            request=request,
            responses={200: NoteDetailOutput, **ACTION_ERRORS},
        )
    )


class OverrideInput(StrictInput):
    override_reason = serializers.CharField(
        max_length=300,
        allow_blank=True,
        default="",
        help_text="A manager's written reason to stamp a note that is not covered.",
    )


@_note_action_schema(
    "Finance stamp (财务签章)",
    "Only a note issued today and covered by prepayment or credit "
    "(else 400 `not_covered`); with `override_reason`, a manager stamps it anyway.",
    OverrideInput,
)
class NoteStampApi(_NoteActionApi):
    required_perms = (VIEW_NOTE, "orders.stamp_deliverynote")
    serializer_class = OverrideInput

    def run(self, user, data):
        return self.stamp(note=self.target(), user=user, override_reason=data["override_reason"])

    stamp = staticmethod(delivery_note_stamp)


@_note_action_schema(
    "Restamp after a top-up",
    "A note loaded above what finance covered waits for the top-up; "
    "once paid or within credit (else 400 `not_covered`) the exit pass becomes valid.",
    OverrideInput,
)
class NoteRestampApi(NoteStampApi):
    stamp = staticmethod(delivery_note_restamp)


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


@_note_action_schema(
    "Warehouse dispatch (仓库出库)",
    "Every line with its batches and actual quantities, within the "
    "tolerance (else 400 `outside_tolerance`, nothing moved). Loaded above what "
    "finance covered, the note waits for a top-up (`awaiting_topup`).",
    DispatchInput,
)
class NoteDispatchApi(_NoteActionApi):
    required_perms = (VIEW_NOTE, "orders.dispatch_deliverynote")
    serializer_class = DispatchInput

    def run(self, user, data):
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
        return delivery_note_dispatch(note=self.target(), user=user, lines=lines)


class NoteCancelInput(StrictInput):
    reason = serializers.CharField(max_length=300, allow_blank=True, help_text="Why (required).")


@_note_action_schema(
    "Cancel an issued or stamped note",
    "An issued note is never altered: cancel it (reversing a stamp and "
    "releasing its stock) and issue a new one.",
    NoteCancelInput,
)
class NoteCancelApi(_NoteActionApi):
    required_perms = (VIEW_NOTE, "orders.cancel_deliverynote")
    serializer_class = NoteCancelInput

    def run(self, user, data):
        return delivery_note_cancel(note=self.target(), user=user, reason=data["reason"])


class AskOverrideInput(StrictInput):
    reason = serializers.CharField(
        max_length=300, allow_blank=True, default="", help_text="What finance tells the managers."
    )


@_note_action_schema(
    "Ask the managers for an override (finance)",
    "A note issued today that finance cannot stamp (not covered) goes to "
    "the managers' queue; logged with who asked and why. 400 `covered` when it can be "
    "stamped, 409 `already_asked` the second time, 409 `invalid_state` once stamped, "
    "cancelled or expired.",
    AskOverrideInput,
)
class NoteAskOverrideApi(_NoteActionApi):
    required_perms = (VIEW_NOTE, "orders.stamp_deliverynote")
    serializer_class = AskOverrideInput

    def run(self, user, data):
        return delivery_note_ask_override(note=self.target(), user=user, reason=data["reason"])
