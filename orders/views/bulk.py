"""Bulk actions from the lists: approve several orders, stamp or print several notes.

Each item is done in its own transaction and reported on its own (orders/services/bulk.py).
"""

from __future__ import annotations

from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from orders.services.bulk import (
    MAX_ITEMS,
    BulkItem,
    delivery_notes_for_print,
    delivery_notes_stamp_many,
    sales_orders_approve_many,
)
from orders.views.pdf import notes_for_print, render_notes_pdf
from salesadmin.decimal_input import parse_id
from salesadmin.errors import ApplicationError
from salesadmin.page_access import role_required
from salesadmin.pdf import pdf_response


def _ids(request) -> list[int]:
    ids = [parse_id(raw) for raw in request.POST.getlist("ids")[: MAX_ITEMS + 1]]
    return [pk for pk in ids if pk is not None]


def _ok(result) -> bool:
    return result["ok"] if isinstance(result, dict) else result.ok


def _result_page(request, results: list, **context):
    return render(
        request,
        "orders/bulk_result.html",
        {"results": results, "done": sum(1 for r in results if _ok(r)), **context},
    )


def _refused(request, exc: ApplicationError, **context):
    item = BulkItem(0, "", False, exc.code, str(exc.message))
    return _result_page(request, [item], **context)


def _bulk_page(request, act, *, detail: str, **context):
    """Run the bulk action ``act``: one result per document, each found one
    linked to its ``detail`` page; a refusal of the whole request as a page."""
    try:
        results = act()
    except ApplicationError as exc:
        return _refused(request, exc, **context)
    rows = [
        {**r.__dict__, "url": reverse(detail, args=[r.id]) if r.number else ""} for r in results
    ]
    return _result_page(request, rows, **context)


@role_required("orders.view_salesorder", "orders.approve_salesorder")
@require_POST
def orders_approve(request):
    context = {
        "heading": _("Approve several orders"),
        "ok_label": _("Approved"),
        "back_url": reverse("orders:approval_list"),
        "back_label": _("Orders waiting for approval"),
    }
    return _bulk_page(
        request,
        lambda: sales_orders_approve_many(
            ids=_ids(request), user=request.user, comment=request.POST.get("comment", "")[:300]
        ),
        detail="orders:order_detail",
        **context,
    )


@role_required("orders.view_deliverynote", "orders.stamp_deliverynote")
@require_POST
def notes_stamp(request):
    context = {
        "heading": _("Stamp several notes"),
        "ok_label": _("Stamped"),
        "back_url": reverse("orders:note_list") + "?status=issued",
        "back_label": _("Delivery notes"),
    }
    return _bulk_page(
        request,
        lambda: delivery_notes_stamp_many(ids=_ids(request), user=request.user),
        detail="orders:note_detail",
        **context,
    )


@role_required("orders.view_deliverynote")
@require_POST
def notes_print(request):
    """One PDF of the chosen notes; void ones are refused on their own (each prints
    alone, with its watermark), and the page then offers the rest."""
    ids = _ids(request)
    context = {
        "heading": _("Print several notes"),
        "ok_label": _("Printable"),
        "back_url": reverse("orders:note_list"),
        "back_label": _("Delivery notes"),
    }
    found = {note.pk: note for note in notes_for_print(ids[:MAX_ITEMS])}
    try:
        results = delivery_notes_for_print(ids=ids, notes=found)
    except ApplicationError as exc:
        return _refused(request, exc, **context)
    printable = [found[r.id] for r in results if r.ok]
    if len(printable) < len(results):
        rows = [
            {**r.__dict__, "url": reverse("orders:note_detail", args=[r.id]) if r.number else ""}
            for r in results
        ]
        return _result_page(request, rows, printable=[n.pk for n in printable], **context)
    pdf = render_notes_pdf(printable, request=request)
    return pdf_response(pdf, f"delivery-notes-{len(printable)}.pdf")


urlpatterns = [
    path("approvals/approve/", orders_approve, name="orders_approve"),
    path("notes/stamp/", notes_stamp, name="notes_stamp"),
    path("notes/print/", notes_print, name="notes_print"),
]
