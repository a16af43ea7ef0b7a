"""The home page: each role's queue for today, then the cards."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from contracts.selectors import (
    contracts_to_review,
    contracts_waiting_for_production,
    follow_up_queue,
)
from customers.models import Customer
from inventory.enums import MoveKind
from inventory.selectors import recent_moves, stock_overview
from orders.enums import NoteStatus
from orders.selectors import delivery_notes as notes
from outbound.selectors import outbound_to_act_on
from portal.help import hints_for
from returns.selectors import QUEUE_LABELS, allowance_queue, return_queues
from sales.selectors.progress import target_progress
from salesadmin.clock import company_today, month_end
from salesadmin.roles import Role, user_roles


@login_required
def home(request):
    """Each role's home: what that person has to do today (its queue), then the cards."""
    roles = user_roles(request.user)
    context = {"roles": roles, "Role": Role, "hints": hints_for(request.user)}
    user = request.user
    context.update(_queues(user, roles))
    if user.has_perm("customers.view_customer"):
        context["customers_on_hold"] = list(
            Customer.objects.filter(on_credit_hold=True).order_by("-credit_hold_since")[:10]
        )
        context["customer_count"] = Customer.objects.filter(active=True).count()
    if user.has_perm("inventory.view_stocklevel"):
        context["below_safety"] = list(stock_overview(below_safety=True)[:10])
    if user.has_perm("inventory.record_production_receipt"):
        context["recent_receipts"] = list(recent_moves(limit=5, kind=MoveKind.PRODUCTION_RECEIPT))
    if user.has_perm("returns.view_returnapplication") or user.has_perm("returns.view_allowance"):
        context["return_queues"] = [
            (QUEUE_LABELS[name], rows) for name, rows in return_queues(user, limit=5) if rows
        ]
        context["allowances_to_approve"] = allowance_queue(user, limit=5)
    if Role.SALES_CLERK in roles or Role.MANAGER in roles:
        # Contracts (issue 11): waiting for production (late ones first), the
        # follow-up calls due, the formal contracts waiting for this reviewer.
        if user.has_perm("contracts.view_productiontask"):
            context["contracts_waiting"] = list(
                contracts_waiting_for_production().order_by("-late_tasks", "order_date", "id")[:5]
            )
        if user.has_perm("contracts.record_followup"):
            context["follow_ups_due"] = list(follow_up_queue(due_by=company_today())[:5])
        if user.has_perm("orders.review_contract"):
            context["contracts_to_review"] = contracts_to_review(user, limit=5)
    # Samples and non-sale requests at this person's step (issue 11): the
    # accountant's check, the manager's opinion, an approval at their level.
    context["outbound_to_act"] = outbound_to_act_on(user, limit=5)
    if Role.SALES_CLERK in roles and user.has_perm("sales.view_salestarget"):
        # A salesperson's own month: shown when they have a target or sales.
        today = company_today()
        mine = target_progress(
            today.replace(day=1), month_end(today), salesperson_id=user.pk, today=today
        )
        context["my_progress"] = mine if mine.rows else None
    if request.htmx:
        # The queues refresh themselves (every 30 s), and the menu's count with them.
        context["work_count"] = notes.work_counts(user=user, roles=roles, day=company_today())
        return render(request, "portal/_home_queues.html", context)
    return render(request, "portal/home.html", context)


def _reverse_or_none(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:  # a page another issue builds
        return None


def _queues(user, roles: list[str]) -> dict:
    """The approval chain's work for each of the user's roles, today's notes only:
    a note issued on an earlier day has expired and is nobody's work (当天内有效).
    Each queue is a fixed number of queries, however long it is."""
    today = company_today()
    queues: dict = {"today": today}
    if Role.SALES_CLERK in roles and user.has_perm("orders.view_deliverynote"):
        if user.has_perm("orders.view_salesorder"):
            queues["my_orders"] = notes.orders_created_by(user=user)
        queues["my_notes_today"] = notes.notes_issued_by(user=user, day=today, limit=10)
    if Role.FINANCE in roles and user.has_perm("orders.stamp_deliverynote"):
        queues["to_stamp"] = notes.notes_in_status(status=NoteStatus.ISSUED, day=today)
        queues["awaiting_topup"] = notes.notes_in_status(
            status=NoteStatus.AWAITING_TOPUP, day=today
        )
    if Role.WAREHOUSE_KEEPER in roles and user.has_perm("orders.dispatch_deliverynote"):
        queues["to_load"] = notes.notes_to_load(day=today)
    if Role.GATE_GUARD in roles and user.has_perm("orders.exit_deliverynote"):
        # Number, vehicle and goods only: the gate never sees customer or price.
        queues["gate_url"] = _reverse_or_none("orders:gate")
        queues["at_gate"] = notes.notes_at_gate(day=today)
    if Role.MANAGER in roles:
        if user.has_perm("orders.approve_salesorder"):
            count, oldest = notes.orders_waiting_for_approval()
            queues["approval_count"], queues["approval_oldest"] = count, oldest
            queues["approval_url"] = _reverse_or_none("orders:approval_list")
        if user.has_perm("orders.override_stamp_deliverynote"):
            queues["override_requests"] = notes.notes_awaiting_override(day=today)
        if user.has_perm("orders.view_deliverynote"):
            counts = notes.note_stage_counts(day=today)
            queues["stages"] = [
                {"status": status, "label": label, "count": counts[status]}
                for status, label in NoteStatus.choices
            ]
    return queues
