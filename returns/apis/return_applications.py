"""Return applications (退货申请单): list, file, edit a draft, and one endpoint per action."""

from __future__ import annotations

from functools import partial

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response

from customers.models import Customer
from inventory.models import Batch
from orders.models import DeliveryNote, DeliveryNoteLine
from returns.apis.common import (
    MAX_LINES,
    MONEY,
    QTY,
    VIEW_RETURN,
    CreditNoteRef,
    DocumentRefOutput,
    ReturnCustomerRef,
    ReturnProductRef,
)
from returns.enums import (
    InspectionResult,
    ReturnCause,
    ReturnReason,
    ReturnStatus,
)
from returns.models import ReturnApplication, ReturnLine
from returns.selectors import (
    return_detail_queryset,
    returns_visible,
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
    return_application_update,
)
from salesadmin.api import (
    BulkRelatedField,
    JSONInputParser,
    NamedChoiceField,
    StrictInput,
    validated_input,
)
from salesadmin.api_views import (
    ACTION_ERRORS,
    CancelReasonInput,
    CommentInput,
    DocumentActionApi,
    DocumentDetailApi,
    DocumentListCreateApi,
    NoInput,
    PermsByMethod,
    action_endpoint,
    detail_endpoint,
    document_answer,
    list_create_endpoint,
)

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
    rows = return_detail_queryset(request.user)
    return document_answer(request, rows, ReturnDetailOutput, application, status_code)


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


@list_create_endpoint(
    lists="List return applications",
    output=ReturnListOutput,
    creates="File a return application (draft)",
    create_input=ReturnCreateInput,
    answer=ReturnDetailOutput,
    description="Against a dispatched or exited note; per line never more than delivered "
    "less earlier returns (400 `over_returnable`).",
)
class ReturnListCreateApi(DocumentListCreateApi):
    """Return applications (退货申请单): list, newest first; file one."""

    view_perm, add_perm = VIEW_RETURN, "returns.submit_returnapplication"
    filterset_class = ReturnFilter

    def visible(self, user):
        return returns_visible(user)

    def create(self, user, data):
        return return_application_create(
            delivery_note=data["delivery_note"],
            user=user,
            customer_document=data["customer_document"],
            remarks=data["remarks"],
            lines=_line_inputs(data["lines"]),
        )

    def created(self, request, document):
        return _return_response(request, document, status.HTTP_201_CREATED)


class ReturnUpdateInput(StrictInput):
    customer_document = serializers.CharField(
        max_length=60, allow_blank=True, help_text="退货发票 / 退货折让证明单 number."
    )
    remarks = serializers.CharField(max_length=300, allow_blank=True, default="")
    lines = ReturnLineInputSerializer(many=True, max_length=MAX_LINES)


def _line_inputs(lines: list[dict]) -> list[ReturnLineInput]:
    return [
        ReturnLineInput(
            note_line=line["note_line"],
            quantity=line["quantity"],
            reason=line["reason"],
            batch=line.get("batch"),
        )
        for line in lines
    ]


@detail_endpoint(shows="A return application", output=ReturnDetailOutput)
class ReturnDetailApi(PermsByMethod, DocumentDetailApi):
    """One return application with its lines, inspection, decision and credit
    note; a draft's lines and document number are changed with PUT."""

    parser_classes = [JSONInputParser]

    view_perm, write_perm = VIEW_RETURN, "returns.submit_returnapplication"
    write_methods = ("PUT",)

    def get_queryset(self):
        return return_detail_queryset(self.request.user)

    @extend_schema(
        summary="Change a draft return",
        description="Replaces the lines, the customer's document number and the remarks of a "
        "draft (409 `invalid_state` once submitted); the lines are checked as when filing "
        "(400 `over_returnable`, `batch_required`, ...). The role that files returns only.",
        request=ReturnUpdateInput,
        responses={200: ReturnDetailOutput, **ACTION_ERRORS},
    )
    def put(self, request, pk: int):
        data = validated_input(ReturnUpdateInput, request.data)
        application = return_application_update(
            application=self.get_object(),
            user=request.user,
            customer_document=data["customer_document"],
            remarks=data["remarks"],
            lines=_line_inputs(data["lines"]),
        )
        return _return_response(request, application)


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


class _ReturnActionApi(DocumentActionApi):
    # The service locks and reads the document in the URL (404 when missing).
    document_model = ReturnApplication

    def answer(self, request, document):
        return _return_response(request, document)


# This document's actions: its view permission and its answer, then each one's own.
_return_action = partial(action_endpoint, VIEW_RETURN, ReturnDetailOutput)


@_return_action("Submit a return", "returns.submit_returnapplication", NoInput)
class ReturnSubmitApi(_ReturnActionApi):
    def run(self, user, data):
        return return_application_submit(application=self.target(), user=user)


@_return_action(
    "Record the inspection (检验报告单)",
    "returns.inspect_returnapplication",
    InspectInput,
    "Passed or failed for every line; findings required on failed goods.",
)
class ReturnInspectApi(_ReturnActionApi):
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


@_return_action(
    "Approve a return",
    "returns.approve_returnapplication",
    CommentInput,
    "A comment is required when inspection failed (400 `comment_required`).",
)
class ReturnApproveApi(_ReturnActionApi):
    def run(self, user, data):
        return return_application_approve(
            application=self.target(), user=user, comment=data["comment"]
        )


@_return_action("Reject a return", "returns.approve_returnapplication", CommentInput)
class ReturnRejectApi(_ReturnActionApi):
    def run(self, user, data):
        return return_application_reject(
            application=self.target(), user=user, comment=data["comment"]
        )


@_return_action(
    "Receive the goods back (退货入库)",
    "returns.receive_returnapplication",
    NoInput,
    "Return moves into stock (failed goods into the held location) and the credit note, "
    "in one transaction.",
)
class ReturnReceiveApi(_ReturnActionApi):
    def run(self, user, data):
        return return_application_receive(application=self.target(), user=user)


@_return_action(
    "Record the cause and close (退货追究制)",
    "returns.close_returnapplication",
    CloseInput,
)
class ReturnCloseApi(_ReturnActionApi):
    def run(self, user, data):
        return return_application_close(application=self.target(), user=user, **data)


@_return_action("Cancel a return", "returns.cancel_returnapplication", CancelReasonInput)
class ReturnCancelApi(_ReturnActionApi):
    def run(self, user, data):
        return return_application_cancel(
            application=self.target(), user=user, reason=data["reason"]
        )
