"""REST API of samples (样件申请表) and request reports (请示报告单): list,
create, detail, one endpoint per action, and the selling expense report."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from customers.models import Customer
from inventory.models import Product, Warehouse
from outbound.enums import REQUEST_PURPOSES, Purpose, RequestStatus, SampleOutcome, SampleStatus
from outbound.models import NonSaleRequest, SampleApplication
from outbound.selectors import outbound_expenses, request_list, sample_list
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
    JSONInputParser,
    NamedChoiceField,
    Pagination,
    StrictInput,
    error_responses,
    validated_input,
)
from salesadmin.clock import company_today

VIEW_SAMPLE = "outbound.view_sampleapplication"
VIEW_REQUEST = "outbound.view_nonsalerequest"
QTY = {"max_digits": 14, "decimal_places": 3}
MONEY = {"max_digits": 14, "decimal_places": 2}
ACTION_ERRORS = error_responses(400, 401, 403, 404, 409)


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


class NoInput(StrictInput):
    """The action takes no body."""


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


def _action_api(base, name, summary, perms, input_class, output, respond, description=""):
    def post(self, request, pk: int):
        data = validated_input(input_class, request.data)
        return respond(request, self.run(request.user, data))

    post = extend_schema(
        summary=summary,
        description=description,
        request=None if input_class is NoInput else input_class,
        responses={200: output, **ACTION_ERRORS},
    )(post)
    return type(
        name,
        (base,),
        {
            "required_perms": perms,
            "serializer_class": input_class,
            "post": post,
            "__module__": __name__,
            "__doc__": summary,
        },
    )


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
    application = _samples().get(pk=application.pk)
    return Response(
        SampleDetailOutput(application, context={"request": request}).data, status=status_code
    )


class SampleCreateInput(StrictInput):
    customer = BulkRelatedField(queryset=Customer.objects.all(), required=False, allow_null=True)
    prospect_name = serializers.CharField(max_length=120, allow_blank=True, default="")
    department = serializers.CharField(max_length=60, allow_blank=True)
    warehouse = BulkRelatedField(queryset=Warehouse.objects.all())
    reason = serializers.CharField(max_length=300, allow_blank=True, default="")
    lines = LineInputSerializer(many=True, max_length=MAX_LINES)


class SampleListCreateApi(generics.ListAPIView):
    """Sample applications (样件申请表), newest first; apply for samples."""

    pagination_class = Pagination
    parser_classes = [JSONInputParser]
    serializer_class = SampleListOutput

    def get_serializer_class(self):
        return SampleCreateInput if self.request.method == "POST" else SampleListOutput

    @property
    def required_perms(self):
        if self.request.method == "POST":
            return (VIEW_SAMPLE, "outbound.submit_sampleapplication")
        return (VIEW_SAMPLE,)

    def get_queryset(self):
        return sample_list()

    @extend_schema(
        summary="List sample applications",
        responses={200: SampleListOutput(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Apply for samples (draft)",
        description="For a customer or a prospect by name; lines of product and quantity, "
        "valued at the products' standard cost.",
        request=SampleCreateInput,
        responses={201: SampleDetailOutput, **error_responses(400, 401, 403)},
    )
    def post(self, request):
        data = validated_input(SampleCreateInput, request.data)
        application = sample_application_create(
            user=request.user,
            customer=data.get("customer"),
            prospect_name=data["prospect_name"],
            department=data["department"],
            warehouse=data["warehouse"],
            reason=data["reason"],
            lines=_lines(data),
        )
        return _sample_response(request, application, status.HTTP_201_CREATED)


class SampleDetailApi(generics.GenericAPIView):
    """One sample application with its lines, where it waits, and its slip."""

    required_perms = (VIEW_SAMPLE,)
    serializer_class = SampleDetailOutput

    def get_queryset(self):
        return _samples()

    @extend_schema(
        summary="A sample application",
        responses={200: SampleDetailOutput, **error_responses(401, 403, 404)},
    )
    def get(self, request, pk: int):
        return Response(SampleDetailOutput(self.get_object(), context={"request": request}).data)


class _SampleActionApi(generics.GenericAPIView):
    parser_classes = [JSONInputParser]

    def get_queryset(self):
        return SampleApplication.objects.all()

    def target(self) -> SampleApplication:
        return SampleApplication(pk=self.kwargs["pk"])


def _sample_action(name, summary, perm, input_class, description=""):
    return _action_api(
        _SampleActionApi,
        name,
        summary,
        (VIEW_SAMPLE, perm),
        input_class,
        SampleDetailOutput,
        _sample_response,
        description,
    )


class SampleSubmitApi(
    _sample_action(
        "_SSubmit", "Submit a sample application", "outbound.submit_sampleapplication", NoInput
    )
):
    def run(self, user, data):
        return sample_application_submit(application=self.target(), user=user)


class SampleApproveApi(
    _sample_action(
        "_SApprove",
        "Approve samples at your level",
        "outbound.approve_sampleapplication",
        OutboundCommentInput,
        "The department head's approval is final within 5 specifications and 10 pieces "
        "each, no tool, and their limit at cost; beyond it the application goes on to the "
        "next level. 403 below the level it waits at.",
    )
):
    def run(self, user, data):
        return sample_application_approve(
            application=self.target(), user=user, comment=data["comment"]
        )


class SampleRejectApi(
    _sample_action(
        "_SReject",
        "Reject a sample application",
        "outbound.approve_sampleapplication",
        OutboundCommentInput,
    )
):
    def run(self, user, data):
        return sample_application_reject(
            application=self.target(), user=user, comment=data["comment"]
        )


class SampleIssueSlipApi(
    _sample_action(
        "_SSlip",
        "Issue the outbound slip of approved samples",
        "outbound.issue_sample_slip",
        SlipInput,
        "A sample note valid today, its stock reserved, released for the warehouse without "
        "a finance stamp; again only after the last one expired or was cancelled.",
    )
):
    def run(self, user, data):
        return sample_application_issue_slip(application=self.target(), user=user, **data)


class SampleOutcomeApi(
    _sample_action(
        "_SOutcome",
        "Record what came of the samples",
        "outbound.submit_sampleapplication",
        OutcomeInput,
        "Only once the samples left through the gate.",
    )
):
    def run(self, user, data):
        return sample_application_record_outcome(
            application=self.target(), user=user, outcome=data["outcome"], remarks=data["remarks"]
        )


class SampleCancelApi(
    _sample_action(
        "_SCancel",
        "Cancel a sample application",
        "outbound.cancel_sampleapplication",
        OutboundCancelInput,
    )
):
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
    report = _requests().get(pk=report.pk)
    return Response(
        RequestDetailOutput(report, context={"request": request}).data, status=status_code
    )


class RequestCreateInput(StrictInput):
    purpose = NamedChoiceField(
        enum_name="NonSalePurposeEnum", choices=[(p.value, p.label) for p in REQUEST_PURPOSES]
    )
    recipient = serializers.CharField(max_length=120, allow_blank=True)
    reason = serializers.CharField(max_length=500, allow_blank=True)
    department = serializers.CharField(max_length=60, allow_blank=True)
    warehouse = BulkRelatedField(queryset=Warehouse.objects.all())
    lines = LineInputSerializer(many=True, max_length=MAX_LINES)


class RequestListCreateApi(generics.ListAPIView):
    """Request reports (请示报告单) for goods out without a sale; write one."""

    pagination_class = Pagination
    parser_classes = [JSONInputParser]
    serializer_class = RequestListOutput

    def get_serializer_class(self):
        return RequestCreateInput if self.request.method == "POST" else RequestListOutput

    @property
    def required_perms(self):
        if self.request.method == "POST":
            return (VIEW_REQUEST, "outbound.submit_nonsalerequest")
        return (VIEW_REQUEST,)

    def get_queryset(self):
        return request_list()

    @extend_schema(
        summary="List request reports",
        responses={200: RequestListOutput(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Write a request report (draft)",
        description="Advertising, a gift or a prize: for whom, why, which goods (at cost).",
        request=RequestCreateInput,
        responses={201: RequestDetailOutput, **error_responses(400, 401, 403)},
    )
    def post(self, request):
        data = validated_input(RequestCreateInput, request.data)
        report = non_sale_request_create(
            user=request.user,
            purpose=data["purpose"],
            recipient=data["recipient"],
            reason=data["reason"],
            department=data["department"],
            warehouse=data["warehouse"],
            lines=_lines(data),
        )
        return _request_response(request, report, status.HTTP_201_CREATED)


class RequestDetailApi(generics.GenericAPIView):
    """One request report with its opinions, where it waits, and its slip."""

    required_perms = (VIEW_REQUEST,)
    serializer_class = RequestDetailOutput

    def get_queryset(self):
        return _requests()

    @extend_schema(
        summary="A request report",
        responses={200: RequestDetailOutput, **error_responses(401, 403, 404)},
    )
    def get(self, request, pk: int):
        return Response(RequestDetailOutput(self.get_object(), context={"request": request}).data)


class _RequestActionApi(generics.GenericAPIView):
    parser_classes = [JSONInputParser]

    def get_queryset(self):
        return NonSaleRequest.objects.all()

    def target(self) -> NonSaleRequest:
        return NonSaleRequest(pk=self.kwargs["pk"])


def _request_action(name, summary, perm, input_class, description=""):
    return _action_api(
        _RequestActionApi,
        name,
        summary,
        (VIEW_REQUEST, perm),
        input_class,
        RequestDetailOutput,
        _request_response,
        description,
    )


class RequestSubmitApi(
    _request_action(
        "_RSubmit", "Submit a request report", "outbound.submit_nonsalerequest", NoInput
    )
):
    def run(self, user, data):
        return non_sale_request_submit(request=self.target(), user=user)


class RequestCheckApi(
    _request_action(
        "_RCheck",
        "Give the accountant's opinion",
        "outbound.check_nonsalerequest",
        RequestOpinionInput,
    )
):
    def run(self, user, data):
        return non_sale_request_check(request=self.target(), user=user, opinion=data["opinion"])


class RequestEndorseApi(
    _request_action(
        "_REndorse",
        "Give the manager's opinion",
        "outbound.endorse_nonsalerequest",
        RequestOpinionInput,
        "Then the request waits for the deputy general manager.",
    )
):
    def run(self, user, data):
        return non_sale_request_endorse(request=self.target(), user=user, opinion=data["opinion"])


class RequestApproveApi(
    _request_action(
        "_RApprove",
        "Approve a request report at your level",
        "outbound.approve_nonsalerequest",
        OutboundCommentInput,
        "The deputy general manager's approval is final within their limit at cost; beyond "
        "it the general manager decides. 403 below the level it waits at.",
    )
):
    def run(self, user, data):
        return non_sale_request_approve(request=self.target(), user=user, comment=data["comment"])


class RequestRejectApi(
    _request_action(
        "_RReject",
        "Reject a request report",
        "outbound.approve_nonsalerequest",
        OutboundCommentInput,
    )
):
    def run(self, user, data):
        return non_sale_request_reject(request=self.target(), user=user, comment=data["comment"])


class RequestIssueSlipApi(
    _request_action(
        "_RSlip",
        "Issue the outbound slip of an approved request",
        "outbound.issue_nonsale_slip",
        SlipInput,
        "A non-sale note stating the purpose, valid today, its stock reserved, released for "
        "the warehouse without a finance stamp.",
    )
):
    def run(self, user, data):
        return non_sale_request_issue_slip(request=self.target(), user=user, **data)


class RequestCancelApi(
    _request_action(
        "_RCancel", "Cancel a request report", "outbound.cancel_nonsalerequest", OutboundCancelInput
    )
):
    def run(self, user, data):
        return non_sale_request_cancel(request=self.target(), user=user, reason=data["reason"])


# --- Selling expense report ---------------------------------------------------------------


class ExpenseQuery(StrictInput):
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)


class ExpenseRowOutput(serializers.Serializer):
    department = serializers.CharField()
    purpose = NamedChoiceField(enum_name="OutboundPurposeEnum", choices=Purpose.choices)
    documents = serializers.IntegerField()
    quantity = serializers.DecimalField(**QTY)
    cost = serializers.DecimalField(**MONEY)


class OutboundExpenseApi(generics.GenericAPIView):
    """Samples and non-sale outbound that left stock, at cost, by department and purpose."""

    required_perms = ("outbound.view_outbound_expenses",)
    queryset = SampleApplication.objects.none()
    serializer_class = ExpenseRowOutput
    pagination_class = None

    @extend_schema(
        summary="Selling expense of samples and non-sale outbound",
        parameters=[
            OpenApiParameter("date_from", str, required=False, description="YYYY-MM-DD"),
            OpenApiParameter("date_to", str, required=False, description="YYYY-MM-DD"),
        ],
        responses={200: ExpenseRowOutput(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request):
        query = ExpenseQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        today = company_today()
        rows = outbound_expenses(
            date_from=query.validated_data.get("date_from") or today.replace(day=1),
            date_to=query.validated_data.get("date_to") or today,
        )
        return Response(ExpenseRowOutput(rows, many=True).data)
