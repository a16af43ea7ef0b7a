"""Allowances (销售折让): list, request, and one endpoint per approval action."""

from __future__ import annotations

from functools import partial

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response

from customers.models import Customer
from finance.models import Invoice
from orders.models import DeliveryNote, DeliveryNoteLine
from returns.apis.common import (
    MAX_LINES,
    MONEY,
    QTY,
    VIEW_ALLOWANCE,
    CreditNoteRef,
    DocumentRefOutput,
    ReturnCustomerRef,
)
from returns.enums import (
    AllowanceReason,
    AllowanceStatus,
)
from returns.models import Allowance
from returns.selectors import (
    allowance_detail_queryset,
    allowances_visible,
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
from salesadmin.api import (
    BulkRelatedField,
    NamedChoiceField,
    StrictInput,
)
from salesadmin.api_views import (
    CancelReasonInput,
    CommentInput,
    DocumentActionApi,
    DocumentDetailApi,
    DocumentListCreateApi,
    NoInput,
    action_endpoint,
    detail_endpoint,
    document_answer,
    list_create_endpoint,
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
    rows = allowance_detail_queryset(request.user)
    return document_answer(request, rows, AllowanceDetailOutput, allowance, status_code)


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


@list_create_endpoint(
    lists="List allowances",
    output=AllowanceListOutput,
    creates="Request an allowance (draft)",
    create_input=AllowanceCreateInput,
    answer=AllowanceDetailOutput,
    description="On a dispatched note or an invoice: an amount or reductions per unit on "
    "chosen lines; never more than the document's value less earlier allowances.",
)
class AllowanceListCreateApi(DocumentListCreateApi):
    """Allowances (销售折让): list, newest first; request one."""

    view_perm, add_perm = VIEW_ALLOWANCE, "returns.submit_allowance"
    filterset_class = AllowanceFilter

    def visible(self, user):
        return allowances_visible(user)

    def create(self, user, data):
        return allowance_create(
            user=user,
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

    def created(self, request, document):
        return _allowance_response(request, document, status.HTTP_201_CREATED)


@detail_endpoint(shows="An allowance", output=AllowanceDetailOutput)
class AllowanceDetailApi(DocumentDetailApi):
    """One allowance with its lines, where it waits, and its credit note."""

    required_perms = (VIEW_ALLOWANCE,)

    def get_queryset(self):
        return allowance_detail_queryset(self.request.user)


class _AllowanceActionApi(DocumentActionApi):
    # The service locks and reads the document in the URL (404 when missing).
    document_model = Allowance

    def answer(self, request, document):
        return _allowance_response(request, document)


# This document's actions: its view permission and its answer, then each one's own.
_allowance_action = partial(action_endpoint, VIEW_ALLOWANCE, AllowanceDetailOutput)


@_allowance_action("Submit an allowance", "returns.submit_allowance", NoInput)
class AllowanceSubmitApi(_AllowanceActionApi):
    def run(self, user, data):
        return allowance_submit(allowance=self.target(), user=user)


@_allowance_action(
    "Approve an allowance at your level",
    "returns.approve_allowance",
    CommentInput,
    "Final within the approver's limit (the credit note is issued); beyond it the "
    "allowance goes on to the next level. 403 below the level it waits at.",
)
class AllowanceApproveApi(_AllowanceActionApi):
    def run(self, user, data):
        return allowance_approve(allowance=self.target(), user=user, comment=data["comment"])


@_allowance_action("Reject an allowance", "returns.approve_allowance", CommentInput)
class AllowanceRejectApi(_AllowanceActionApi):
    def run(self, user, data):
        return allowance_reject(allowance=self.target(), user=user, comment=data["comment"])


@_allowance_action("Cancel an allowance", "returns.cancel_allowance", CancelReasonInput)
class AllowanceCancelApi(_AllowanceActionApi):
    def run(self, user, data):
        return allowance_cancel(allowance=self.target(), user=user, reason=data["reason"])
