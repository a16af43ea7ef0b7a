"""Reads of the outbound app: lists and details, and the selling expense
report (samples and non-sale outbound at cost, by department and purpose)."""

from __future__ import annotations

import datetime as dt
import operator
from dataclasses import dataclass
from decimal import Decimal
from functools import reduce

from django.db.models import Count, DecimalField, F, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, Round
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from approvals.services import approval_steps, approver_for
from orders.enums import NoteStatus
from orders.models import DeliveryNoteLine
from outbound.enums import Purpose, RequestStatus, SampleStatus
from outbound.models import NonSaleLine, NonSaleRequest, SampleApplication, SampleLine
from salesadmin.models import TransitionLog

# Goods that left stock (the notes' own states after dispatch).
LEFT_STOCK = [NoteStatus.DISPATCHED, NoteStatus.AWAITING_TOPUP, NoteStatus.EXITED]
MONEY = DecimalField(max_digits=16, decimal_places=2)
QTY = DecimalField(max_digits=16, decimal_places=3)


def sample_list(*, status: str = "", search: str = "") -> QuerySet[SampleApplication]:
    qs = SampleApplication.objects.select_related("customer", "warehouse", "note", "waiting_level")
    if status:
        qs = qs.filter(status=status)
    search = (search or "").strip()
    if search:
        qs = (
            qs.filter(number__icontains=search)
            | qs.filter(prospect_name__icontains=search)
            | qs.filter(customer__name__icontains=search)
        )
    return qs.order_by("-created_at", "-id")


def sample_detail(*, pk: int) -> SampleApplication:
    return (
        SampleApplication.objects.select_related(
            "customer", "warehouse", "note", "waiting_level", "created_by", "decided_by"
        )
        .prefetch_related(
            Prefetch("lines", queryset=SampleLine.objects.select_related("product").order_by("id"))
        )
        .get(pk=pk)
    )


def request_list(*, status: str = "", search: str = "") -> QuerySet[NonSaleRequest]:
    qs = NonSaleRequest.objects.select_related("warehouse", "note", "waiting_level")
    if status:
        qs = qs.filter(status=status)
    search = (search or "").strip()
    if search:
        qs = qs.filter(number__icontains=search) | qs.filter(recipient__icontains=search)
    return qs.order_by("-created_at", "-id")


def request_detail(*, pk: int) -> NonSaleRequest:
    return (
        NonSaleRequest.objects.select_related(
            "warehouse",
            "note",
            "waiting_level",
            "created_by",
            "checked_by",
            "endorsed_by",
            "decided_by",
        )
        .prefetch_related(
            Prefetch("lines", queryset=NonSaleLine.objects.select_related("product").order_by("id"))
        )
        .get(pk=pk)
    )


# What each logged step is called on the document's page (never the code name).
LOG_LABELS = {
    "submit": _("Submitted"),
    "approve": _("Approved"),
    "forward": _("Forwarded to the next level"),
    "reject": _("Rejected"),
    "cancel": _("Cancelled"),
    "accountant_check": _("Checked by the accountant"),
    "endorse": _("Manager's opinion given"),
    "issue_slip": _("Outbound slip issued"),
    "record_outcome": _("Outcome recorded"),
}
STATE_LABELS = {
    "sample_application": dict(SampleStatus.choices),
    "non_sale_request": dict(RequestStatus.choices),
}


def document_history(*, document_type: str, document) -> dict:
    log = list(
        TransitionLog.objects.filter(document_type=document_type, document_id=document.pk)
        .select_related("user")
        .order_by("at", "id")
    )
    states = STATE_LABELS.get(document_type, {})
    for entry in log:
        entry.label = LOG_LABELS.get(entry.transition, entry.transition)
        entry.from_label = states.get(entry.from_state, entry.from_state)
        entry.to_label = states.get(entry.to_state, entry.to_state)
    return {
        "log": log,
        "steps": approval_steps(document_type=document_type, document_id=document.pk),
    }


# --- Selling expense (销售费用) at cost -------------------------------------------


@dataclass
class ExpenseRow:
    department: str
    purpose: str
    documents: int
    quantity: Decimal
    cost: Decimal

    @property
    def purpose_label(self) -> str:
        return str(Purpose(self.purpose).label)


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def outbound_expenses(*, date_from: dt.date, date_to: dt.date) -> list[ExpenseRow]:
    """What left without a sale between the two days (dispatch day, company
    time zone), at cost (what was loaded × the unit cost on the slip), by
    department and purpose. Two grouped queries, whatever the number of notes."""
    start, end = _day_start(date_from), _day_start(date_to + dt.timedelta(days=1))
    lines = DeliveryNoteLine.objects.filter(
        note__status__in=LEFT_STOCK, note__dispatched_at__gte=start, note__dispatched_at__lt=end
    )
    cost = Coalesce(
        Round(F("actual_quantity") * F("unit_price"), 2), F("amount"), output_field=MONEY
    )
    quantity = Coalesce(F("actual_quantity"), F("quantity"), output_field=QTY)
    rows: list[ExpenseRow] = []
    samples = (
        lines.filter(note__sample_application__isnull=False)
        .values_list("note__sample_application__department")
        .annotate(n=Count("note", distinct=True), q=Sum(quantity), c=Sum(cost))
        .order_by()
    )
    rows += [ExpenseRow(d, Purpose.SAMPLE, n, q, c) for d, n, q, c in samples]
    others = (
        lines.filter(note__non_sale_request__isnull=False)
        .values_list("note__non_sale_request__department", "note__non_sale_request__purpose")
        .annotate(n=Count("note", distinct=True), q=Sum(quantity), c=Sum(cost))
        .order_by()
    )
    rows += [ExpenseRow(d, p, n, q, c) for d, p, n, q, c in others]
    order = {value: i for i, value in enumerate(Purpose.values)}
    return sorted(rows, key=lambda r: (r.department, order[r.purpose]))


# --- Home: what waits for this person ------------------------------------------------


@dataclass(frozen=True)
class WaitingOutbound:
    """A sample application or non-sale request waiting for the reader's step."""

    kind: str  # "sample" or "request"
    pk: int
    number: str
    subject: str
    status: str


def outbound_to_act_on(user, *, limit: int = 5) -> list[WaitingOutbound]:
    """Samples and non-sale requests waiting for this person: an approval at
    their level or below, the accountant's check, the manager's opinion. Oldest
    first; one query per kind of document, however many wait."""
    approves_samples = user.has_perm("outbound.approve_sampleapplication")
    approves_requests = user.has_perm("outbound.approve_nonsalerequest")
    approver = approver_for(user) if approves_samples or approves_requests else None
    found: list[WaitingOutbound] = []
    if approver is not None and approves_samples:
        samples = (
            SampleApplication.objects.filter(
                status=SampleStatus.SUBMITTED, waiting_level__rank__lte=approver.level.rank
            )
            .select_related("customer")
            .order_by("submitted_at", "id")[:limit]
        )
        found += [
            WaitingOutbound(
                kind="sample",
                pk=s.pk,
                number=s.number,
                subject=s.customer.name if s.customer_id else s.prospect_name,
                status=s.get_status_display(),
            )
            for s in samples
        ]
    steps = []
    if user.has_perm("outbound.check_nonsalerequest"):
        steps.append(Q(status=RequestStatus.SUBMITTED))
    if user.has_perm("outbound.endorse_nonsalerequest"):
        steps.append(Q(status=RequestStatus.CHECKED))
    if approver is not None and approves_requests:
        steps.append(Q(status=RequestStatus.ENDORSED, waiting_level__rank__lte=approver.level.rank))
    if steps:
        requests = NonSaleRequest.objects.filter(reduce(operator.or_, steps))
        found += [
            WaitingOutbound(
                kind="request",
                pk=r.pk,
                number=r.number,
                subject=f"{r.get_purpose_display()} · {r.recipient}",
                status=r.get_status_display(),
            )
            for r in requests.order_by("submitted_at", "id")[:limit]
        ]
    return found
