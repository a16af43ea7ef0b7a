"""The targets, progress and commission API.

Targets: list, create, show, replace the lines, one endpoint per transition.
Progress: everyone's for a manager, one's own for anyone else (same shape).
Commission: the month's statements line by line, closing a month, the rules.
Each action validates its input and calls one service; status is read-only.
"""

from __future__ import annotations

import datetime as dt
import re

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from sales.enums import CommissionBasis, CommissionLineKind, TargetStatus
from sales.models import (
    CommissionMonth,
    CommissionRule,
    CommissionStatement,
    ProductGroup,
    SalesTarget,
    SalesTeam,
)
from sales.selectors import commission as commission_selectors
from sales.selectors.progress import target_progress
from sales.services.commission import commission_month_close, commission_rule_set
from sales.services.targets import (
    TargetLineInput,
    sales_target_approve,
    sales_target_create,
    sales_target_lines_save,
    sales_target_reject,
    sales_target_revise,
    sales_target_submit,
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
    DocumentActionApi,
    DocumentDetailApi,
    DocumentListCreateApi,
    detail_endpoint,
    document_answer,
    list_create_endpoint,
)
from salesadmin.clock import company_today, month_end
from salesadmin.errors import ApplicationError
from salesadmin.transitions import available_transitions

MONEY = {"max_digits": 14, "decimal_places": 2}
QTY = {"max_digits": 14, "decimal_places": 3}
VIEW = "sales.view_salestarget"
ACTIONS = ("submit", "approve", "reject")


# --- Targets ----------------------------------------------------------------------
class TargetLineOutput(serializers.Serializer):
    month = serializers.IntegerField()
    salesperson = serializers.IntegerField(source="salesperson_id")
    product_group = serializers.IntegerField(source="product_group_id", allow_null=True)
    amount = serializers.DecimalField(**MONEY)
    quantity = serializers.DecimalField(**QTY, allow_null=True)


class TargetListOutput(serializers.Serializer):
    id = serializers.IntegerField()
    year = serializers.IntegerField()
    version = serializers.IntegerField()
    status = NamedChoiceField(enum_name="SalesTargetStatusEnum", choices=TargetStatus.choices)
    revises = serializers.IntegerField(source="revises_id", allow_null=True)
    reason = serializers.CharField()
    decision_comment = serializers.CharField()
    created_by = serializers.CharField(source="created_by.username")
    approved_by = serializers.CharField(source="approved_by.username", allow_null=True)
    approved_at = serializers.DateTimeField(allow_null=True)


class TargetDetailOutput(TargetListOutput):
    lines = TargetLineOutput(many=True, source="lines.all")
    available_transitions = serializers.SerializerMethodField(
        help_text="The action endpoints the requesting user may call now."
    )

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_available_transitions(self, target) -> list[str]:
        user = self.context["request"].user
        return [t for t in available_transitions(target, "status", user) if t in ACTIONS]


class TargetCreateInput(StrictInput):
    year = serializers.IntegerField(min_value=2000, max_value=2100)


class TargetLineInputSerializer(StrictInput):
    month = serializers.IntegerField(min_value=1, max_value=12)
    salesperson = serializers.IntegerField()
    product_group = BulkRelatedField(
        queryset=ProductGroup.objects.all(), required=False, allow_null=True
    )
    amount = serializers.DecimalField(**MONEY, min_value=0)
    quantity = serializers.DecimalField(**QTY, min_value=0, required=False, allow_null=True)


class TargetLinesInput(StrictInput):
    lines = TargetLineInputSerializer(many=True, max_length=5000)


class TargetCommentInput(StrictInput):
    comment = serializers.CharField(max_length=300, allow_blank=True, default="")


def _targets():
    return SalesTarget.objects.select_related("created_by", "approved_by")


def _answer(request, target, code=status.HTTP_200_OK) -> Response:
    rows = _targets().prefetch_related("lines")
    return document_answer(request, rows, TargetDetailOutput, target, code)


@list_create_endpoint(
    lists="List sales targets",
    output=TargetListOutput,
    creates="Create a year's target (version 1, a draft)",
    create_input=TargetCreateInput,
    answer=TargetDetailOutput,
    list_errors=(401, 403),
    create_errors=(400, 401, 403, 409),
)
class TargetListCreateApi(DocumentListCreateApi):
    """Sales targets (销售目标), every version, newest year first; create a year's first draft."""

    view_perm, add_perm = VIEW, "sales.add_salestarget"

    def visible(self, user):
        return _targets()

    def create(self, user, data):
        return sales_target_create(user=user, year=data["year"])

    def created(self, request, document):
        return _answer(request, document, status.HTTP_201_CREATED)


@detail_endpoint(shows="Show a sales target with its lines", output=TargetDetailOutput)
class TargetDetailApi(DocumentDetailApi):
    required_perms = (VIEW,)

    def get_queryset(self):
        return _targets()

    def answer(self, request, document):
        return _answer(request, document)


class _TargetActionApi(DocumentActionApi):
    def get_queryset(self):
        return _targets()

    def answer(self, request, document):
        return _answer(request, document)


@extend_schema_view(
    put=extend_schema(
        summary="Replace a draft target's lines (all product groups)",
        request=TargetLinesInput,
        responses={200: TargetDetailOutput, **ACTION_ERRORS},
    )
)
class TargetLinesApi(_TargetActionApi):
    required_perms = (VIEW, "sales.change_salestarget")
    serializer_class = TargetLinesInput
    http_method_names = ["put", "options"]  # the action is a PUT: the lines are replaced

    def put(self, request, *args, **kwargs):
        return self.post(request, *args, **kwargs)

    def run(self, user, data):
        lines = [
            TargetLineInput(
                month=ln["month"],
                salesperson_id=ln["salesperson"],
                amount=ln["amount"],
                product_group=ln.get("product_group"),
                quantity=ln.get("quantity"),
            )
            for ln in data["lines"]
        ]
        return sales_target_lines_save(
            user=user, target=self.get_object(), lines=lines, all_groups=True
        )


@extend_schema_view(
    post=extend_schema(
        summary="Submit a draft target for approval",
        request=None,
        responses={200: TargetDetailOutput, **ACTION_ERRORS},
    )
)
class TargetSubmitApi(_TargetActionApi):
    required_perms = (VIEW, "sales.submit_salestarget")
    serializer_class = TargetCommentInput

    def run(self, user, data):
        return sales_target_submit(user=user, target=self.get_object())


@extend_schema_view(
    post=extend_schema(
        summary="Approve a target; the version it revises goes out of force",
        request=TargetCommentInput,
        responses={200: TargetDetailOutput, **ACTION_ERRORS},
    )
)
class TargetApproveApi(_TargetActionApi):
    required_perms = (VIEW, "sales.approve_salestarget")
    serializer_class = TargetCommentInput

    def run(self, user, data):
        return sales_target_approve(user=user, target=self.get_object(), comment=data["comment"])


@extend_schema_view(
    post=extend_schema(
        summary="Send a submitted target back to the sales department, with the reason",
        request=TargetCommentInput,
        responses={200: TargetDetailOutput, **ACTION_ERRORS},
    )
)
class TargetRejectApi(_TargetActionApi):
    required_perms = (VIEW, "sales.approve_salestarget")
    serializer_class = TargetCommentInput

    def run(self, user, data):
        return sales_target_reject(user=user, target=self.get_object(), comment=data["comment"])


@extend_schema_view(
    post=extend_schema(
        summary="Draft a revision of the target in force (a new version)",
        request=TargetCommentInput,
        responses={201: TargetDetailOutput, **ACTION_ERRORS},
    )
)
class TargetReviseApi(_TargetActionApi):
    required_perms = (VIEW, "sales.add_salestarget")
    serializer_class = TargetCommentInput

    def run(self, user, data):
        return sales_target_revise(user=user, target=self.get_object(), reason=data["comment"])

    def answer(self, request, document):
        return _answer(request, document, status.HTTP_201_CREATED)


# --- Progress -----------------------------------------------------------------------
class FigureOutput(serializers.Serializer):
    target = serializers.DecimalField(**MONEY)
    actual = serializers.DecimalField(**MONEY, help_text="Net of returns and allowances.")
    gap = serializers.DecimalField(**MONEY)
    percent = serializers.DecimalField(max_digits=8, decimal_places=1, allow_null=True)
    run_rate = serializers.DecimalField(**MONEY, allow_null=True)
    previous = serializers.DecimalField(**MONEY, help_text="The same period a month earlier.")
    change = serializers.DecimalField(max_digits=8, decimal_places=1, allow_null=True)
    target_quantity = serializers.DecimalField(**QTY, allow_null=True)
    actual_quantity = serializers.DecimalField(**QTY, allow_null=True)


class GroupProgressOutput(serializers.Serializer):
    product_group = serializers.IntegerField(source="group.pk")
    name = serializers.CharField(source="group.name")
    figure = FigureOutput()


class PersonProgressOutput(serializers.Serializer):
    salesperson = serializers.IntegerField(source="salesperson_id", allow_null=True)
    name = serializers.CharField()
    figure = FigureOutput()
    groups = GroupProgressOutput(many=True)


class ProgressOutput(serializers.Serializer):
    first = serializers.DateField()
    last = serializers.DateField()
    days = serializers.IntegerField()
    elapsed_days = serializers.IntegerField()
    rows = PersonProgressOutput(many=True)
    total = FigureOutput()


def _date(request, name: str, default: dt.date) -> dt.date:
    raw = request.query_params.get(name)
    if not raw:
        return default
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ApplicationError(
            _("%(name)s: enter a date as YYYY-MM-DD.") % {"name": name}, code="invalid_date"
        ) from None


class ProgressApi(generics.GenericAPIView):
    """Target progress for a period: a manager gets everyone, anyone else their own rows."""

    required_perms = (VIEW,)
    serializer_class = ProgressOutput
    queryset = SalesTarget.objects.none()  # the schema's model; reads are selectors

    @extend_schema(
        summary="Actual against target per salesperson and product group",
        parameters=[
            OpenApiParameter("first", dt.date, description="Default: this month's first day"),
            OpenApiParameter("last", dt.date, description="Default: this month's last day"),
        ],
        responses={200: ProgressOutput, **error_responses(400, 401, 403)},
    )
    def get(self, request):
        today = company_today()
        first = _date(request, "first", today.replace(day=1))
        last = _date(request, "last", month_end(today))
        if last < first or (last - first).days > 366:
            raise ApplicationError(
                _("The period must end after it starts and last at most a year."),
                code="invalid_period",
            )
        scope = None if request.user.has_perm("sales.view_target_progress") else request.user.pk
        data = target_progress(first, last, salesperson_id=scope, today=today)
        return Response(ProgressOutput(data).data)


# --- Commission ---------------------------------------------------------------------
class CommissionLineOutput(serializers.Serializer):
    kind = NamedChoiceField(enum_name="CommissionLineKindEnum", choices=CommissionLineKind.choices)
    document = serializers.CharField()
    invoice = serializers.CharField()
    day = serializers.DateField()
    customer = serializers.CharField()
    amount = serializers.DecimalField(**MONEY)
    counted = serializers.DecimalField(**MONEY)
    remark = serializers.CharField()


class CommissionStatementOutput(serializers.Serializer):
    month = serializers.DateField()
    salesperson = serializers.IntegerField(source="salesperson_id")
    name = serializers.CharField()
    basis = serializers.CharField(help_text="sales, collected, within_terms; empty: no rule")
    rate = serializers.DecimalField(max_digits=6, decimal_places=3, allow_null=True)
    closed = serializers.BooleanField()
    basis_amount = serializers.DecimalField(**MONEY)
    commission = serializers.DecimalField(**MONEY)
    lines = CommissionLineOutput(many=True)


class MonthInput(StrictInput):
    month = serializers.RegexField(r"^\d{4}-\d{2}$", help_text="YYYY-MM")


class CommissionMonthOutput(serializers.Serializer):
    month = serializers.DateField()
    status = serializers.CharField()
    closed_by = serializers.CharField(source="closed_by.username", allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)


def _month(raw: str | None) -> dt.date:
    try:
        return dt.datetime.strptime(raw or "", "%Y-%m").date()
    except ValueError:
        raise ApplicationError(
            _("month: enter a month as YYYY-MM."), code="invalid_month"
        ) from None


class CommissionStatementsApi(generics.GenericAPIView):
    """A month's commission basis per salesperson, line by line; frozen once closed."""

    required_perms = ("sales.view_commissionstatement",)
    serializer_class = CommissionStatementOutput
    queryset = CommissionStatement.objects.none()  # the schema's model; reads are selectors

    @extend_schema(
        summary="The month's commission statements",
        parameters=[
            OpenApiParameter("month", str, required=True, description="YYYY-MM"),
            OpenApiParameter("salesperson", int, description="Only this salesperson's"),
        ],
        responses={200: CommissionStatementOutput(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request):
        month = _month(request.query_params.get("month"))
        person = request.query_params.get("salesperson")
        if person is not None and not re.fullmatch(r"[0-9]{1,9}", person):
            raise ApplicationError(
                _("salesperson: enter a user id (a whole number)."), code="invalid_salesperson"
            )
        found = commission_selectors.statements(
            month, salesperson_id=int(person) if person else None
        )
        if person and not get_user_model().objects.filter(pk=person).exists():
            found = []
        return Response(CommissionStatementOutput(found, many=True).data)


class CommissionCloseApi(generics.GenericAPIView):
    required_perms = ("sales.view_commissionstatement", "sales.close_commissionmonth")
    parser_classes = [JSONInputParser]
    serializer_class = MonthInput
    queryset = CommissionMonth.objects.none()

    @extend_schema(
        summary="Close a month that has ended: its statements are stored and frozen",
        request=MonthInput,
        responses={200: CommissionMonthOutput, **error_responses(400, 401, 403, 409)},
    )
    def post(self, request):
        data = validated_input(MonthInput, request.data)
        row = commission_month_close(user=request.user, month=_month(data["month"]))
        return Response(CommissionMonthOutput(row).data)


class RuleOutput(serializers.Serializer):
    id = serializers.IntegerField()
    salesperson = serializers.IntegerField(source="salesperson_id", allow_null=True)
    team = serializers.IntegerField(source="team_id", allow_null=True)
    basis = NamedChoiceField(enum_name="CommissionBasisEnum", choices=CommissionBasis.choices)
    rate = serializers.DecimalField(max_digits=6, decimal_places=3)
    valid_from = serializers.DateField()
    created_by = serializers.CharField(source="created_by.username")


class RuleInput(StrictInput):
    salesperson = serializers.IntegerField(required=False, allow_null=True)
    team = BulkRelatedField(queryset=SalesTeam.objects.all(), required=False, allow_null=True)
    basis = serializers.ChoiceField(choices=CommissionBasis.choices)
    rate = serializers.DecimalField(max_digits=6, decimal_places=3, min_value=0, max_value=100)
    valid_from = serializers.DateField(help_text="Its month counts; the day is ignored.")


@list_create_endpoint(
    lists="List commission rules",
    output=RuleOutput,
    creates="Add a salesperson's or a team's rule from a month on",
    create_input=RuleInput,
    answer=RuleOutput,
    list_errors=(401, 403),
)
class CommissionRuleListCreateApi(DocumentListCreateApi):
    """Commission rules (提成规则), newest first; add one from a month on."""

    view_perm, add_perm = "sales.view_commissionrule", "sales.add_commissionrule"

    def visible(self, user):
        return CommissionRule.objects.select_related("created_by")

    def create(self, user, data):
        person = None
        if data.get("salesperson") is not None:
            person = get_user_model().objects.filter(pk=data["salesperson"]).first()
            if person is None:
                raise ApplicationError(_("Unknown salesperson."), code="invalid_salesperson")
        return commission_rule_set(
            user=user,
            salesperson=person,
            team=data.get("team"),
            basis=data["basis"],
            rate=data["rate"],
            valid_from=data["valid_from"],
        )

    def created(self, request, document):
        return Response(RuleOutput(document).data, status=status.HTTP_201_CREATED)
