"""Pages: returns and allowances for each role's part. Every write goes
through returns/services; a refused action shows the page again with the
rule's words and its status (400 rule, 409 state); a wrong role gets 403."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_fsm import ConcurrentTransition

from finance.models import Invoice
from orders.models import DeliveryNote, DeliveryNoteLine
from returns.enums import (
    AllowanceReason,
    AllowanceStatus,
    InspectionResult,
    ReturnCause,
    ReturnReason,
    ReturnStatus,
)
from returns.models import Allowance, ReturnApplication, ReturnLine
from returns.selectors import (
    GROUPS,
    QUEUE_LABELS,
    allowance_detail_queryset,
    allowance_queue,
    allowance_steps,
    allowances_visible,
    history,
    return_detail_queryset,
    return_queues,
    returns_report,
    returns_visible,
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
from returns.services.return_applications import (
    DELIVERED_STATUSES,
    InspectionInput,
    ReturnLineInput,
    return_actions,
    return_application_approve,
    return_application_cancel,
    return_application_close,
    return_application_create,
    return_application_inspect,
    return_application_receive,
    return_application_reject,
    return_application_submit,
    returnable_quantities,
)
from salesadmin.errors import ApplicationError
from salesadmin.exports import export_response
from salesadmin.page_access import role_required

VIEW_RETURN = "returns.view_returnapplication"
VIEW_ALLOWANCE = "returns.view_allowance"

RETURN_ACTION_LABELS = {
    "submit": gettext_lazy("Submit for inspection"),
    "inspect": gettext_lazy("Record the inspection"),
    "approve": gettext_lazy("Approve the return"),
    "reject": gettext_lazy("Reject the return"),
    "receive": gettext_lazy("Receive the goods into stock"),
    "close": gettext_lazy("Record the cause and close"),
    "cancel": gettext_lazy("Cancel the return"),
}


def _refused(exc: Exception) -> int:
    if isinstance(exc, ConcurrentTransition):
        return 409
    return getattr(exc, "status_code", 400)


# --- return applications ---------------------------------------------------------------


@role_required(VIEW_RETURN)
def return_list(request):
    status = request.GET.get("status", "")
    qs = returns_visible(request.user).order_by("-created_at", "-id")
    if status in ReturnStatus.values:
        qs = qs.filter(status=status)
    search = request.GET.get("q", "").strip()
    if search:
        qs = qs.filter(
            Q(number__icontains=search)
            | Q(customer__name__icontains=search)
            | Q(delivery_note__number__icontains=search)
        )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "returns/return_list.html",
        {
            "page": page,
            "status": status,
            "statuses": ReturnStatus.choices,
            "q": search,
            "queues": [(QUEUE_LABELS[n], rows) for n, rows in return_queues(request.user)],
        },
    )


def _note_for_return(raw: str) -> DeliveryNote | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    query = Q(number__iexact=raw)
    if raw.isdigit() and len(raw) < 18:
        query |= Q(pk=int(raw))
    return DeliveryNote.objects.select_related("customer").filter(query).first()


@role_required(VIEW_RETURN, "returns.submit_returnapplication")
def return_create(request):
    raw = request.POST.get("note") or request.GET.get("note", "")
    note = _note_for_return(raw)
    error, status = "", 200
    if raw and note is None:
        error, status = _("No delivery note %(number)s.") % {"number": raw}, 404
    elif note is not None and note.status not in DELIVERED_STATUSES:
        error = _("Goods can be returned only from a note that was dispatched.")
        status = 400
    rows = []
    if note is not None and not error:
        returnable = returnable_quantities(note)
        batches: dict[int, list] = {}
        for line in note.lines.prefetch_related("allocations__batch").select_related("product"):
            batches[line.pk] = list({a.batch_id: a.batch for a in line.allocations.all()}.values())
            rows.append(
                {
                    "line": line,
                    "returnable": returnable[line.pk],
                    "batches": batches[line.pk],
                    "posted_quantity": request.POST.get(f"quantity_{line.pk}", ""),
                    "posted_reason": request.POST.get(f"reason_{line.pk}", ""),
                }
            )
    if request.method == "POST" and note is not None and not error:
        lines = []
        for row in rows:
            line = row["line"]
            quantity = request.POST.get(f"quantity_{line.pk}", "").strip()
            if not quantity or quantity == "0":
                continue
            batch_id = request.POST.get(f"batch_{line.pk}", "")
            batch = next((b for b in row["batches"] if str(b.pk) == batch_id), None)
            lines.append(
                ReturnLineInput(
                    note_line=line,
                    quantity=quantity,
                    reason=request.POST.get(f"reason_{line.pk}", ""),
                    batch=batch,
                )
            )
        try:
            application = return_application_create(
                delivery_note=note,
                user=request.user,
                customer_document=request.POST.get("customer_document", ""),
                remarks=request.POST.get("remarks", ""),
                lines=lines,
            )
        except ApplicationError as exc:
            error, status = str(exc), exc.status_code
        else:
            messages.success(
                request,
                _("Return %(number)s filed. Submit it when the goods are at the gate.")
                % {"number": application.number},
            )
            return redirect("returns:return_detail", pk=application.pk)
    return render(
        request,
        "returns/return_form.html",
        {
            "note": note,
            "note_query": raw,
            "rows": rows,
            "reasons": ReturnReason.choices,
            "error": error,
            "posted": request.POST,
        },
        status=status,
    )


def _return_page(request, pk: int, *, error: str = "", status: int = 200):
    application = get_object_or_404(return_detail_queryset(request.user), pk=pk)
    actions = return_actions(application, request.user)
    return render(
        request,
        "returns/return_detail.html",
        {
            "application": application,
            "lines": list(application.lines.all()),
            "actions": [(name, RETURN_ACTION_LABELS[name]) for name in actions],
            "history": history("return_application", application.pk),
            "results": InspectionResult.choices,
            "causes": ReturnCause.choices,
            "error": error,
            "posted": request.POST if error else {},
        },
        status=status,
    )


@role_required(VIEW_RETURN)
def return_detail(request, pk: int):
    return _return_page(request, pk)


def _run_return_action(request, application: ReturnApplication, action: str):
    user, post = request.user, request.POST
    if action == "submit":
        return return_application_submit(application=application, user=user)
    if action == "inspect":
        results = [
            InspectionInput(
                line=ReturnLine(pk=line.pk),
                result=post.get(f"result_{line.pk}", ""),
                findings=post.get(f"findings_{line.pk}", ""),
            )
            for line in application.lines.order_by("pk")
            if post.get(f"result_{line.pk}")
        ]
        return return_application_inspect(application=application, user=user, results=results)
    if action == "approve":
        return return_application_approve(
            application=application, user=user, comment=post.get("comment", "")
        )
    if action == "reject":
        return return_application_reject(
            application=application, user=user, comment=post.get("comment", "")
        )
    if action == "receive":
        return return_application_receive(application=application, user=user)
    if action == "close":
        return return_application_close(
            application=application,
            user=user,
            cause=post.get("cause", ""),
            cause_detail=post.get("cause_detail", ""),
            responsible=post.get("responsible", ""),
            corrective_action=post.get("corrective_action", ""),
        )
    return return_application_cancel(
        application=application, user=user, reason=post.get("reason", "")
    )


@role_required(VIEW_RETURN)
@require_POST
def return_action(request, pk: int, action: str):
    if action not in RETURN_ACTION_LABELS:
        raise Http404
    application = get_object_or_404(ReturnApplication, pk=pk)
    try:
        application = _run_return_action(request, application, action)
    except (ApplicationError, ConcurrentTransition) as exc:
        # PermissionDenied is not caught: the wrong role gets a 403.
        return _return_page(request, pk, error=str(exc), status=_refused(exc))
    if action == "receive":
        messages.success(
            request,
            _("Goods received into stock; credit note %(number)s issued.")
            % {"number": application.credit_note.number},
        )
    else:
        messages.success(
            request,
            _("Return %(number)s: %(status)s.")
            % {"number": application.number, "status": application.get_status_display()},
        )
    return redirect("returns:return_detail", pk=pk)


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
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
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
    note = _note_for_return(data.get("note", ""))
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
        try:
            allowance = allowance_create(
                user=request.user,
                delivery_note=None if invoice else note,
                invoice=invoice,
                reason=request.POST.get("reason", ""),
                reason_detail=request.POST.get("reason_detail", ""),
                customer_reference=request.POST.get("customer_reference", ""),
                amount=request.POST.get("amount", "").strip() or None,
                lines=reductions,
            )
        except ApplicationError as exc:
            error, status = str(exc), exc.status_code
        else:
            messages.success(
                request, _("Allowance %(number)s requested.") % {"number": allowance.number}
            )
            return redirect("returns:allowance_detail", pk=allowance.pk)
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


@role_required(VIEW_ALLOWANCE)
@require_POST
def allowance_action(request, pk: int, action: str):
    if action not in ALLOWANCE_ACTION_LABELS:
        raise Http404
    allowance = get_object_or_404(Allowance, pk=pk)
    user, post = request.user, request.POST
    try:
        if action == "submit":
            allowance = allowance_submit(allowance=allowance, user=user)
        elif action == "approve":
            allowance = allowance_approve(
                allowance=allowance, user=user, comment=post.get("comment", "")
            )
        elif action == "reject":
            allowance = allowance_reject(
                allowance=allowance, user=user, comment=post.get("comment", "")
            )
        else:
            allowance = allowance_cancel(
                allowance=allowance, user=user, reason=post.get("reason", "")
            )
    except (ApplicationError, ConcurrentTransition) as exc:
        return _allowance_page(request, pk, error=str(exc), status=_refused(exc))
    if allowance.credit_note_id and action == "approve":
        messages.success(
            request,
            _("Allowance approved; credit note %(number)s issued.")
            % {"number": allowance.credit_note.number},
        )
    elif action == "approve":
        messages.success(
            request,
            _("Approved at your level; it now waits for %(level)s.")
            % {"level": allowance.waiting_level.name},
        )
    else:
        messages.success(
            request,
            _("Allowance %(number)s: %(status)s.")
            % {"number": allowance.number, "status": allowance.get_status_display()},
        )
    return redirect("returns:allowance_detail", pk=pk)


# --- the returns report ----------------------------------------------------------------------


@role_required("returns.view_returns_report")
def returns_report_page(request):
    group = request.GET.get("group", "cause")
    if group not in GROUPS:
        group = "cause"
    date_from = parse_date(request.GET.get("from", "") or "") if request.GET.get("from") else None
    date_to = parse_date(request.GET.get("to", "") or "") if request.GET.get("to") else None
    rows = returns_report(group=group, date_from=date_from, date_to=date_to)
    export = request.GET.get("format")
    if export in ("csv", "xlsx"):
        return _report_export(rows, group, export)
    return render(
        request,
        "returns/report.html",
        {
            "rows": rows,
            "group": group,
            "groups": list(GROUP_LABELS.items()),
            "date_from": date_from,
            "date_to": date_to,
            "total_value": sum((r.value for r in rows), Decimal("0.00")),
            "query": request.GET.urlencode(),
        },
    )


GROUP_LABELS = {
    "cause": gettext_lazy("Cause"),
    "product": gettext_lazy("Product"),
    "customer": gettext_lazy("Customer"),
    "month": gettext_lazy("Month"),
}


def _report_export(rows, group: str, kind: str) -> HttpResponse:
    header = [str(GROUP_LABELS[group]), _("Returns"), _("Quantity"), _("Value")]
    return export_response(
        kind,
        f"returns-by-{group}",
        _("Returns"),
        header,
        [[r.label, r.returns, r.quantity, r.value] for r in rows],
        footer=[[_("Total"), "", "", sum((r.value for r in rows), Decimal("0.00"))]],
    )
