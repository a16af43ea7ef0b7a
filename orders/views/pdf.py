"""Printed documents: the sales order (销售通知单) and the delivery note's five
copies (发货单). Paper forms print bilingual labels whatever the page language.

The exit-pass copy goes out of the gate with the driver, so it is built from
its own context, which never holds the customer, a price or an amount: the
template cannot print what it is not given.
"""

from __future__ import annotations

import logging
from decimal import Decimal

import segno
from django.conf import settings
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from inventory.enums import PRINTED_UNIT_LABELS, Unit
from orders.enums import NoteStatus, OrderStatus, PickupMode
from orders.models import DeliveryNote, DeliveryNoteLine, SalesOrder
from orders.selectors.sales_orders import sales_order_detail
from orders.services.exit_pass import exit_pass_token
from salesadmin.page_access import role_required
from salesadmin.pages import found_or_404, page_or_partial
from salesadmin.pdf import (
    html_digest,
    money_text,
    pdf_response,
    quantity_text,
    render_pdf,
    rmb_capital,
    store_pdf,
    stored_pdf,
)

logger = logging.getLogger(__name__)

PICKUP_LABELS = {
    PickupMode.SELF_PICKUP: "自提 Self-pickup",
    PickupMode.DELIVERED: "送货 Delivered",
}
ORDER_STATUS_LABELS = {
    OrderStatus.DRAFT: "草稿 DRAFT",
    OrderStatus.SUBMITTED: "待审批 AWAITING APPROVAL",
    OrderStatus.REJECTED: "已驳回 REJECTED",
    OrderStatus.CANCELLED: "已取消 CANCELLED",
}
NOTE_VOID_LABELS = {
    NoteStatus.CANCELLED: "作废 CANCELLED",
    NoteStatus.EXPIRED: "过期作废 EXPIRED",
}
# The four copies that may show customer and money, in print order; the exit
# pass (出门证联) is the fifth and is rendered separately.
COMMERCIAL_COPIES = [
    ("stub", "第一联", "存根", "Stub"),
    ("accounting", "第二联", "会计联", "Accounting copy"),
    ("warehouse", "第三联", "仓库联", "Warehouse copy"),
    ("goods", "第四联", "随货同行联", "Goods-accompanying copy"),
]
EXIT_PASS_COPY = ("exit_pass", "第五联", "出门证联", "Exit pass")
COPY_FIELDS = ("key", "ordinal", "label_zh", "label_en")
# Printed at ~45 mm this is about 1 mm a module: easy for a phone at the gate.
QR_SCALE = 8
QR_BORDER = 4


def _person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


# --- The sales order ------------------------------------------------------------------


def _order_context(order: SalesOrder) -> dict:
    lines = [
        {
            "position": index,
            "product": line.product.name,
            "sku": line.product.sku,
            "specification": line.product.specification,
            "quantity": quantity_text(line.quantity),
            "unit": PRINTED_UNIT_LABELS.get(line.product.unit, line.product.unit),
            "unit_price": money_text(line.unit_price),
            "amount": money_text(line.amount),
        }
        for index, line in enumerate(order.lines.all(), start=1)
    ]
    if order.decided_by:
        approved_by = _person(order.decided_by)
    elif order.decided_at:
        approved_by = "自动审批 Auto-approved"
    else:
        approved_by = ""
    number = order.number or f"草稿 Draft #{order.pk}"
    return {
        "title": f"销售通知单 {number}",
        "company_name": settings.COMPANY_NAME,
        "number": number,
        "customer": order.customer,
        "order_date": order.order_date,
        "pickup": PICKUP_LABELS.get(order.pickup_mode, order.pickup_mode),
        "remarks": order.remarks,
        "lines": lines,
        "total": money_text(order.total),
        "total_capital": rmb_capital(order.total),
        "created_by": _person(order.created_by),
        "created_at": _when(order.created_at),
        "approved_by": approved_by,
        "approved_at": _when(order.decided_at),
        "watermark": ORDER_STATUS_LABELS.get(order.status, ""),
    }


@require_GET
@role_required("orders.view_salesorder")
def order_pdf(request, pk: int):
    order = found_or_404(SalesOrder, sales_order_detail, pk=pk, user=request.user)
    pdf = render_pdf("pdf/sales_order.html", _order_context(order), request=request)
    return pdf_response(pdf, f"{order.number or f'order-{order.pk}'}.pdf")


# Printed in the contract number's place on a note of goods out without a sale.
NON_SALE_LABELS = {"sample": "样件 Sample", "non_sale": "视同销售出库 Non-sale outbound"}


# --- The delivery note ----------------------------------------------------------------


def _notes_printed():
    lines = DeliveryNoteLine.objects.select_related("product").prefetch_related(
        "allocations__batch"
    )
    return DeliveryNote.objects.select_related(
        "customer",
        "order",
        "warehouse",
        "issued_by",
        "stamped_by",
        "dispatched_by",
        "gate_exit__guard",
    ).prefetch_related(Prefetch("lines", queryset=lines))


def _get_note(pk: int) -> DeliveryNote:
    return get_object_or_404(_notes_printed(), pk=pk)


def notes_for_print(ids: list[int]) -> list[DeliveryNote]:
    """Several notes with all a print needs, in a fixed number of queries."""
    return list(_notes_printed().filter(pk__in=ids))


def _weight_kg(line: DeliveryNoteLine, quantity: Decimal) -> Decimal | None:
    product = line.product
    if product.unit == Unit.KG:
        return quantity
    if product.unit == Unit.TONNE:
        return quantity * 1000
    if product.unit_weight:
        return quantity * product.unit_weight
    return None


def _goods_row(index: int, line: DeliveryNoteLine) -> dict:
    """What any copy may show of a line: goods, never money."""
    product = line.product
    loaded = line.actual_quantity
    weight = _weight_kg(line, loaded if loaded is not None else line.quantity)
    batches = [f"{a.batch.number} × {quantity_text(a.quantity)}" for a in line.allocations.all()]
    return {
        "position": index,
        "product": product.name,
        "sku": product.sku,
        "specification": product.specification,
        "standard": product.standard,
        "unit": PRINTED_UNIT_LABELS.get(product.unit, product.unit),
        "quantity": quantity_text(line.quantity),
        "actual_quantity": quantity_text(loaded),
        "weight": quantity_text(weight.quantize(Decimal("0.001"))) if weight is not None else "",
        "weight_value": weight,
        "batches": batches,
    }


def _signatures(note: DeliveryNote) -> list[dict]:
    gate_exit = getattr(note, "gate_exit", None)
    return [
        {
            "label": "制单 Issued by",
            "name": _person(note.issued_by),
            "at": _when(note.issued_at),
        },
        {
            # Goods out without a sale: released on the request's approval, no stamp.
            "label": "财务 Finance" if note.order_id else "审批放行 Released on approval",
            "name": _person(note.stamped_by),
            "at": _when(note.stamped_at),
        },
        {
            "label": "仓库 Warehouse",
            "name": _person(note.dispatched_by),
            "at": _when(note.dispatched_at),
        },
        {
            "label": "门卫 Gate",
            "name": _person(gate_exit.guard) if gate_exit else "",
            "at": _when(gate_exit.exited_at) if gate_exit else "",
        },
    ]


def _short_code(code: str) -> str:
    """8JEQP4K6 → 8JEQ-P4K6: easier to read aloud and type at the gate."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def exit_pass_qr(note: DeliveryNote) -> segno.QRCode:
    return segno.make(exit_pass_token(note), error="m", micro=False)


def note_pdf_context(note: DeliveryNote, *, qr: bool = True) -> dict:
    """Two separate contexts: ``commercial`` for copies 1–4, ``exit_pass`` for copy 5.

    ``qr=False`` puts what the QR code carries, unsigned, in place of its
    image: the signature holds the signing second, so the HTML of two prints
    of an unchanged note would differ only there (note_pdf_digest)."""
    note_lines = list(note.lines.all())
    goods = [_goods_row(index, line) for index, line in enumerate(note_lines, start=1)]
    weights = [row.pop("weight_value") for row in goods]
    total_weight = (
        quantity_text(sum(weights, Decimal("0")).quantize(Decimal("0.001")))
        if weights and all(w is not None for w in weights)
        else ""
    )
    dispatched = note.actual_value is not None
    header = {
        "company_name": settings.COMPANY_NAME,
        "number": note.number or f"#{note.pk}",
        "issue_date": note.issue_date,
        # Goods out without a sale have no contract: the kind stands in its place.
        "contract_number": (note.order.number or "")
        if note.order_id
        else NON_SALE_LABELS[note.kind],
        "warehouse": note.warehouse.name,
        "vehicle_plate": note.vehicle_plate,
        "driver": note.driver,
        "dispatched": dispatched,
        "goods": goods,
        "total_weight": total_weight,
        "signatures": _signatures(note),
    }
    commercial_lines = [
        {
            **row,
            "unit_price": money_text(line.unit_price),
            "amount": money_text(line.amount),
        }
        for row, line in zip(goods, note_lines, strict=True)
    ]
    commercial = {
        **header,
        "goods": commercial_lines,
        "customer_name": note.customer.name if note.customer_id else "—",
        "customer_code": note.customer.code if note.customer_id else "",
        "customer_address": note.customer.address if note.customer_id else "",
        "pickup": PICKUP_LABELS.get(note.order.pickup_mode, note.order.pickup_mode)
        if note.order_id
        else "",
        "total": money_text(note.value),
        "total_capital": rmb_capital(note.value),
        "actual_total": money_text(note.actual_value) if dispatched else "",
        "actual_total_capital": rmb_capital(note.actual_value) if dispatched else "",
    }
    exit_pass = {
        **header,
        "copy": dict(zip(COPY_FIELDS, EXIT_PASS_COPY, strict=True)),
        "qr_data_uri": (
            exit_pass_qr(note).png_data_uri(scale=QR_SCALE, border=QR_BORDER)
            if qr
            else f"qr:{note.pk}:{note.pass_code}"
        ),
        "short_code": _short_code(note.pass_code),
    }
    copies = [dict(zip(COPY_FIELDS, copy, strict=True)) for copy in COMMERCIAL_COPIES]
    return {
        # The document title is PDF metadata: the number only, never the customer.
        "title": f"发货单 {header['number']}",
        "company_name": settings.COMPANY_NAME,
        "void": NOTE_VOID_LABELS.get(note.status, ""),
        "copies": copies,
        "commercial": commercial,
        "exit_pass": exit_pass,
    }


# --- The note's print, rendered off the request path ----------------------------------
# Five pages of layout hold a web worker for most of a second, so a Celery
# task renders the note and keeps the bytes (salesadmin.pdf.store_pdf) under
# the hash of the note's HTML; the page serves them while the note still
# reads the same, and otherwise shows a page that polls until they are ready.
NOTE_TEMPLATE = "pdf/delivery_note.html"
# The polling page asks again every second, and publishes the task again
# every so many polls in case its message was lost (a retry renders once:
# note_pdf_store finds the bytes).
POLL_REPUBLISH_EVERY = 15


def note_pdf_document(note: DeliveryNote) -> str:
    return f"delivery_note:{note.pk}"


def note_pdf_digest(note: DeliveryNote) -> str:
    """The hash of everything the note prints (a template render, no PDF)."""
    return html_digest(render_to_string(NOTE_TEMPLATE, note_pdf_context(note, qr=False)))


def note_pdf_store(note_id: int) -> bool:
    """Render the note's PDF and keep it, unless the current one is kept
    already. Returns whether it rendered. Called by orders.tasks.render_note_pdf."""
    note = _get_note(note_id)
    digest = note_pdf_digest(note)
    if stored_pdf(document=note_pdf_document(note), digest=digest) is not None:
        return False
    content = render_pdf(NOTE_TEMPLATE, note_pdf_context(note))
    store_pdf(document=note_pdf_document(note), digest=digest, content=content)
    return True


def _publish_render(note: DeliveryNote) -> bool:
    from orders.tasks import render_note_pdf

    try:
        render_note_pdf.apply_async(args=[note.pk])
    except Exception:  # broker down or slow: the caller prints on the request instead
        logger.exception("Could not publish the print of note %s", note.pk)
        return False
    return True


def render_notes_pdf(notes: list[DeliveryNote], *, request=None) -> bytes:
    """Several notes in one PDF, each with its five copies (none of them void)."""
    contexts = [note_pdf_context(note) for note in notes]
    return render_pdf(
        "pdf/delivery_notes.html",
        {
            "title": "发货单 " + ", ".join(c["commercial"]["number"] for c in contexts),
            "company_name": settings.COMPANY_NAME,
            "notes": contexts,
        },
        request=request,
    )


@require_GET
@role_required("orders.view_deliverynote")
def note_pdf(request, pk: int):
    note = _get_note(pk)
    filename = f"{note.number or f'note-{note.pk}'}.pdf"
    document, digest = note_pdf_document(note), note_pdf_digest(note)
    pdf = stored_pdf(document=document, digest=digest)
    try:
        attempt = max(0, int(request.GET.get("attempt", "0")))
    except ValueError:
        attempt = 0
    if pdf is None and (not request.htmx or attempt % POLL_REPUBLISH_EVERY == 0):
        if _publish_render(note):
            # Run at once where Celery is eager (tests, a laptop without Redis).
            pdf = stored_pdf(document=document, digest=digest)
        else:
            note_pdf_store(note.pk)
            pdf = stored_pdf(document=document, digest=digest)
    if pdf is not None:
        if request.htmx:  # the polling page: the print is ready, open it
            response = HttpResponse(status=204)
            response["HX-Redirect"] = request.path
            return response
        return pdf_response(pdf, filename)
    context = {"note": note, "attempt": attempt + 1}
    return page_or_partial(
        request, "orders/note_pdf_wait.html", "orders/_note_pdf_wait.html", context
    )


urlpatterns = [
    path("<int:pk>/pdf/", order_pdf, name="order_pdf"),
    path("notes/<int:pk>/pdf/", note_pdf, name="note_pdf"),
]
