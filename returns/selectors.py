"""Reads of returns and allowances: lists, queues, details, the returns report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Prefetch, QuerySet, Subquery, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy

from approvals.services import approval_steps
from returns.enums import AllowanceStatus, ReturnStatus
from returns.models import Allowance, AllowanceLine, ReturnApplication, ReturnLine
from salesadmin.models import TransitionLog

ZERO = Decimal("0.00")


def returns_visible(user) -> QuerySet[ReturnApplication]:
    """Everyone whose role may see returns sees all of them (no per-person split)."""
    return ReturnApplication.objects.select_related("customer", "delivery_note", "credit_note")


def return_detail_queryset(user) -> QuerySet[ReturnApplication]:
    return (
        returns_visible(user)
        .select_related(
            "warehouse", "created_by", "inspected_by", "decided_by", "received_by", "closed_by"
        )
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=ReturnLine.objects.select_related(
                    "product", "batch", "note_line"
                ).order_by("id"),
            )
        )
    )


def allowances_visible(user) -> QuerySet[Allowance]:
    return Allowance.objects.select_related(
        "customer", "delivery_note", "invoice", "waiting_level", "credit_note"
    )


def allowance_detail_queryset(user) -> QuerySet[Allowance]:
    return (
        allowances_visible(user)
        .select_related("created_by", "decided_by")
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=AllowanceLine.objects.select_related("note_line__product").order_by("id"),
            )
        )
    )


STATE_CHOICES = {"allowance": AllowanceStatus, "return_application": ReturnStatus}


def history(document_type: str, document_id: int) -> list[TransitionLog]:
    """The document's state changes, oldest first, each state in words
    (``from_label``, ``to_label``) as the status badge shows it."""
    states = dict(STATE_CHOICES[document_type].choices)
    log = list(
        TransitionLog.objects.filter(document_type=document_type, document_id=document_id)
        .select_related("user")
        .order_by("at", "id")
    )
    for entry in log:
        entry.from_label = states.get(entry.from_state, entry.from_state)
        entry.to_label = states.get(entry.to_state, entry.to_state)
    return log


def allowance_steps(allowance: Allowance):
    return approval_steps(document_type="allowance", document_id=allowance.pk)


# What each role does next: the queues on the home page and the list filters.
QUEUES = {
    "inspect": ("returns.inspect_returnapplication", [ReturnStatus.SUBMITTED]),
    "approve": ("returns.approve_returnapplication", [ReturnStatus.INSPECTED]),
    "receive": ("returns.receive_returnapplication", [ReturnStatus.APPROVED]),
    "close": ("returns.close_returnapplication", [ReturnStatus.RECEIVED]),
    "submit": ("returns.submit_returnapplication", [ReturnStatus.DRAFT]),
}


QUEUE_LABELS = {
    "submit": gettext_lazy("Drafts to submit"),
    "inspect": gettext_lazy("Returned goods to inspect"),
    "approve": gettext_lazy("Returns to approve"),
    "receive": gettext_lazy("Returns to receive into stock"),
    "close": gettext_lazy("Returns to close (cause and action)"),
}


def return_queues(user, *, limit: int = 10) -> list[tuple[str, list[ReturnApplication]]]:
    """(queue name, the returns waiting for this user's roles), in one query
    whatever the number of queues the user's roles have."""
    wanted = {name: statuses for name, (perm, statuses) in QUEUES.items() if user.has_perm(perm)}
    if not wanted:
        return []
    statuses = [status for group in wanted.values() for status in group]
    rows = list(
        returns_visible(user)
        .filter(status__in=statuses)
        .order_by("created_at", "id")[: limit * len(wanted)]
    )
    return [
        (name, [r for r in rows if r.status in group][:limit]) for name, group in wanted.items()
    ]


def allowance_queue(user, *, limit: int = 10) -> list[Allowance]:
    """Allowances waiting at the user's approval level or below: one query."""
    from approvals.models import ApprovalAssignment

    if not user.has_perm("returns.approve_allowance"):
        return []
    my_rank = ApprovalAssignment.objects.filter(user_id=user.pk).values("level__rank")[:1]
    return list(
        allowances_visible(user)
        .filter(status=AllowanceStatus.SUBMITTED, waiting_level__rank__lte=Subquery(my_rank))
        .order_by("submitted_at")[:limit]
    )


# --- the returns report (退货追究制: by cause, product, customer, month) ------------------


@dataclass
class ReturnsReportRow:
    key: str
    label: str
    returns: int
    quantity: Decimal
    value: Decimal


GROUPS = ("cause", "product", "customer", "month")


def returns_report(
    *, group: str, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> list[ReturnsReportRow]:
    """Returns received or closed (the goods came back), by one grouping, on
    the lines' quantities and values; the largest value first (months in order)."""
    if group not in GROUPS:
        raise ValueError(group)
    lines = ReturnLine.objects.filter(
        application__status__in=[ReturnStatus.RECEIVED, ReturnStatus.CLOSED]
    )
    if date_from:
        lines = lines.filter(application__received_at__date__gte=date_from)
    if date_to:
        lines = lines.filter(application__received_at__date__lte=date_to)
    keys = {
        "cause": ["application__cause"],
        "product": ["product_id", "product__sku", "product__name"],
        "customer": ["application__customer_id", "application__customer__name"],
        "month": ["month"],
    }[group]
    if group == "month":
        lines = lines.annotate(month=TruncMonth("application__received_at"))
    rows = (
        lines.values(*keys)
        .annotate(
            returns=Count("application_id", distinct=True),
            quantity=Sum("quantity"),
            value=Sum("amount"),
        )
        .order_by(*(["month"] if group == "month" else ["-value", *keys]))
    )
    from returns.enums import ReturnCause

    causes = dict(ReturnCause.choices)
    report = []
    for row in rows:
        if group == "cause":
            key = row["application__cause"] or ""
            label = str(causes.get(key, "—")) if key else "—"
        elif group == "product":
            key, label = str(row["product_id"]), f"{row['product__sku']} {row['product__name']}"
        elif group == "customer":
            key, label = str(row["application__customer_id"]), row["application__customer__name"]
        else:
            key = label = row["month"].strftime("%Y-%m")
        report.append(
            ReturnsReportRow(
                key=key,
                label=label,
                returns=row["returns"],
                quantity=row["quantity"],
                value=row["value"],
            )
        )
    return report
