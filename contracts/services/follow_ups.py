"""Follow-up call (回访, seed 002 1.2.3: "3~4日后与客户联系,确认货物接收情况"):
a few days after a contract's goods left the gate, the clerk calls the
customer and records whether the goods arrived in good order.

Which contracts: every new customer's (under a year of trading), every formal
contract, and every contract when settings.FOLLOW_UP_EVERY_CONTRACT is on.
The daily job (follow_ups_schedule) makes the row once per contract (unique),
so a rerun or a missed day never makes two.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts.enums import FollowUpStatus
from contracts.models import FollowUp
from orders.enums import NoteStatus, OrderStatus
from orders.models import SalesOrder
from salesadmin.clock import company_today
from salesadmin.db import locked
from salesadmin.errors import ApplicationError, ConflictError


def _new_customer_since(today: dt.date) -> dt.date:
    return today - dt.timedelta(days=365)


def follow_ups_schedule(*, today: dt.date | None = None) -> int:
    """Create the follow-ups of contracts whose goods left at least
    FOLLOW_UP_DAYS ago and have none yet; due FOLLOW_UP_DAYS after the last
    exit. Returns how many were made. One INSERT, whatever the number."""
    today = today or company_today()
    days = settings.FOLLOW_UP_DAYS
    qs = (
        SalesOrder.objects.filter(
            status__in=[OrderStatus.PARTIALLY_DELIVERED, OrderStatus.COMPLETED],
            follow_up__isnull=True,
        )
        .annotate(
            last_exit=Max(
                "delivery_notes__gate_exit__exited_at",
                filter=Q(delivery_notes__status=NoteStatus.EXITED),
            )
        )
        .filter(last_exit__isnull=False)
    )
    if not settings.FOLLOW_UP_EVERY_CONTRACT:
        qs = qs.filter(Q(formal=True) | Q(customer__trading_since__gt=_new_customer_since(today)))
    rows = []
    for order_id, last_exit in qs.values_list("pk", "last_exit"):
        left_on = timezone.localtime(last_exit).date()
        if left_on + dt.timedelta(days=days) > today:
            continue
        rows.append(FollowUp(order_id=order_id, due_date=left_on + dt.timedelta(days=days)))
    FollowUp.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


@transaction.atomic
def follow_up_record(*, follow_up: FollowUp, received_ok: bool, remarks: str, user) -> FollowUp:
    if not user.has_perm("contracts.record_followup"):
        raise PermissionDenied
    follow_up = locked(FollowUp.objects).get(pk=follow_up.pk)
    if follow_up.status != FollowUpStatus.DUE:
        raise ConflictError(_("This call is already recorded."), code="invalid_state")
    remarks = (remarks or "").strip()[:500]
    if received_ok is None:
        raise ApplicationError(
            _("Say whether the goods arrived in good order."), code="result_required"
        )
    if not received_ok and not remarks:
        raise ApplicationError(_("Say what was wrong with the goods."), code="remarks_required")
    follow_up.status = FollowUpStatus.DONE
    follow_up.received_ok = received_ok
    follow_up.remarks = remarks
    follow_up.done_by = user
    follow_up.done_at = timezone.now()
    follow_up.save(update_fields=["status", "received_ok", "remarks", "done_by", "done_at"])
    return follow_up
