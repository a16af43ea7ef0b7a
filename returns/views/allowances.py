"""Allowances' pages: the list with what waits for the user's level,
requesting one, the detail with the approval steps."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from finance.models import Invoice
from orders.models import DeliveryNoteLine
from returns.enums import (
    AllowanceReason,
    AllowanceStatus,
)
from returns.models import Allowance
from returns.selectors import (
    allowance_detail_queryset,
    allowance_queue,
    allowance_steps,
    allowances_visible,
    history,
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
from returns.views.common import VIEW_ALLOWANCE, note_for_return, page_action
from salesadmin.page_access import role_required
from salesadmin.pages import page_of, written_or_refused

# --- allowances --------------------------------------------------------------------------

ALLOWANCE_ACTION_LABELS = {
    "submit": gettext_lazy("Submit for approval"),
    "approve": gettext_lazy("Approve"),
    "reject": gettext_lazy("Reject"),
    "cancel": gettext_lazy("Cancel the allowance"),
}


@role_required(VIEW_ALLOWANCE)
def allowance_list(request):
    status = request.GET.get("status", "")
    qs = allowances_visible(request.user).order_by("-created_at", "-id")
    if status in AllowanceStatus.values:
        qs = qs.filter(status=status)
    page = page_of(request, qs)
    return render(
        request,
        "returns/allowance_list.html",
        {
            "page": page,
            "status": status,
            "statuses": AllowanceStatus.choices,
            "waiting_for_me": allowance_queue(request.user),
        },
    )


@role_required(VIEW_ALLOWANCE, "returns.submit_allowance")
def allowance_create_page(request):
    data = request.POST if request.method == "POST" else request.GET
    note = note_for_return(data.get("note", ""))
    invoice_raw = (data.get("invoice") or "").strip()
    invoice = (
        Invoice.objects.select_related("customer").filter(number__iexact=invoice_raw).first()
        if invoice_raw
        else None
    )
    error, status = "", 200
    if data.get("note") and note is None:
        error, status = _("No delivery note %(number)s.") % {"number": data.get("note")}, 404
    if invoice_raw and invoice is None:
        error, status = _("No invoice %(number)s.") % {"number": invoice_raw}, 404
    note_ids = []
    if invoice is not None:
        note_ids = list(
            invoice.items.filter(active=True).values_list("delivery_note_id", flat=True)
        )
    elif note is not None:
        note_ids = [note.pk]
    lines = list(
        DeliveryNoteLine.objects.filter(note_id__in=note_ids)
        .select_related("product", "note")
        .order_by("note_id", "id")
    )
    if request.method == "POST" and not error and (note or invoice):
        reductions = [
            AllowanceLineInput(note_line=line, unit_reduction=request.POST[f"reduction_{line.pk}"])
            for line in lines
            if request.POST.get(f"reduction_{line.pk}", "").strip()
        ]
        done, error, status = written_or_refused(
            request,
            lambda: allowance_create(
                user=request.user,
                delivery_note=None if invoice else note,
                invoice=invoice,
                reason=request.POST.get("reason", ""),
                reason_detail=request.POST.get("reason_detail", ""),
                customer_reference=request.POST.get("customer_reference", ""),
                amount=request.POST.get("amount", "").strip() or None,
                lines=reductions,
            ),
            message=lambda a: _("Allowance %(number)s requested.") % {"number": a.number},
            detail="returns:allowance_detail",
        )
        if done:
            return done
    return render(
        request,
        "returns/allowance_form.html",
        {
            "note": note,
            "invoice": invoice,
            "lines": lines,
            "reasons": AllowanceReason.choices,
            "error": error,
            "posted": request.POST,
            "query": data,
        },
        status=status,
    )


def _allowance_page(request, pk: int, *, error: str = "", status: int = 200):
    allowance = get_object_or_404(allowance_detail_queryset(request.user), pk=pk)
    actions = allowance_actions(allowance, request.user)
    return render(
        request,
        "returns/allowance_detail.html",
        {
            "allowance": allowance,
            "lines": list(allowance.lines.all()),
            "actions": [(name, ALLOWANCE_ACTION_LABELS[name]) for name in actions],
            "steps": allowance_steps(allowance),
            "history": history("allowance", allowance.pk),
            "error": error,
        },
        status=status,
    )


@role_required(VIEW_ALLOWANCE)
def allowance_detail(request, pk: int):
    return _allowance_page(request, pk)


def _run_allowance_action(request, allowance: Allowance, action: str) -> Allowance:
    user, post = request.user, request.POST
    if action == "submit":
        return allowance_submit(allowance=allowance, user=user)
    if action == "approve":
        return allowance_approve(allowance=allowance, user=user, comment=post.get("comment", ""))
    if action == "reject":
        return allowance_reject(allowance=allowance, user=user, comment=post.get("comment", ""))
    return allowance_cancel(allowance=allowance, user=user, reason=post.get("reason", ""))


def _allowance_done(allowance: Allowance, action: str) -> str:
    if allowance.credit_note_id and action == "approve":
        return _("Allowance approved; credit note %(number)s issued.") % {
            "number": allowance.credit_note.number
        }
    if action == "approve":
        return _("Approved at your level; it now waits for %(level)s.") % {
            "level": allowance.waiting_level.name
        }
    return _("Allowance %(number)s: %(status)s.") % {
        "number": allowance.number,
        "status": allowance.get_status_display(),
    }


@role_required(VIEW_ALLOWANCE)
@require_POST
def allowance_action(request, pk: int, action: str):
    return page_action(
        request,
        pk,
        action,
        actions=ALLOWANCE_ACTION_LABELS,
        model=Allowance,
        run=_run_allowance_action,
        page=_allowance_page,
        done=_allowance_done,
        detail="returns:allowance_detail",
    )
