"""Return applications' pages: the list with the queues, filing one, changing
a draft, the detail with the actions the user may take."""

from __future__ import annotations

from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from returns.enums import (
    InspectionResult,
    ReturnCause,
    ReturnReason,
    ReturnStatus,
)
from returns.models import ReturnApplication, ReturnLine
from returns.selectors import (
    QUEUE_LABELS,
    history,
    return_detail_queryset,
    return_queues,
    returns_visible,
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
    return_application_update,
    returnable_quantities,
)
from returns.views.common import VIEW_RETURN, note_for_return, page_action
from salesadmin.page_access import role_required
from salesadmin.pages import page_of, written_or_refused

RETURN_ACTION_LABELS = {
    "submit": gettext_lazy("Submit for inspection"),
    "inspect": gettext_lazy("Record the inspection"),
    "approve": gettext_lazy("Approve the return"),
    "reject": gettext_lazy("Reject the return"),
    "receive": gettext_lazy("Receive the goods into stock"),
    "close": gettext_lazy("Record the cause and close"),
    "cancel": gettext_lazy("Cancel the return"),
}


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
    page = page_of(request, qs)
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


def _form_rows(note, post, *, application=None) -> list[dict]:
    """The note's lines for the return form: what can still be returned (a
    draft being changed does not count against itself), the batches the goods
    left from, and the values to show (posted, else the draft's)."""
    current = {ln.note_line_id: ln for ln in application.lines.all()} if application else {}
    returnable = returnable_quantities(
        note, exclude_application_id=application.pk if application else None
    )
    rows = []
    for line in note.lines.prefetch_related("allocations__batch").select_related("product"):
        given = current.get(line.pk)
        if post:
            quantity = post.get(f"quantity_{line.pk}", "")
            reason = post.get(f"reason_{line.pk}", "")
            batch = post.get(f"batch_{line.pk}", "")
        else:
            quantity = format(given.quantity.normalize(), "f") if given else ""
            reason = given.reason if given else ""
            batch = str(given.batch_id) if given else ""
        rows.append(
            {
                "line": line,
                "returnable": returnable[line.pk],
                "batches": list({a.batch_id: a.batch for a in line.allocations.all()}.values()),
                "posted_quantity": quantity,
                "posted_reason": reason,
                "posted_batch": batch,
            }
        )
    return rows


def _posted_lines(rows: list[dict], post) -> list[ReturnLineInput]:
    lines = []
    for row in rows:
        line = row["line"]
        quantity = post.get(f"quantity_{line.pk}", "").strip()
        if not quantity or quantity == "0":
            continue
        batch_id = post.get(f"batch_{line.pk}", "")
        lines.append(
            ReturnLineInput(
                note_line=line,
                quantity=quantity,
                reason=post.get(f"reason_{line.pk}", ""),
                batch=next((b for b in row["batches"] if str(b.pk) == batch_id), None),
            )
        )
    return lines


def _form_page(request, save, *, rows, written: str, error: str = "", status: int = 200, **context):
    """The return form: shown, or posted through ``save`` with the customer's
    document, the remarks and the lines; done, the ``written`` message and the
    return's page. An ``error`` found before (no such note) is shown, nothing saved."""
    post = request.POST
    if request.method == "POST" and save is not None and not error:
        done, error, status = written_or_refused(
            request,
            lambda: save(
                customer_document=post.get("customer_document", ""),
                remarks=post.get("remarks", ""),
                lines=_posted_lines(rows, post),
            ),
            message=lambda application: written % {"number": application.number},
            detail="returns:return_detail",
        )
        if done:
            return done
    context = {"rows": rows, "reasons": ReturnReason.choices, "error": error, **context}
    return render(request, "returns/return_form.html", context, status=status)


@role_required(VIEW_RETURN, "returns.submit_returnapplication")
def return_create(request):
    raw = request.POST.get("note") or request.GET.get("note", "")
    note = note_for_return(raw)
    error, status = "", 200
    if raw and note is None:
        error, status = _("No delivery note %(number)s.") % {"number": raw}, 404
    elif note is not None and note.status not in DELIVERED_STATUSES:
        error = _("Goods can be returned only from a note that was dispatched.")
        status = 400
    rows = _form_rows(note, request.POST) if note is not None and not error else []
    return _form_page(
        request,
        None
        if note is None
        else lambda **fields: return_application_create(
            delivery_note=note, user=request.user, **fields
        ),
        rows=rows,
        written=_("Return %(number)s filed. Submit it when the goods are at the gate."),
        error=error,
        status=status,
        note=note,
        note_query=raw,
        posted=request.POST,
    )


@role_required(VIEW_RETURN, "returns.submit_returnapplication")
def return_edit(request, pk: int):
    """Change a draft: its lines, reasons, batches, the customer's document
    number and remarks. Not a draft: the return's page says so (409)."""
    application = get_object_or_404(return_detail_queryset(request.user), pk=pk)
    if application.status != ReturnStatus.DRAFT:
        return _return_page(
            request,
            pk,
            error=_("Only a draft return can be changed; this one is %(state)s.")
            % {"state": application.get_status_display()},
            status=409,
        )
    note = application.delivery_note
    post = request.POST if request.method == "POST" else None
    rows = _form_rows(note, post, application=application)
    return _form_page(
        request,
        lambda **fields: return_application_update(
            application=application, user=request.user, **fields
        ),
        rows=rows,
        written=_("Return %(number)s changed."),
        application=application,
        note=note,
        posted=post
        or {"customer_document": application.customer_document, "remarks": application.remarks},
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


def _return_done(application: ReturnApplication, action: str) -> str:
    if action == "receive":
        return _("Goods received into stock; credit note %(number)s issued.") % {
            "number": application.credit_note.number
        }
    return _("Return %(number)s: %(status)s.") % {
        "number": application.number,
        "status": application.get_status_display(),
    }


@role_required(VIEW_RETURN)
@require_POST
def return_action(request, pk: int, action: str):
    return page_action(
        request,
        pk,
        action,
        actions=RETURN_ACTION_LABELS,
        model=ReturnApplication,
        run=_run_return_action,
        page=_return_page,
        done=_return_done,
        detail="returns:return_detail",
    )
