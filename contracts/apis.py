"""The contracts API: the register, production tasks (with their receipts),
product requirement reviews and follow-up calls. Thin: every write is a
service in contracts/services/; status fields are read-only."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from contracts import selectors
from contracts.enums import FollowUpStatus, ReviewStatus, TaskStatus
from contracts.models import Department, FollowUp, ProductionTask, RequirementReview
from contracts.services.follow_ups import follow_up_record
from contracts.services.production import production_task_receive, production_task_update
from contracts.services.requirement_reviews import (
    requirement_opinion_record,
    requirement_review_confirm,
    requirement_review_open,
)
from inventory.models import Warehouse
from orders.apis.common import CustomerRefOutput, ProductRefOutput, order_status_field
from orders.enums import ContractType, OrderStatus
from orders.models import SalesOrder
from salesadmin.api import (
    BulkRelatedField,
    JSONInputParser,
    NamedChoiceField,
    StrictInput,
    error_responses,
    validated_input,
)
from salesadmin.api_filters import BooleanFilter
from salesadmin.api_views import (
    ACTION_ERRORS,
    DocumentDetailApi,
    DocumentListCreateApi,
    PermsByMethod,
    ReadDocumentActionApi,
    detail_endpoint,
    list_create_endpoint,
    list_endpoint,
)

MONEY = {"max_digits": 14, "decimal_places": 2}
QTY = {"max_digits": 14, "decimal_places": 3}
VIEW_CONTRACT = "orders.view_salesorder"
VIEW_TASK = "contracts.view_productiontask"
VIEW_REVIEW = "contracts.view_requirementreview"
VIEW_FOLLOW_UP = "contracts.view_followup"


def task_status_field():
    return NamedChoiceField(enum_name="TaskStatusEnum", choices=TaskStatus.choices, read_only=True)


def contract_type_field():
    return NamedChoiceField(
        enum_name="ContractTypeEnum", choices=ContractType.choices, read_only=True
    )


# --- The contract register ----------------------------------------------------------------


class ContractFilter(filters.FilterSet):
    contract_type = filters.ChoiceFilter(choices=ContractType.choices)
    status = filters.ChoiceFilter(choices=OrderStatus.choices)
    search = filters.CharFilter(method="noop", help_text="Contract number or customer.")
    waiting_production = BooleanFilter(method="noop", help_text="Only with open tasks.")

    class Meta:
        model = SalesOrder
        fields = ["contract_type", "status"]

    def noop(self, queryset, _name, _value):
        return queryset  # applied by the selector (get_queryset)


class ContractRowOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    customer = CustomerRefOutput()
    order_date = serializers.DateField()
    contract_type = contract_type_field()
    status = order_status_field()
    formal = serializers.BooleanField()
    review_level = serializers.CharField(source="review_level.code", allow_null=True)
    total = serializers.DecimalField(**MONEY)
    open_tasks = serializers.IntegerField(help_text="Production tasks still open.")
    late_tasks = serializers.BooleanField(help_text="An open task is past its requested date.")
    delivered = serializers.DecimalField(**MONEY, help_text="Value of notes that were loaded.")
    invoiced = serializers.DecimalField(**MONEY)
    paid = serializers.DecimalField(
        **MONEY, help_text="Each invoice's paid share of this contract's notes on it."
    )
    balance = serializers.DecimalField(**MONEY, help_text="Delivered less paid.")


class TaskRowOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    contract = serializers.CharField(source="order.number")
    contract_id = serializers.IntegerField(source="order_id")
    product = ProductRefOutput()
    quantity = serializers.DecimalField(**QTY)
    received_quantity = serializers.DecimalField(**QTY)
    requested_date = serializers.DateField()
    tracker = serializers.CharField(source="tracker.username", allow_null=True)
    status = task_status_field()
    is_late = serializers.BooleanField()


class SlipLineOutput(serializers.Serializer):
    product = ProductRefOutput()
    warehouse = serializers.CharField(source="warehouse.code")
    quantity = serializers.DecimalField(**QTY, help_text="Reserved for the contract so far.")
    taken_over = serializers.DecimalField(**QTY, help_text="Taken over by its delivery notes.")
    released = serializers.DecimalField(**QTY)
    held = serializers.DecimalField(**QTY, help_text="Still held for it.")


class ContractDetailOutput(ContractRowOutput):
    promised_date = serializers.DateField(allow_null=True)
    preparation_slip = serializers.CharField(source="slip_number", allow_null=True)
    preparation_lines = SlipLineOutput(source="slip_lines", many=True)
    production_tasks = TaskRowOutput(many=True)


@list_endpoint(lists="Contract register", output=ContractRowOutput)
class ContractRegisterApi(generics.ListAPIView):
    """The contract register (合同登记): every contract with its type, status,
    review, production tasks, deliveries, invoices, payments and balance."""

    required_perms = (VIEW_CONTRACT,)
    filterset_class = ContractFilter

    def get_queryset(self):
        params = self.request.query_params
        return selectors.contract_register(
            search=params.get("search", ""),
            waiting_production=params.get("waiting_production", "").lower() in ("true", "1"),
        )


class ContractDetailApi(generics.GenericAPIView):
    required_perms = (VIEW_CONTRACT,)
    serializer_class = ContractDetailOutput
    queryset = SalesOrder.objects.none()

    @extend_schema(
        summary="One contract in the register, with its slip and production tasks",
        responses={200: ContractDetailOutput, **error_responses(401, 403, 404)},
    )
    def get(self, request, pk: int):
        order = selectors.contract_detail(pk)
        slip = selectors.preparation_slip_of(order)
        order.slip_number = slip.number if slip else None
        order.slip_lines = list(slip.lines.all()) if slip else []
        return Response(ContractDetailOutput(order).data)


# --- Production tasks ------------------------------------------------------------------------


class TaskFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=TaskStatus.choices)
    late = BooleanFilter(method="only_late", help_text="Only open tasks past their date.")

    class Meta:
        model = ProductionTask
        fields = ["status"]

    def only_late(self, queryset, _name, value):
        if value:
            return queryset & selectors.production_tasks(status="", late_only=True)
        return queryset


@list_endpoint(lists="List production tasks", output=TaskRowOutput)
class TaskListApi(generics.ListAPIView):
    """Production task notices (生产任务通知单), requested date first."""

    required_perms = (VIEW_TASK,)
    filterset_class = TaskFilter

    def get_queryset(self):
        return selectors.production_tasks(status="")


class TaskUpdateInput(StrictInput):
    tracker = BulkRelatedField(
        queryset=get_user_model().objects.filter(is_active=True),
        required=False,
        help_text="Who follows the task (专人跟踪).",
    )
    requested_date = serializers.DateField(required=False)


@detail_endpoint(shows="Show a production task", output=TaskRowOutput)
class TaskDetailApi(PermsByMethod, DocumentDetailApi):
    parser_classes = [JSONInputParser]

    view_perm, write_perm = VIEW_TASK, "contracts.track_productiontask"
    write_methods = ("PATCH",)

    def get_queryset(self):
        return selectors.production_tasks(status="")

    def get_serializer_class(self):
        return TaskUpdateInput if self.request.method == "PATCH" else TaskRowOutput

    @extend_schema(
        summary="Set a production task's tracker or requested date",
        request=TaskUpdateInput,
        responses={200: TaskRowOutput, **ACTION_ERRORS},
    )
    def patch(self, request, pk: int):
        task = self.get_object()
        data = validated_input(TaskUpdateInput, request.data, partial=True)
        task = production_task_update(
            task=task,
            user=request.user,
            tracker=data.get("tracker"),
            requested_date=data.get("requested_date"),
        )
        return Response(TaskRowOutput(selectors.task_detail(task.pk)).data)


class TaskReceiptInput(StrictInput):
    warehouse = BulkRelatedField(queryset=Warehouse.objects.all())
    batch_number = serializers.CharField(max_length=40)
    produced_on = serializers.DateField()
    quantity = serializers.DecimalField(**QTY)


def _action_schema(summary: str, request, answer, status_code: int = 200):
    return extend_schema_view(
        post=extend_schema(
            summary=summary, request=request, responses={status_code: answer, **ACTION_ERRORS}
        )
    )


@_action_schema("Record a production receipt for a task", TaskReceiptInput, TaskRowOutput, 201)
class TaskReceiveApi(ReadDocumentActionApi):
    """A production receipt (产成品入库) for the task's product; like every receipt
    of that product it is counted against the open tasks, oldest first."""

    required_perms = (VIEW_TASK, "inventory.record_production_receipt")
    serializer_class = TaskReceiptInput
    document_model = ProductionTask

    def run(self, user, data):
        production_task_receive(task=self.document, user=user, **data)
        return self.document

    def answer(self, request, task):
        return Response(
            TaskRowOutput(selectors.task_detail(task.pk)).data, status=status.HTTP_201_CREATED
        )


# --- Requirement reviews -----------------------------------------------------------------------


class OpinionOutput(serializers.Serializer):
    department = serializers.CharField(source="department.code")
    agreed = serializers.BooleanField()
    opinion = serializers.CharField()
    given_by = serializers.CharField(source="given_by.username")
    given_at = serializers.DateTimeField()


class ReviewOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    contract = serializers.CharField(source="order.number")
    contract_id = serializers.IntegerField(source="order_id")
    requirements = serializers.CharField()
    status = NamedChoiceField(
        enum_name="RequirementReviewStatusEnum", choices=ReviewStatus.choices, read_only=True
    )
    promised_date = serializers.DateField(allow_null=True)
    opinions = OpinionOutput(many=True)


class ReviewCreateInput(StrictInput):
    order = BulkRelatedField(queryset=SalesOrder.objects.all(), help_text="The C contract (draft).")
    requirements = serializers.CharField(max_length=5000)


class ReviewFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=ReviewStatus.choices)

    class Meta:
        model = RequirementReview
        fields = ["status"]


@list_create_endpoint(
    lists="List requirement reviews",
    output=ReviewOutput,
    creates="Open a requirement review with the customer's requirements",
    create_input=ReviewCreateInput,
    answer=ReviewOutput,
    create_errors=(400, 401, 403, 404, 409),
)
class ReviewListCreateApi(DocumentListCreateApi):
    """Product requirement reviews (产品要求评审表) of C contracts."""

    view_perm, add_perm = VIEW_REVIEW, "contracts.add_requirementreview"
    filterset_class = ReviewFilter

    def visible(self, user):
        return selectors.requirement_reviews().prefetch_related(
            "opinions__department", "opinions__given_by"
        )

    def create(self, user, data):
        return requirement_review_open(
            order=data["order"], requirements=data["requirements"], user=user
        )

    def created(self, request, review):
        return Response(
            ReviewOutput(selectors.review_detail(review.pk)).data, status=status.HTTP_201_CREATED
        )


@detail_endpoint(
    shows="Show a requirement review with the departments' opinions", output=ReviewOutput
)
class ReviewDetailApi(DocumentDetailApi):
    required_perms = (VIEW_REVIEW,)

    def get_queryset(self):
        return RequirementReview.objects.all()

    def answer(self, request, review):
        return Response(ReviewOutput(selectors.review_detail(review.pk)).data)


class OpinionInput(StrictInput):
    department = BulkRelatedField(queryset=Department.objects.filter(active=True))
    agreed = serializers.BooleanField()
    opinion = serializers.CharField(
        max_length=500, allow_blank=True, default="", help_text="Required with a no."
    )


# An action on a requirement review, answered with the review as it now stands.
class _ReviewActionApi(ReadDocumentActionApi):
    document_model = RequirementReview

    def answer(self, request, review):
        return Response(ReviewOutput(selectors.review_detail(review.pk)).data)


@_action_schema("Record a department's opinion and yes/no", OpinionInput, ReviewOutput)
class ReviewOpinionApi(_ReviewActionApi):
    required_perms = (VIEW_REVIEW, "contracts.give_opinion")
    serializer_class = OpinionInput

    def run(self, user, data):
        requirement_opinion_record(review=self.document, user=user, **data)
        return self.document


class ConfirmInput(StrictInput):
    promised_date = serializers.DateField(help_text="The delivery date promised to the customer.")


@_action_schema(
    "Confirm price and delivery date (every department said yes)", ConfirmInput, ReviewOutput
)
class ReviewConfirmApi(_ReviewActionApi):
    required_perms = (VIEW_REVIEW, "contracts.confirm_requirementreview")
    serializer_class = ConfirmInput

    def run(self, user, data):
        requirement_review_confirm(
            review=self.document, promised_date=data["promised_date"], user=user
        )
        return self.document


# --- Follow-up calls -------------------------------------------------------------------------


class FollowUpOutput(serializers.Serializer):
    id = serializers.IntegerField()
    contract = serializers.CharField(source="order.number")
    contract_id = serializers.IntegerField(source="order_id")
    customer = CustomerRefOutput(source="order.customer")
    due_date = serializers.DateField()
    status = NamedChoiceField(
        enum_name="FollowUpStatusEnum", choices=FollowUpStatus.choices, read_only=True
    )
    received_ok = serializers.BooleanField(allow_null=True)
    remarks = serializers.CharField()
    done_by = serializers.CharField(source="done_by.username", allow_null=True)
    done_at = serializers.DateTimeField(allow_null=True)


class FollowUpFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=FollowUpStatus.choices)

    class Meta:
        model = FollowUp
        fields = ["status"]


@list_endpoint(lists="List follow-up calls", output=FollowUpOutput)
class FollowUpListApi(generics.ListAPIView):
    """Follow-up calls (回访), the earliest due first."""

    required_perms = (VIEW_FOLLOW_UP,)
    filterset_class = FollowUpFilter

    def get_queryset(self):
        return selectors.follow_up_queue(status="")


class FollowUpInput(StrictInput):
    received_ok = serializers.BooleanField(help_text="Received in good order.")
    remarks = serializers.CharField(
        max_length=500, allow_blank=True, default="", help_text="Required when not in order."
    )


@_action_schema("Record the result of a follow-up call", FollowUpInput, FollowUpOutput)
class FollowUpRecordApi(ReadDocumentActionApi):
    required_perms = (VIEW_FOLLOW_UP, "contracts.record_followup")
    serializer_class = FollowUpInput
    document_model = FollowUp

    def run(self, user, data):
        return follow_up_record(follow_up=self.document, user=user, **data)

    def answer(self, request, call):
        return Response(FollowUpOutput(selectors.follow_up_queue(status="").get(pk=call.pk)).data)
