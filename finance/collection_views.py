"""Pages for chasing money: the aging report with drill-down and exports, the
reminders sent, and statements (对账单) for any customer and period."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET

from customers.models import Customer
from finance import aging, reminders, statements
from finance.enums import ReminderStatus, StatementStatus
from finance.models import Reminder
from finance.tasks import enqueue, send_reminders, send_statements
from salesadmin.clock import company_today
from salesadmin.exports import export_response
from salesadmin.forms import PickerSelect
from salesadmin.page_access import role_required
from salesadmin.pages import page_of
from salesadmin.pdf import pdf_response

VIEW_AGING = "finance.view_invoice"


def _as_of(request) -> dt.date:
    raw = request.GET.get("as_of", "")
    try:
        return dt.date.fromisoformat(raw) if raw else company_today()
    except ValueError:
        messages.warning(request, _("Not a date: %(value)s. Showing today.") % {"value": raw})
        return company_today()


def _list_filters(request, *names: str) -> dict[str, str]:
    """The list's filters as the query string gives them (the search box is ``q``),
    for the selector and, unchanged, for the page."""
    return {name: request.GET.get("q" if name == "search" else name, "") for name in names}


# --- Aging ---------------------------------------------------------------------------


@require_GET
@role_required(VIEW_AGING)
def aging_page(request):
    """Totals over every customer, then the rows 50 to a page (largest debt first),
    found by code or name: 5,000 debtors on one page were 5 MB of HTML and 4 s
    to render; the exports carry every row."""
    report = aging.aging_report(_as_of(request))
    top = sorted((r for r in report.rows if r.overdue > 0), key=lambda r: -r.overdue)[:10]
    search = request.GET.get("q", "").strip()
    rows = report.rows
    if search:
        needle = search.casefold()
        rows = [r for r in rows if needle in r.code.casefold() or needle in r.name.casefold()]
    return render(
        request,
        "finance/aging.html",
        {"report": report, "top_overdue": top, "page": page_of(request, rows), "search": search},
    )


@require_GET
@role_required(VIEW_AGING)
def aging_export(request):
    """The aging report as CSV or XLSX (``format``), its totals as the last row."""
    report = aging.aging_report(_as_of(request))
    cents = Decimal("0.01")

    def amounts(row: aging.AgingRow) -> list[Decimal]:
        return [a.quantize(cents) for _key, a in row.cells()] + [row.total.quantize(cents)]

    header = [
        _("Customer code"),
        _("Customer"),
        *[str(label) for _key, label in report.buckets],
        _("Total"),
        _("Invoices"),
        _("On credit hold"),
    ]
    rows = (
        [r.code, r.name, *amounts(r), r.invoices, _("yes") if r.on_credit_hold else ""]
        for r in report.rows
    )
    totals = report.totals
    return export_response(
        "xlsx" if request.GET.get("format") == "xlsx" else "csv",
        f"aging-{report.as_of:%Y-%m-%d}",
        _("Aging"),
        header,
        rows,
        preamble=[[_("As of"), report.as_of]],
        footer=[["", _("Total"), *amounts(totals), totals.invoices, ""]],
        frozen_columns=2,
        widths={"B": 36},
    )


@require_GET
@role_required(VIEW_AGING)
def aging_customer(request, pk: int):
    customer = get_object_or_404(Customer, pk=pk)
    as_of = _as_of(request)
    bucket = request.GET.get("bucket", "")
    if bucket and bucket not in aging.BUCKET_KEYS:
        raise Http404
    invoices = list(aging.aging_invoices(customer_id=pk, bucket=bucket or None, as_of=as_of))
    for invoice in invoices:
        invoice.days_overdue = aging.days_overdue(invoice, as_of)
        invoice.bucket_label = aging.BUCKET_LABELS[aging.bucket_of(invoice.days_overdue)]
    report = aging.aging_report(as_of, customer_id=pk)
    context = {
        "customer": customer,
        "as_of": as_of,
        "bucket": bucket,
        "bucket_label": aging.BUCKET_LABELS.get(bucket, ""),
        "invoices": invoices,
        "row": report.rows[0] if report.rows else report.totals,
        "buckets": aging.BUCKETS,
    }
    return render(request, "finance/aging_customer.html", context)


# --- Reminders -------------------------------------------------------------------------


def _send_now(request, task, sending: str) -> None:
    """Queue the sending task now rather than at its next scheduled run."""
    if enqueue(task):
        messages.success(request, sending)
    else:
        messages.warning(
            request,
            _("The task queue is not reachable; the next scheduled run sends them."),
        )


@role_required("finance.view_reminder")
def reminder_list(request):
    if request.method == "POST":
        if not request.user.has_perm("finance.change_reminder"):
            messages.error(request, _("That action is not available to you."))
            return redirect("finance:reminder_list")
        if request.POST.get("action") == "retry_failed":
            # After the address or the mail server was fixed: try them again.
            reminders.reminders_retry_failed()
        _send_now(request, send_reminders, _("Sending the pending reminders."))
        return redirect("finance:reminder_list")
    chosen = _list_filters(request, "status", "level", "search")
    context = {
        "page": page_of(request, reminders.reminder_list(**chosen)),
        **chosen,
        "statuses": ReminderStatus.choices,
        "levels": [lv for lv, _days in reminders.reminder_levels()],
        "pending": Reminder.objects.filter(status=ReminderStatus.PENDING).count(),
        "failed": Reminder.objects.filter(status=ReminderStatus.FAILED).count(),
    }
    return render(request, "finance/reminders/list.html", context)


@require_GET
@role_required("finance.view_reminder")
def reminder_letter(request, pk: int):
    reminder = get_object_or_404(Reminder.objects.select_related("invoice", "customer"), pk=pk)
    return pdf_response(
        reminders.render_letter(reminder),
        f"reminder-{reminder.invoice.number}-L{reminder.level}.pdf",
    )


# --- Statements ------------------------------------------------------------------------


class StatementPeriodForm(forms.Form):
    customer = forms.ModelChoiceField(
        label=gettext_lazy("Customer"),
        queryset=Customer.objects.order_by("code"),
        widget=PickerSelect("picker_customers", attrs={"class": "form-select"}),
    )
    date_from = forms.DateField(
        label=pgettext_lazy("period", "From"),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
    )
    date_to = forms.DateField(
        label=pgettext_lazy("period", "To"),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            raise forms.ValidationError(_("The period must end on or after its first day."))
        return data


def _period(request) -> tuple[dt.date, dt.date]:
    default_start, default_end = statements.last_month()
    try:
        start = (
            dt.date.fromisoformat(request.GET.get("from", ""))
            if request.GET.get("from")
            else default_start
        )
        end = (
            dt.date.fromisoformat(request.GET.get("to", ""))
            if request.GET.get("to")
            else default_end
        )
    except ValueError as exc:
        raise Http404 from exc
    if end < start:
        raise Http404
    return start, end


def _statement(request, pk: int) -> statements.StatementData:
    """The customer's statement for the period the query string asks for."""
    customer = get_object_or_404(Customer, pk=pk)
    start, end = _period(request)
    return statements.statement_for(customer=customer, period_start=start, period_end=end)


@role_required("finance.view_statement")
def statement_list(request):
    if request.method == "POST":
        if not request.user.has_perm("finance.change_statement"):
            messages.error(request, _("That action is not available to you."))
        else:
            _send_now(request, send_statements, _("Sending the pending statements."))
        return redirect("finance:statement_list")
    start, end = statements.last_month()
    form = StatementPeriodForm(
        request.GET if "customer" in request.GET else None,
        initial={"date_from": start, "date_to": end},
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        url = reverse("finance:statement_customer", args=[data["customer"].pk])
        return redirect(f"{url}?from={data['date_from']:%Y-%m-%d}&to={data['date_to']:%Y-%m-%d}")
    chosen = _list_filters(request, "status", "period", "search")
    context = {
        "form": form,
        "page": page_of(request, statements.statement_list(**chosen)),
        **chosen,
        "statuses": StatementStatus.choices,
    }
    return render(request, "finance/statements/list.html", context)


@require_GET
@role_required("finance.view_statement")
def statement_customer(request, pk: int):
    data = _statement(request, pk)
    return render(request, "finance/statements/customer.html", {"data": data})


@require_GET
@role_required("finance.view_statement")
def statement_pdf(request, pk: int):
    data = _statement(request, pk)
    return pdf_response(statements.render_statement(data), statements.statement_filename(data))
