"""Pages: credit notes (贷项通知单) for finance, their PDF, and refunds."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from customers.models import Customer
from finance.allocation import MONEY_KINDS
from finance.credit_notes import (
    credit_note_filename,
    money_left,
    refund_record,
    render_credit_note,
)
from finance.models import CreditNote, ReceivableEntry
from finance.views import account_page
from salesadmin.db import search_filter
from salesadmin.decimal_input import parse_id
from salesadmin.errors import ApplicationError
from salesadmin.page_access import role_required
from salesadmin.pages import page_of
from salesadmin.pdf import pdf_response

VIEW = "finance.view_creditnote"


def _credit_notes():
    return CreditNote.objects.select_related("customer", "delivery_note", "invoice", "entry")


@role_required(VIEW)
def credit_note_list(request):
    qs = _credit_notes().order_by("-issue_date", "-id")
    search = request.GET.get("q", "").strip()
    qs = search_filter(qs, search, "number", "customer__name", "source_number")
    page = page_of(request, qs)
    return render(request, "finance/credit_note_list.html", {"page": page, "q": search})


def _page(request, pk: int, *, error: str = "", status: int = 200):
    credit_note = get_object_or_404(
        _credit_notes().prefetch_related("lines", "entry__allocations__invoice", "entry__refunds"),
        pk=pk,
    )
    return render(
        request,
        "finance/credit_note_detail.html",
        {
            "credit_note": credit_note,
            "left": money_left(credit_note.entry),
            "error": error,
            "posted": request.POST if error else {},
        },
        status=status,
    )


@role_required(VIEW)
def credit_note_detail(request, pk: int):
    return _page(request, pk)


@role_required(VIEW)
def credit_note_pdf(request, pk: int):
    credit_note = get_object_or_404(_credit_notes(), pk=pk)
    return pdf_response(render_credit_note(credit_note), credit_note_filename(credit_note))


@role_required(VIEW, "finance.record_refund")
@require_POST
def credit_note_refund(request, pk: int):
    credit_note = get_object_or_404(_credit_notes(), pk=pk)
    return _refund_from(
        request,
        credit_note.entry,
        error_page=partial(_page, request, pk),
        done=redirect("finance:credit_note_detail", pk=pk),
    )


@role_required("finance.view_receivableentry", "finance.record_refund")
@require_POST
def customer_refund(request, pk: int):
    """退款 from the customer's account: money paid back out of one of their
    payments or credit notes with money left (the customer's prepayment)."""
    customer = get_object_or_404(Customer, pk=pk)
    source = ReceivableEntry.objects.filter(
        customer=customer, kind__in=MONEY_KINDS, pk=parse_id(request.POST.get("source"))
    ).first()
    if source is None:
        error = _("Choose the payment or credit note the money is paid back from.")
        return account_page(request, pk, error=error, status=400)
    return _refund_from(
        request,
        source,
        error_page=partial(account_page, request, pk),
        done=redirect("finance:customer_account", pk=pk),
    )


def _refund_from(request, source: ReceivableEntry, *, error_page, done):
    """Record the refund the form asks for out of ``source``; on a refusal show
    ``error_page`` with the reason, else say so and answer ``done``."""
    try:
        refund = refund_record(
            source=source,
            amount=request.POST.get("amount", ""),
            reference=request.POST.get("reference", ""),
            user=request.user,
        )
    except ApplicationError as exc:
        return error_page(error=str(exc), status=exc.status_code)
    messages.success(
        request,
        _("Refund of %(amount)s recorded (reference %(reference)s).")
        % {"amount": f"{refund.amount:,.2f}", "reference": refund.reference},
    )
    return done
