"""REST API of samples (样件申请表) and request reports (请示报告单): list,
create, detail, one endpoint per action, and the selling expense report."""

from __future__ import annotations

from functools import partial

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response

from customers.models import Customer
from inventory.models import Product, Warehouse
from outbound.enums import REQUEST_PURPOSES, Purpose, RequestStatus, SampleOutcome, SampleStatus
from outbound.models import NonSaleRequest, SampleApplication
from outbound.selectors import request_list, sample_list
from outbound.services.common import MAX_LINES, LineInput
from outbound.services.requests import (
    non_sale_request_approve,
    non_sale_request_cancel,
    non_sale_request_check,
    non_sale_request_create,
    non_sale_request_endorse,
    non_sale_request_issue_slip,
    non_sale_request_reject,
    non_sale_request_submit,
    request_actions,
)
from outbound.services.samples import (
    sample_actions,
    sample_application_approve,
    sample_application_cancel,
    sample_application_create,
    sample_application_issue_slip,
    sample_application_record_outcome,
    sample_application_reject,
    sample_application_submit,
)
from salesadmin.api import (
    BulkRelatedField,
    NamedChoiceField,
    StrictInput,
)
from salesadmin.api_views import (
    DocumentActionApi,
    DocumentDetailApi,
    DocumentListCreateApi,
    NoInput,
    action_endpoint,
    detail_endpoint,
    document_answer,
    list_create_endpoint,
)

VIEW_SAMPLE = "outbound.view_sampleapplication"
VIEW_REQUEST = "outbound.view_nonsalerequest"
QTY = {"max_digits": 14, "decimal_places": 3}
MONEY = {"max_digits": 14, "decimal_places": 2}


# --- Shared shapes -----------------------------------------------------------------------


class RefOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField(allow_null=True)


class SlipOutput(RefOutput):
    status = serializers.CharField()


class OutboundProductRef(serializers.Serializer):
    id = serializers.IntegerField()
    sku = serializers.CharField()
    name = serializers.CharField()
    specification = serializers.CharField()


class LineOutput(serializers.Serializer):
    product = OutboundProductRef()
    quantity = serializers.DecimalField(**QTY)
    unit_cost = serializers.DecimalField(**MONEY)
    amount = serializers.DecimalField(**MONEY)


class LineInputSerializer(StrictInput):
    product = BulkRelatedField(queryset=Product.objects.all())
    quantity = serializers.DecimalField(**QTY)


def _lines(data) -> list[LineInput]:
    return [LineInput(product=ln["product"], quantity=ln["quantity"]) for ln in data["lines"]]


class OutboundCommentInput(StrictInput):
    comment = serializers.CharField(max_length=300, allow_blank=True, default="")


class RequestOpinionInput(StrictInput):
    opinion = serializers.CharField(max_length=300, allow_blank=True)


class OutboundCancelInput(StrictInput):
    reason = serializers.CharField(max_length=300, allow_blank=True)


class SlipInput(StrictInput):
    vehicle_plate = serializers.CharField(max_length=20, allow_blank=True, default="")
    driver = serializers.CharField(max_length=50, allow_blank=True, default="")


class OutcomeInput(StrictInput):
    outcome = NamedChoiceField(enum_name="SampleOutcomeEnum", choices=SampleOutcome.choices)
    remarks = serializers.CharField(max_length=300, allow_blank=True, default="")


# --- Samples -----------------------------------------------------------------------------


class SampleListOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    status = NamedChoiceField(
        enum_name="SampleStatusEnum", choices=SampleStatus.choices, read_only=True
    )
    customer = serializers.IntegerField(source="customer_id", allow_null=True)
    recipient = serializers.CharField()
    department = serializers.CharField()
    total_cost = serializers.DecimalField(**MONEY)
    needs_director = serializers.BooleanField()
    waiting_level = serializers.CharField(source="waiting_level.name", allow_null=True)
    slip = SlipOutput(source="note", allow_null=True)
    created_at = serializers.DateTimeField()


class SampleDetailOutput(SampleListOutput):
    reason = serializers.CharField()
    warehouse = serializers.IntegerField(source="warehouse_id")
    lines = LineOutput(many=True)
    decision_comment = serializers.CharField()
    outcome = serializers.CharField()
    outcome_remarks = serializers.CharField()
    cancel_reason = serializers.CharField()
    available_actions = serializers.SerializerMethodField(
        help_text="The action endpoints the requesting user may call now (approving also "
        "needs the approval level the application waits at)."
    )

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_available_actions(self, application) -> list[str]:
        return sample_actions(application, self.context["request"].user)


def _samples():
    return sample_list().prefetch_related("lines__product")


def _sample_response(request, application, status_code=status.HTTP_200_OK) -> Response:
    return document_answer(request, _samples(), SampleDetailOutput, application, status_code)


class SampleCreateInput(StrictInput):
    customer = BulkRelatedField(queryset=Customer.objects.all(), required=False, allow_null=True)
    prospect_name = serializers.CharField(max_length=120, allow_blank=True, default="")
    department = serializers.CharField(max_length=60, allow_blank=True)
    warehouse = BulkRelatedField(queryset=Warehouse.objects.all())
    reason = serializers.CharField(max_length=300, allow_blank=True, default="")
    lines = LineInputSerializer(many=True, max_length=MAX_LINES)


@list_create_endpoint(
    lists="List sample applications",
    output=SampleListOutput,
    creates="Apply for samples (draft)",
    create_input=SampleCreateInput,
    answer=SampleDetailOutput,
    description="For a customer or a prospect by name; lines of product and quantity, "
    "valued at the products' standard cost.",
)
class SampleListCreateApi(DocumentListCreateApi):
    """Sample applications (样件申请表), newest first; apply for samples."""

    view_perm = VIEW_SAMPLE
    add_perm = "outbound.submit_sampleapplication"

    def visible(self, user):
        return sample_list()

    def create(self, user, data):
        return sample_application_create(
            user=user,
            customer=data.get("customer"),
            prospect_name=data["prospect_name"],
            department=data["department"],
            warehouse=data["warehouse"],
            reason=data["reason"],
            lines=_lines(data),
        )

    def created(self, request, document):
        return _sample_response(request, document, status.HTTP_201_CREATED)


@detail_endpoint(shows="A sample application", output=SampleDetailOutput)
class SampleDetailApi(DocumentDetailApi):
    """One sample application with its lines, where it waits, and its slip."""

    required_perms = (VIEW_SAMPLE,)

    def get_queryset(self):
        return _samples()


class _SampleActionApi(DocumentActionApi):
    # The service locks and reads the document in the URL (404 when missing).
    document_model = SampleApplication

    def answer(self, request, document):
        return _sample_response(request, document)


# This document's actions: its view permission and its answer, then each one's own.
_sample_action = partial(action_endpoint, VIEW_SAMPLE, SampleDetailOutput)


@_sample_action("Submit a sample application", "outbound.submit_sampleapplication", NoInput)
class SampleSubmitApi(_SampleActionApi):
    def run(self, user, data):
        return sample_application_submit(application=self.target(), user=user)


@_sample_action(
    "Approve samples at your level",
    "outbound.approve_sampleapplication",
    OutboundCommentInput,
    "The department head's approval is final within 5 specifications and 10 pieces "
    "each, no tool, and their limit at cost; beyond it the application goes on to the "
    "next level. 403 below the level it waits at.",
)
class SampleApproveApi(_SampleActionApi):
    def run(self, user, data):
        return sample_application_approve(
            application=self.target(), user=user, comment=data["comment"]
        )


@_sample_action(
    "Reject a sample application",
    "outbound.approve_sampleapplication",
    OutboundCommentInput,
)
class SampleRejectApi(_SampleActionApi):
    def run(self, user, data):
        return sample_application_reject(
            application=self.target(), user=user, comment=data["comment"]
        )


@_sample_action(
    "Issue the outbound slip of approved samples",
    "outbound.issue_sample_slip",
    SlipInput,
    "A sample note valid today, its stock reserved, released for the warehouse without "
    "a finance stamp; again only after the last one expired or was cancelled.",
)
class SampleIssueSlipApi(_SampleActionApi):
    def run(self, user, data):
        return sample_application_issue_slip(application=self.target(), user=user, **data)


@_sample_action(
    "Record what came of the samples",
    "outbound.submit_sampleapplication",
    OutcomeInput,
    "Only once the samples left through the gate.",
)
class SampleOutcomeApi(_SampleActionApi):
    def run(self, user, data):
        return sample_application_record_outcome(
            application=self.target(), user=user, outcome=data["outcome"], remarks=data["remarks"]
        )


@_sample_action(
    "Cancel a sample application",
    "outbound.cancel_sampleapplication",
    OutboundCancelInput,
)
class SampleCancelApi(_SampleActionApi):
    def run(self, user, data):
        return sample_application_cancel(
            application=self.target(), user=user, reason=data["reason"]
        )


# --- Request reports -------------------------------------------------------------------------


class RequestListOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    status = NamedChoiceField(
        enum_name="NonSaleRequestStatusEnum", choices=RequestStatus.choices, read_only=True
    )
    purpose = NamedChoiceField(enum_name="OutboundPurposeEnum", choices=Purpose.choices)
    recipient = serializers.CharField()
    department = serializers.CharField()
    total_cost = serializers.DecimalField(**MONEY)
    waiting_level = serializers.CharField(source="waiting_level.name", allow_null=True)
    slip = SlipOutput(source="note", allow_null=True)
    created_at = serializers.DateTimeField()


class RequestDetailOutput(RequestListOutput):
    reason = serializers.CharField()
    warehouse = serializers.IntegerField(source="warehouse_id")
    lines = LineOutput(many=True)
    accountant_opinion = serializers.CharField()
    manager_opinion = serializers.CharField()
    decision_comment = serializers.CharField()
    cancel_reason = serializers.CharField()
    available_actions = serializers.SerializerMethodField(
        help_text="The action endpoints the requesting user may call now."
    )

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_available_actions(self, request_report) -> list[str]:
        return request_actions(request_report, self.context["request"].user)


def _requests():
    return request_list().prefetch_related("lines__product")


def _request_response(request, report, status_code=status.HTTP_200_OK) -> Response:
    return document_answer(request, _requests(), RequestDetailOutput, report, status_code)


class RequestCreateInput(StrictInput):
    purpose = NamedChoiceField(
        enum_name="NonSalePurposeEnum", choices=[(p.value, p.label) for p in REQUEST_PURPOSES]
    )
    recipient = serializers.CharField(max_length=120, allow_blank=True)
    reason = serializers.CharField(max_length=500, allow_blank=True)
    department = serializers.CharField(max_length=60, allow_blank=True)
    warehouse = BulkRelatedField(queryset=Warehouse.objects.all())
    lines = LineInputSerializer(many=True, max_length=MAX_LINES)


@list_create_endpoint(
    lists="List request reports",
    output=RequestListOutput,
    creates="Write a request report (draft)",
    create_input=RequestCreateInput,
    answer=RequestDetailOutput,
    description="Advertising, a gift or a prize: for whom, why, which goods (at cost).",
)
class RequestListCreateApi(DocumentListCreateApi):
    """Request reports (请示报告单) for goods out without a sale; write one."""

    view_perm = VIEW_REQUEST
    add_perm = "outbound.submit_nonsalerequest"

    def visible(self, user):
        return request_list()

    def create(self, user, data):
        return non_sale_request_create(
            user=user,
            purpose=data["purpose"],
            recipient=data["recipient"],
            reason=data["reason"],
            department=data["department"],
            warehouse=data["warehouse"],
            lines=_lines(data),
        )

    def created(self, request, document):
        return _request_response(request, document, status.HTTP_201_CREATED)


@detail_endpoint(shows="A request report", output=RequestDetailOutput)
class RequestDetailApi(DocumentDetailApi):
    """One request report with its opinions, where it waits, and its slip."""

    required_perms = (VIEW_REQUEST,)

    def get_queryset(self):
        return _requests()


class _RequestActionApi(DocumentActionApi):
    # The service locks and reads the document in the URL (404 when missing).
    document_model = NonSaleRequest

    def answer(self, request, document):
        return _request_response(request, document)


# This document's actions: its view permission and its answer, then each one's own.
_request_action = partial(action_endpoint, VIEW_REQUEST, RequestDetailOutput)


@_request_action("Submit a request report", "outbound.submit_nonsalerequest", NoInput)
class RequestSubmitApi(_RequestActionApi):
    def run(self, user, data):
        return non_sale_request_submit(request=self.target(), user=user)


@_request_action(
    "Give the accountant's opinion",
    "outbound.check_nonsalerequest",
    RequestOpinionInput,
)
class RequestCheckApi(_RequestActionApi):
    def run(self, user, data):
        return non_sale_request_check(request=self.target(), user=user, opinion=data["opinion"])


@_request_action(
    "Give the manager's opinion",
    "outbound.endorse_nonsalerequest",
    RequestOpinionInput,
    "Then the request waits for the deputy general manager.",
)
class RequestEndorseApi(_RequestActionApi):
    def run(self, user, data):
        return non_sale_request_endorse(request=self.target(), user=user, opinion=data["opinion"])


@_request_action(
    "Approve a request report at your level",
    "outbound.approve_nonsalerequest",
    OutboundCommentInput,
    "The deputy general manager's approval is final within their limit at cost; beyond "
    "it the general manager decides. 403 below the level it waits at.",
)
class RequestApproveApi(_RequestActionApi):
    def run(self, user, data):
        return non_sale_request_approve(request=self.target(), user=user, comment=data["comment"])


@_request_action(
    "Reject a request report",
    "outbound.approve_nonsalerequest",
    OutboundCommentInput,
)
class RequestRejectApi(_RequestActionApi):
    def run(self, user, data):
        return non_sale_request_reject(request=self.target(), user=user, comment=data["comment"])


@_request_action(
    "Issue the outbound slip of an approved request",
    "outbound.issue_nonsale_slip",
    SlipInput,
    "A non-sale note stating the purpose, valid today, its stock reserved, released for "
    "the warehouse without a finance stamp.",
)
class RequestIssueSlipApi(_RequestActionApi):
    def run(self, user, data):
        return non_sale_request_issue_slip(request=self.target(), user=user, **data)


@_request_action("Cancel a request report", "outbound.cancel_nonsalerequest", OutboundCancelInput)
class RequestCancelApi(_RequestActionApi):
    def run(self, user, data):
        return non_sale_request_cancel(request=self.target(), user=user, reason=data["reason"])
