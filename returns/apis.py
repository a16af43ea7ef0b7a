"""The returns API: return applications, allowances and the returns report.

One small class per action: an Input serializer, one service from
returns/services, an Output serializer. ``status`` is never writable; it
changes only through the action endpoints. Refusals: 403 role, 409 state,
400 with the rule's code.
"""

from __future__ import annotations

from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from customers.models import Customer
from finance.models import Invoice
from inventory.models import Batch
from orders.models import DeliveryNote, DeliveryNoteLine
from returns.enums import (
    AllowanceReason,
    AllowanceStatus,
    InspectionResult,
    ReturnCause,
    ReturnReason,
    ReturnStatus,
)
from returns.models import Allowance, ReturnApplication, ReturnLine
from returns.selectors import (
    GROUPS,
    allowance_detail_queryset,
    allowances_visible,
    return_detail_queryset,
    returns_report,
    returns_visible,
)
from returns.services.allowances import (
    AllowanceLineInput,
    allowance_actions,
    allowance_approve,
    allowance_cancel,
    allowance_create,
    allowance_reject,
    allowance_submit,
)
from returns.services.return_applications import (
    InspectionInput,
    ReturnLineInput,
    return_actions,
    return_application_approve,
    return_application_cancel,
    return_application_close,
    return_application_create,
    return_application_inspect,
    return_application_receive,
    return_application_reject,
    return_application_submit,
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

VIEW_RETURN = "returns.view_returnapplication"
VIEW_ALLOWANCE = "returns.view_allowance"
QTY = {"max_digits": 14, "decimal_places": 3}
MONEY = {"max_digits": 14, "decimal_places": 2}
MAX_LINES = 200
_ACTION_ERRORS = error_responses(400, 401, 403, 404, 409)


class DocumentRefOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField(allow_null=True)


class ReturnCustomerRef(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class ReturnProductRef(serializers.Serializer):
    id = serializers.IntegerField()
    sku = serializers.CharField()
    name = serializers.CharField()
    specification = serializers.CharField()


class CreditNoteRef(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    amount = serializers.DecimalField(**MONEY)


# --- Return applications ----------------------------------------------------------------


class ReturnFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=ReturnStatus.choices)
    customer = filters.ModelChoiceFilter(queryset=Customer.objects.all())

    class Meta:
        model = ReturnApplication
        fields = ["status", "customer"]


class ReturnListOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    status = NamedChoiceField(
        enum_name="ReturnStatusEnum", choices=ReturnStatus.choices, read_only=True
    )
    customer = ReturnCustomerRef()
    delivery_note = DocumentRefOutput()
    customer_document = serializers.CharField()
    total = serializers.DecimalField(**MONEY)
    created_at = serializers.DateTimeField()


class ReturnLineOutput(serializers.Serializer):
    id = serializers.IntegerField()
    note_line = serializers.IntegerField(source="note_line_id")
    product = ReturnProductRef()
    batch = serializers.CharField(source="batch.number")
    quantity = serializers.DecimalField(**QTY)
    unit_price = serializers.DecimalField(**MONEY)
    amount = serializers.DecimalField(**MONEY)
    reason = NamedChoiceField(enum_name="ReturnReasonEnum", choices=ReturnReason.choices)
    result = serializers.CharField(help_text="passed, failed, or empty before inspection.")
    findings = serializers.CharField()
    inspected_at = serializers.DateTimeField(allow_null=True)


class ReturnDetailOutput(ReturnListOutput):
    remarks = serializers.CharField()
    warehouse = serializers.CharField(source="warehouse.name")
    lines = ReturnLineOutput(many=True)
    inspection_failed = serializers.BooleanField()
    inspected_by = serializers.CharField(source="inspected_by.username", allow_null=True)
    inspected_at = serializers.DateTimeField(allow_null=True)
    decision_comment = serializers.CharField()
    decided_by = serializers.CharField(source="decided_by.username", allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    received_by = serializers.CharField(source="received_by.username", allow_null=True)
    received_at = serializers.DateTimeField(allow_null=True)
    credit_note = CreditNoteRef(allow_null=True)
    cause = serializers.CharField()
    cause_detail = serializers.CharField()
    responsible = serializers.CharField()
    corrective_action = serializers.CharField()
    cancel_reason = serializers.CharField()
    available_actions = serializers.SerializerMethodField(
        help_text="The action endpoints the requesting user may call now."
    )

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_available_actions(self, application) -> list[str]:
        return return_actions(application, self.context["request"].user)


def _return_response(request, application, status_code=status.HTTP_200_OK) -> Response:
    application = return_detail_queryset(request.user).get(pk=application.pk)
    data = ReturnDetailOutput(application, context={"request": request}).data
    return Response(data, status=status_code)


class ReturnLineInputSerializer(StrictInput):
    note_line = BulkRelatedField(queryset=DeliveryNoteLine.objects.all())
    quantity = serializers.DecimalField(**QTY)
    reason = NamedChoiceField(enum_name="ReturnReasonEnum", choices=ReturnReason.choices)
    batch = BulkRelatedField(
        queryset=Batch.objects.all(),
        required=False,
        allow_null=True,
        help_text="The batch the goods were dispatched from; omit when there was one.",
    )


class ReturnCreateInput(StrictInput):
    delivery_note = BulkRelatedField(queryset=DeliveryNote.objects.all())
    customer_document = serializers.CharField(
        max_length=60, allow_blank=True, help_text="退货发票 / 退货折让证明单 number."
    )
    remarks = serializers.CharField(max_length=300, allow_blank=True, default="")
    lines = ReturnLineInputSerializer(many=True, max_length=MAX_LINES)


class ReturnListCreateApi(generics.ListAPIView):
    """Return applications (退货申请单): list, newest first; file one."""

    pagination_class = Pagination
    parser_classes = [JSONInputParser]
    serializer_class = ReturnListOutput
    filterset_class = ReturnFilter

    def get_serializer_class(self):
        return ReturnCreateInput if self.request.method == "POST" else ReturnListOutput

    @property
    def required_perms(self):
        if self.request.method == "POST":
            return (VIEW_RETURN, "returns.submit_returnapplication")
        return (VIEW_RETURN,)

    def get_queryset(self):
        return returns_visible(self.request.user)

    @extend_schema(
        summary="List return applications",
        responses={200: ReturnListOutput(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="File a return application (draft)",
        description="Against a dispatched or exited note; per line never more than delivered "
        "less earlier returns (400 `over_returnable`).",
        request=ReturnCreateInput,
        responses={201: ReturnDetailOutput, **error_responses(400, 401, 403)},
    )
    def post(self, request):
        data = validated_input(ReturnCreateInput, request.data)
        application = return_application_create(
            delivery_note=data["delivery_note"],
            user=request.user,
            customer_document=data["customer_document"],
            remarks=data["remarks"],
            lines=[
                ReturnLineInput(
                    note_line=line["note_line"],
                    quantity=line["quantity"],
                    reason=line["reason"],
                    batch=line.get("batch"),
                )
                for line in data["lines"]
            ],
        )
        return _return_response(request, application, status.HTTP_201_CREATED)


class ReturnDetailApi(generics.GenericAPIView):
    """One return application with its lines, inspection, decision and credit note."""

    required_perms = (VIEW_RETURN,)
    serializer_class = ReturnDetailOutput

    def get_queryset(self):
        return return_detail_queryset(self.request.user)

    @extend_schema(
        summary="A return application",
        responses={200: ReturnDetailOutput, **error_responses(401, 403, 404)},
    )
    def get(self, request, pk: int):
        return Response(ReturnDetailOutput(self.get_object(), context={"request": request}).data)


class NoInput(StrictInput):
    """The action takes no body."""


class CommentInput(StrictInput):
    comment = serializers.CharField(max_length=300, allow_blank=True, default="")


class CancelReasonInput(StrictInput):
    reason = serializers.CharField(max_length=300, allow_blank=True)


class InspectionLineInput(StrictInput):
    line = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    result = serializers.ChoiceField(choices=InspectionResult.choices)
    findings = serializers.CharField(max_length=500, allow_blank=True, default="")


class InspectInput(StrictInput):
    results = InspectionLineInput(many=True, max_length=MAX_LINES)


class CloseInput(StrictInput):
    cause = serializers.ChoiceField(choices=ReturnCause.choices, allow_blank=True)
    cause_detail = serializers.CharField(max_length=500, allow_blank=True, default="")
    responsible = serializers.CharField(max_length=100, allow_blank=True)
    corrective_action = serializers.CharField(max_length=500, allow_blank=True)


class _ReturnActionApi(generics.GenericAPIView):
    parser_classes = [JSONInputParser]

    def get_queryset(self):
        return ReturnApplication.objects.all()

    def target(self) -> ReturnApplication:
        """The return in the URL; the service locks and reads it (404 when missing)."""
        return ReturnApplication(pk=self.kwargs["pk"])


def _return_action(name, summary, perm, input_class, description=""):
    """An action endpoint class: validate the body, call the service, answer the return."""

    def post(self, request, pk: int):
        data = validated_input(input_class, request.data)
        application = self.run(request.user, data)
        return _return_response(request, application)

    post = extend_schema(
        summary=summary,
        description=description,
        request=None if input_class is NoInput else input_class,
        responses={200: ReturnDetailOutput, **_ACTION_ERRORS},
    )(post)
    return type(
        name,
        (_ReturnActionApi,),
        {
            "required_perms": (VIEW_RETURN, perm),
            "serializer_class": input_class,
            "post": post,
            "__module__": __name__,
            "__doc__": summary,
        },
    )


class ReturnSubmitApi(
    _return_action("_Submit", "Submit a return", "returns.submit_returnapplication", NoInput)
):
    def run(self, user, data):
        return return_application_submit(application=self.target(), user=user)


class ReturnInspectApi(
    _return_action(
        "_Inspect",
        "Record the inspection (检验报告单)",
        "returns.inspect_returnapplication",
        InspectInput,
        "Passed or failed for every line; findings required on failed goods.",
    )
):
    def run(self, user, data):
        return return_application_inspect(
            application=self.target(),
            user=user,
            results=[
                InspectionInput(
                    line=ReturnLine(pk=r["line"]), result=r["result"], findings=r["findings"]
                )
                for r in data["results"]
            ],
        )


class ReturnApproveApi(
    _return_action(
        "_Approve",
        "Approve a return",
        "returns.approve_returnapplication",
        CommentInput,
        "A comment is required when inspection failed (400 `comment_required`).",
    )
):
    def run(self, user, data):
        return return_application_approve(
            application=self.target(), user=user, comment=data["comment"]
        )


class ReturnRejectApi(
    _return_action("_Reject", "Reject a return", "returns.approve_returnapplication", CommentInput)
):
    def run(self, user, data):
        return return_application_reject(
            application=self.target(), user=user, comment=data["comment"]
        )


class ReturnReceiveApi(
    _return_action(
        "_Receive",
        "Receive the goods back (退货入库)",
        "returns.receive_returnapplication",
        NoInput,
        "Return moves into stock (failed goods into the held location) and the credit note, "
        "in one transaction.",
    )
):
    def run(self, user, data):
        return return_application_receive(application=self.target(), user=user)


class ReturnCloseApi(
    _return_action(
        "_Close",
        "Record the cause and close (退货追究制)",
        "returns.close_returnapplication",
        CloseInput,
    )
):
    def run(self, user, data):
        return return_application_close(application=self.target(), user=user, **data)


class ReturnCancelApi(
    _return_action(
        "_Cancel", "Cancel a return", "returns.cancel_returnapplication", CancelReasonInput
    )
):
    def run(self, user, data):
        return return_application_cancel(
            application=self.target(), user=user, reason=data["reason"]
        )


# --- Allowances --------------------------------------------------------------------------


class AllowanceFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=AllowanceStatus.choices)
    customer = filters.ModelChoiceFilter(queryset=Customer.objects.all())

    class Meta:
        model = Allowance
        fields = ["status", "customer"]


class AllowanceListOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    status = NamedChoiceField(
        enum_name="AllowanceStatusEnum", choices=AllowanceStatus.choices, read_only=True
    )
    customer = ReturnCustomerRef()
    delivery_note = DocumentRefOutput(allow_null=True)
    invoice = DocumentRefOutput(allow_null=True)
    reason = NamedChoiceField(enum_name="AllowanceReasonEnum", choices=AllowanceReason.choices)
    customer_reference = serializers.CharField()
    amount = serializers.DecimalField(**MONEY)
    waiting_level = serializers.CharField(source="waiting_level.name", allow_null=True)
    created_at = serializers.DateTimeField()


class AllowanceLineOutput(serializers.Serializer):
    id = serializers.IntegerField()
    note_line = serializers.IntegerField(source="note_line_id", allow_null=True)
    description = serializers.CharField()
    quantity = serializers.DecimalField(**QTY, allow_null=True)
    unit_reduction = serializers.DecimalField(**MONEY, allow_null=True)
    amount = serializers.DecimalField(**MONEY)


class AllowanceDetailOutput(AllowanceListOutput):
    reason_detail = serializers.CharField()
    lines = AllowanceLineOutput(many=True)
    decision_comment = serializers.CharField()
    decided_by = serializers.CharField(source="decided_by.username", allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    credit_note = CreditNoteRef(allow_null=True)
    cancel_reason = serializers.CharField()
    available_actions = serializers.SerializerMethodField(
        help_text="The action endpoints the requesting user may call now (approving also "
        "needs the approval level the allowance waits at)."
    )

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_available_actions(self, allowance) -> list[str]:
        return allowance_actions(allowance, self.context["request"].user)


def _allowance_response(request, allowance, status_code=status.HTTP_200_OK) -> Response:
    allowance = allowance_detail_queryset(request.user).get(pk=allowance.pk)
    data = AllowanceDetailOutput(allowance, context={"request": request}).data
    return Response(data, status=status_code)


class AllowanceLineInputSerializer(StrictInput):
    note_line = BulkRelatedField(queryset=DeliveryNoteLine.objects.all())
    unit_reduction = serializers.DecimalField(**MONEY)


class AllowanceCreateInput(StrictInput):
    delivery_note = BulkRelatedField(
        queryset=DeliveryNote.objects.all(), required=False, allow_null=True
    )
    invoice = BulkRelatedField(queryset=Invoice.objects.all(), required=False, allow_null=True)
    reason = NamedChoiceField(enum_name="AllowanceReasonEnum", choices=AllowanceReason.choices)
    reason_detail = serializers.CharField(max_length=300, allow_blank=True, default="")
    customer_reference = serializers.CharField(max_length=60, allow_blank=True)
    amount = serializers.DecimalField(
        **MONEY, required=False, allow_null=True, help_text="Either an amount…"
    )
    lines = AllowanceLineInputSerializer(
        many=True, required=False, max_length=MAX_LINES, help_text="…or reductions per unit."
    )


class AllowanceListCreateApi(generics.ListAPIView):
    """Allowances (销售折让): list, newest first; request one."""

    pagination_class = Pagination
    parser_classes = [JSONInputParser]
    serializer_class = AllowanceListOutput
    filterset_class = AllowanceFilter

    def get_serializer_class(self):
        return AllowanceCreateInput if self.request.method == "POST" else AllowanceListOutput

    @property
    def required_perms(self):
        if self.request.method == "POST":
            return (VIEW_ALLOWANCE, "returns.submit_allowance")
        return (VIEW_ALLOWANCE,)

    def get_queryset(self):
        return allowances_visible(self.request.user)

    @extend_schema(
        summary="List allowances",
        responses={200: AllowanceListOutput(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Request an allowance (draft)",
        description="On a dispatched note or an invoice: an amount or reductions per unit on "
        "chosen lines; never more than the document's value less earlier allowances.",
        request=AllowanceCreateInput,
        responses={201: AllowanceDetailOutput, **error_responses(400, 401, 403)},
    )
    def post(self, request):
        data = validated_input(AllowanceCreateInput, request.data)
        allowance = allowance_create(
            user=request.user,
            delivery_note=data.get("delivery_note"),
            invoice=data.get("invoice"),
            reason=data["reason"],
            reason_detail=data["reason_detail"],
            customer_reference=data["customer_reference"],
            amount=data.get("amount"),
            lines=[
                AllowanceLineInput(note_line=ln["note_line"], unit_reduction=ln["unit_reduction"])
                for ln in data.get("lines", [])
            ],
        )
        return _allowance_response(request, allowance, status.HTTP_201_CREATED)


class AllowanceDetailApi(generics.GenericAPIView):
    """One allowance with its lines, where it waits, and its credit note."""

    required_perms = (VIEW_ALLOWANCE,)
    serializer_class = AllowanceDetailOutput

    def get_queryset(self):
        return allowance_detail_queryset(self.request.user)

    @extend_schema(
        summary="An allowance",
        responses={200: AllowanceDetailOutput, **error_responses(401, 403, 404)},
    )
    def get(self, request, pk: int):
        data = AllowanceDetailOutput(self.get_object(), context={"request": request}).data
        return Response(data)


class _AllowanceActionApi(generics.GenericAPIView):
    parser_classes = [JSONInputParser]

    def get_queryset(self):
        return Allowance.objects.all()

    def target(self) -> Allowance:
        return Allowance(pk=self.kwargs["pk"])


def _allowance_action(name, summary, perm, input_class, description=""):
    def post(self, request, pk: int):
        data = validated_input(input_class, request.data)
        return _allowance_response(request, self.run(request.user, data))

    post = extend_schema(
        summary=summary,
        description=description,
        request=None if input_class is NoInput else input_class,
        responses={200: AllowanceDetailOutput, **_ACTION_ERRORS},
    )(post)
    return type(
        name,
        (_AllowanceActionApi,),
        {
            "required_perms": (VIEW_ALLOWANCE, perm),
            "serializer_class": input_class,
            "post": post,
            "__module__": __name__,
            "__doc__": summary,
        },
    )


class AllowanceSubmitApi(
    _allowance_action("_ASubmit", "Submit an allowance", "returns.submit_allowance", NoInput)
):
    def run(self, user, data):
        return allowance_submit(allowance=self.target(), user=user)


class AllowanceApproveApi(
    _allowance_action(
        "_AApprove",
        "Approve an allowance at your level",
        "returns.approve_allowance",
        CommentInput,
        "Final within the approver's limit (the credit note is issued); beyond it the "
        "allowance goes on to the next level. 403 below the level it waits at.",
    )
):
    def run(self, user, data):
        return allowance_approve(allowance=self.target(), user=user, comment=data["comment"])


class AllowanceRejectApi(
    _allowance_action("_AReject", "Reject an allowance", "returns.approve_allowance", CommentInput)
):
    def run(self, user, data):
        return allowance_reject(allowance=self.target(), user=user, comment=data["comment"])


class AllowanceCancelApi(
    _allowance_action(
        "_ACancel", "Cancel an allowance", "returns.cancel_allowance", CancelReasonInput
    )
):
    def run(self, user, data):
        return allowance_cancel(allowance=self.target(), user=user, reason=data["reason"])


# --- The returns report ----------------------------------------------------------------------


class ReturnsReportQuery(serializers.Serializer):
    group = serializers.ChoiceField(choices=[(g, g) for g in GROUPS], default="cause")
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)


class ReturnsReportRowOutput(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    returns = serializers.IntegerField()
    quantity = serializers.DecimalField(**QTY)
    value = serializers.DecimalField(**MONEY)


class ReturnsReportApi(generics.GenericAPIView):
    """Returns received, by cause, product, customer or month (退货追究制)."""

    required_perms = ("returns.view_returns_report",)
    queryset = ReturnApplication.objects.none()
    serializer_class = ReturnsReportRowOutput
    pagination_class = None

    @extend_schema(
        summary="Returns report",
        parameters=[
            OpenApiParameter("group", str, enum=list(GROUPS), required=False),
            OpenApiParameter("date_from", str, required=False, description="YYYY-MM-DD"),
            OpenApiParameter("date_to", str, required=False, description="YYYY-MM-DD"),
        ],
        responses={200: ReturnsReportRowOutput(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request):
        query = ReturnsReportQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = returns_report(
            group=query.validated_data["group"],
            date_from=query.validated_data.get("date_from"),
            date_to=query.validated_data.get("date_to"),
        )
        return Response(ReturnsReportRowOutput(rows, many=True).data)
