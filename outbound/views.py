"""Pages of samples (样件申请表) and request reports (请示报告单): lists, the
form, the detail with the actions this user may take, the printed documents,
and the selling expense report with CSV/XLSX."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from customers.models import Customer
from inventory.models import Product, Warehouse
from outbound.enums import REQUEST_PURPOSES, RequestStatus, SampleOutcome, SampleStatus
from outbound.models import NonSaleRequest, SampleApplication
from outbound.selectors import (
    document_history,
    outbound_expenses,
    request_detail,
    request_list,
    sample_detail,
    sample_list,
)
from outbound.services import requests as request_services
from outbound.services import samples as sample_services
from outbound.services.common import LineInput
from returns.views.common import page_action
from salesadmin.clock import company_today
from salesadmin.errors import ApplicationError
from salesadmin.exports import export_response
from salesadmin.page_access import role_required
from salesadmin.pages import date_param, found_or_404, page_of, written_or_refused
from salesadmin.pdf import pdf_response, render_pdf

VIEW_SAMPLE = "outbound.view_sampleapplication"
VIEW_REQUEST = "outbound.view_nonsalerequest"
FORM_LINES = 6

ACTION_LABELS = {
    "submit": gettext_lazy("Submit for approval"),
    "check": gettext_lazy("Give the accountant's opinion"),
    "endorse": gettext_lazy("Give the manager's opinion"),
    "approve": gettext_lazy("Approve"),
    "reject": gettext_lazy("Reject"),
    "issue_slip": gettext_lazy("Issue the outbound slip"),
    "record_outcome": gettext_lazy("Record the outcome"),
    "cancel": gettext_lazy("Cancel"),
}


def _posted_lines(post) -> list[LineInput]:
    ids = [post.get(f"product_{i}", "") for i in range(FORM_LINES)]
    products = Product.objects.in_bulk([int(p) for p in ids if p.isdigit()])
    lines = []
    for i, raw in enumerate(ids):
        quantity = post.get(f"quantity_{i}", "").strip()
        if raw.isdigit() and quantity:
            product = products.get(int(raw))
            if product is None:
                raise ApplicationError(_("That product is not available."), code="product_inactive")
            lines.append(LineInput(product=product, quantity=quantity))
    return lines


def _form_context(request, **extra) -> dict:
    return {
        "products": Product.objects.filter(active=True).order_by("sku"),
        "warehouses": Warehouse.objects.filter(active=True).order_by("code"),
        "rows": range(FORM_LINES),
        "posted": request.POST,
        **extra,
    }


def _form_page(request, create, *, written: str, detail: str, template: str, **extra):
    """A document's form: shown, or posted as ``create(post, warehouse)`` (the
    warehouse is checked first, so its refusal is the one shown) and, done, the
    ``written`` message and the document's ``detail`` page."""
    error, status = "", 200
    if request.method == "POST":
        done, error, status = written_or_refused(
            request,
            lambda: create(request.POST, _posted_warehouse(request.POST)),
            message=lambda document: written % {"number": document.number},
            detail=detail,
        )
        if done:
            return done
    context = _form_context(request, error=error, **extra)
    return render(request, template, context, status=status)


def _list_page(request, *, select, statuses, template: str):
    status = request.GET.get("status", "")
    qs = select(status=status if status in statuses.values else "", search=request.GET.get("q", ""))
    return render(
        request,
        template,
        {
            "page": page_of(request, qs),
            "status": status,
            "statuses": statuses.choices,
            "q": request.GET.get("q", ""),
        },
    )


def _posted_warehouse(post) -> Warehouse:
    warehouse = Warehouse.objects.filter(pk=post.get("warehouse") or 0).first()
    if warehouse is None:
        raise ApplicationError(_("Choose a warehouse."), code="warehouse_required")
    return warehouse


@dataclass(frozen=True)
class _Kind:
    """What the sample's and the request report's pages differ in."""

    model: type
    select: Callable  # the document with its lines, by pk
    doc: str  # the history's document type
    actions: Callable  # (document, user): the actions this user may take
    template: str
    detail: str  # the detail page's URL name
    title: str  # the printed document's name
    filename: str
    extra: Callable = dict  # more for the detail page


def _found(kind: _Kind, pk: int):
    return found_or_404(kind.model, kind.select, pk=pk)


def _document_page(kind: _Kind, request, pk: int, *, error: str = "", status: int = 200):
    """A document's page: its lines, the actions this user may take, its history."""
    document = _found(kind, pk)
    return render(
        request,
        kind.template,
        {
            "doc": document,
            "lines": list(document.lines.all()),
            "actions": [
                (name, ACTION_LABELS[name]) for name in kind.actions(document, request.user)
            ],
            **kind.extra(),
            "error": error,
            **document_history(document_type=kind.doc, document=document),
        },
        status=status,
    )


def _run_action(request, kind: _Kind, pk: int, action: str, runs: dict):
    """Run the posted action on the document; refused, its page again with the reason."""
    return page_action(
        request,
        pk,
        action,
        actions=runs,
        model=kind.model,
        run=lambda request, document, action: runs[action](document, request.user, request.POST),
        page=partial(_document_page, kind),
        done=lambda document, action: _done_message(document),
        detail=kind.detail,
    )


def _print(kind: _Kind, pk: int):
    document = _found(kind, pk)
    return _pdf(
        document,
        title=f"{kind.title} {document.number}",
        is_sample=kind.model is SampleApplication,
        document_type=kind.doc,
        filename=f"{kind.filename}-{document.number}.pdf",
    )


def _pdf(document, *, title: str, is_sample: bool, document_type: str, filename: str):
    context = {
        "title": title,
        "doc": document,
        "lines": list(document.lines.all()),
        "is_sample": is_sample,
        **_pdf_common(document, document_type),
    }
    return pdf_response(_chinese_pdf(context), filename)


# --- Samples -----------------------------------------------------------------------------


@role_required(VIEW_SAMPLE)
def sample_list_page(request):
    return _list_page(
        request, select=sample_list, statuses=SampleStatus, template="outbound/sample_list.html"
    )


def _customer(raw: str) -> Customer | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    customer = Customer.objects.filter(code__iexact=raw).first()
    if customer is None:
        raise ApplicationError(
            _("No customer with the code %(code)s.") % {"code": raw}, code="customer_unknown"
        )
    return customer


@role_required(VIEW_SAMPLE, "outbound.submit_sampleapplication")
def sample_create_page(request):
    return _form_page(
        request,
        lambda post, warehouse: sample_services.sample_application_create(
            user=request.user,
            customer=_customer(post.get("customer", "")),
            prospect_name=post.get("prospect_name", ""),
            department=post.get("department", ""),
            warehouse=warehouse,
            reason=post.get("reason", ""),
            lines=_posted_lines(post),
        ),
        written=_("Sample application %(number)s written."),
        detail="outbound:sample_detail",
        template="outbound/sample_form.html",
        rule=_sample_rule(),
    )


def _sample_rule() -> str:
    return _(
        "The department head approves up to %(specs)s specifications and %(pieces)s pieces "
        "of each; more, or any tool, goes on to the sales director."
    ) % {
        "specs": getattr(settings, "SAMPLE_HEAD_MAX_SPECIFICATIONS", 5),
        "pieces": getattr(settings, "SAMPLE_HEAD_MAX_PIECES", 10),
    }


SAMPLE = _Kind(
    model=SampleApplication,
    select=sample_detail,
    doc=sample_services.DOC,
    actions=sample_services.sample_actions,
    template="outbound/sample_detail.html",
    detail="outbound:sample_detail",
    title="样件申请表",
    filename="sample",
    extra=lambda: {"outcomes": SampleOutcome.choices, "rule": _sample_rule()},
)


@role_required(VIEW_SAMPLE)
def sample_detail_page(request, pk: int):
    return _document_page(SAMPLE, request, pk)


@role_required(VIEW_SAMPLE)
@require_POST
def sample_action(request, pk: int, action: str):
    runs = {
        "submit": lambda a, u, p: sample_services.sample_application_submit(application=a, user=u),
        "approve": lambda a, u, p: sample_services.sample_application_approve(
            application=a, user=u, comment=p.get("comment", "")
        ),
        "reject": lambda a, u, p: sample_services.sample_application_reject(
            application=a, user=u, comment=p.get("comment", "")
        ),
        "issue_slip": lambda a, u, p: sample_services.sample_application_issue_slip(
            application=a,
            user=u,
            vehicle_plate=p.get("vehicle_plate", ""),
            driver=p.get("driver", ""),
        ),
        "record_outcome": lambda a, u, p: sample_services.sample_application_record_outcome(
            application=a, user=u, outcome=p.get("outcome", ""), remarks=p.get("remarks", "")
        ),
        "cancel": lambda a, u, p: sample_services.sample_application_cancel(
            application=a, user=u, reason=p.get("reason", "")
        ),
    }
    return _run_action(request, SAMPLE, pk, action, runs)


def _done_message(document) -> str:
    if document.waiting_level_id and document.status in ("submitted", "endorsed"):
        return _("%(number)s now waits for %(level)s.") % {
            "number": document.number,
            "level": document.waiting_level.name,
        }
    return _("%(number)s: %(status)s.") % {
        "number": document.number,
        "status": document.get_status_display(),
    }


@role_required(VIEW_SAMPLE)
def sample_pdf(request, pk: int):
    return _print(SAMPLE, pk)


def _chinese_pdf(context: dict) -> bytes:
    """Printed documents render Chinese (DESIGN.md), whatever the reader's language."""
    with translation.override("zh-hans"):
        return render_pdf("pdf/outbound.html", context)


def _pdf_common(document, document_type: str) -> dict:
    history = document_history(document_type=document_type, document=document)
    return {
        "company_name": settings.COMPANY_NAME,
        "total_qty": sum((line.quantity for line in document.lines.all()), Decimal("0")),
        "steps": history["steps"],
        "note": document.note,
    }


# --- Request reports -------------------------------------------------------------------------


@role_required(VIEW_REQUEST)
def request_list_page(request):
    return _list_page(
        request, select=request_list, statuses=RequestStatus, template="outbound/request_list.html"
    )


@role_required(VIEW_REQUEST, "outbound.submit_nonsalerequest")
def request_create_page(request):
    return _form_page(
        request,
        lambda post, warehouse: request_services.non_sale_request_create(
            user=request.user,
            purpose=post.get("purpose", ""),
            recipient=post.get("recipient", ""),
            reason=post.get("reason", ""),
            department=post.get("department", ""),
            warehouse=warehouse,
            lines=_posted_lines(post),
        ),
        written=_("Request report %(number)s written."),
        detail="outbound:request_detail",
        template="outbound/request_form.html",
        purposes=[(p.value, p.label) for p in REQUEST_PURPOSES],
    )


REQUEST = _Kind(
    model=NonSaleRequest,
    select=request_detail,
    doc=request_services.DOC,
    actions=request_services.request_actions,
    template="outbound/request_detail.html",
    detail="outbound:request_detail",
    title="请示报告单",
    filename="request",
)


@role_required(VIEW_REQUEST)
def request_detail_page(request, pk: int):
    return _document_page(REQUEST, request, pk)


@role_required(VIEW_REQUEST)
@require_POST
def request_action(request, pk: int, action: str):
    s = request_services
    runs = {
        "submit": lambda r, u, p: s.non_sale_request_submit(request=r, user=u),
        "check": lambda r, u, p: s.non_sale_request_check(
            request=r, user=u, opinion=p.get("opinion", "")
        ),
        "endorse": lambda r, u, p: s.non_sale_request_endorse(
            request=r, user=u, opinion=p.get("opinion", "")
        ),
        "approve": lambda r, u, p: s.non_sale_request_approve(
            request=r, user=u, comment=p.get("comment", "")
        ),
        "reject": lambda r, u, p: s.non_sale_request_reject(
            request=r, user=u, comment=p.get("comment", "")
        ),
        "issue_slip": lambda r, u, p: s.non_sale_request_issue_slip(
            request=r, user=u, vehicle_plate=p.get("vehicle_plate", ""), driver=p.get("driver", "")
        ),
        "cancel": lambda r, u, p: s.non_sale_request_cancel(
            request=r, user=u, reason=p.get("reason", "")
        ),
    }
    return _run_action(request, REQUEST, pk, action, runs)


@role_required(VIEW_REQUEST)
def request_pdf(request, pk: int):
    """请示报告单 and, once issued, the outbound slip (出库单) stating the purpose."""
    return _print(REQUEST, pk)


# --- Selling expense report ---------------------------------------------------------------


@role_required("outbound.view_outbound_expenses")
def expense_report_page(request):
    today = company_today()
    date_from = date_param(request.GET.get("from")) or today.replace(day=1)
    date_to = date_param(request.GET.get("to")) or today
    rows = outbound_expenses(date_from=date_from, date_to=date_to)
    total = sum((r.cost for r in rows), Decimal("0.00"))
    export = request.GET.get("format")
    if export in ("csv", "xlsx"):
        return export_response(
            export,
            f"selling-expense-{date_from:%Y%m%d}-{date_to:%Y%m%d}",
            _("Samples and non-sale outbound at cost"),
            [_("Department"), _("Purpose"), _("Documents"), _("Quantity"), _("Cost")],
            [[r.department, r.purpose_label, r.documents, r.quantity, r.cost] for r in rows],
            preamble=[[_("From"), date_from.isoformat(), _("To"), date_to.isoformat()]],
            footer=[[_("Total"), "", "", "", total]],
        )
    return render(
        request,
        "outbound/expense_report.html",
        {
            "rows": rows,
            "total": total,
            "date_from": date_from,
            "date_to": date_to,
            "query": request.GET.urlencode(),
        },
    )
