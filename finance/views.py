from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from customers.models import Customer
from finance import invoicing, selectors, services
from finance.allocation import HandAllocation
from finance.enums import InvoiceStatus
from finance.forms import OfficialNumberForm, PaymentForm, VoidInvoiceForm
from finance.invoice_printing import invoice_filename, invoice_for_print, render_invoice
from finance.models import Invoice
from salesadmin.clock import company_today
from salesadmin.decimal_input import parse_id, parse_money
from salesadmin.errors import ApplicationError
from salesadmin.forms import FormAction, form_action
from salesadmin.page_access import role_required
from salesadmin.pages import found_or_404, page_of
from salesadmin.pdf import pdf_response

LEDGER_PAGE = 50
OPEN_INVOICES_SHOWN = 50


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


@role_required("finance.record_payment")
def payment_list(request):
    search = request.GET.get("q", "")
    page = page_of(request, selectors.payment_list(search=search))
    return render(request, "finance/payment_list.html", {"page": page, "search": search})


def _customer_from(value) -> Customer | None:
    value = str(value or "")
    pk = parse_id(value)
    return Customer.objects.filter(pk=pk).first() if pk is not None else None


def _hand_allocations(request, invoices) -> tuple[list[HandAllocation], dict, list[str]]:
    """The amounts typed against the customer's open invoices (``alloc-<id>``)."""
    given, typed, errors = [], {}, []
    for inv in invoices:
        raw = (request.POST.get(f"alloc-{inv.pk}") or "").strip()
        typed[inv.pk] = raw
        if not raw:
            continue
        try:
            amount = parse_money(raw)
        except ApplicationError as exc:
            errors.append(f"{inv.number}: {exc.message}")
            continue
        if amount:
            given.append(HandAllocation(invoice=inv, amount=amount))
    return given, typed, errors


@role_required("finance.record_payment")
def payment_create(request):
    initial = {}
    customer = _customer_from(request.POST.get("customer") or request.GET.get("customer"))
    if customer is not None:
        initial["customer"] = customer.pk
    form = PaymentForm(request.POST or None, initial=initial)
    open_invoices = list(selectors.open_invoices(customer=customer)) if customer else []
    typed = {}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        allocations = None
        errors = []
        if data["allocation"] == "hand":
            allocations, typed, errors = _hand_allocations(request, open_invoices)
        for error in errors:
            form.add_error(None, error)
        if not errors:
            try:
                payment = services.payment_record(
                    customer=data["customer"],
                    amount=data["amount"],
                    user=request.user,
                    method=data["method"],
                    reference=data["reference"],
                    entry_date=data["entry_date"],
                    note=data["note"],
                    payer=data["payer"],
                    allocations=allocations,
                )
            except ApplicationError as exc:
                field = "reference" if exc.code == "duplicate_reference" else None
                form.add_error(field, exc.message)
            else:
                messages.success(
                    request,
                    _("Payment of %(amount)s from %(customer)s recorded.")
                    % {"amount": f"{-payment.amount:,.2f}", "customer": payment.customer.name},
                )
                return redirect(_safe_next(request) or "finance:payment_list")
    for inv in open_invoices:
        inv.typed = typed.get(inv.pk, "")
    return render(
        request,
        "finance/payment_form.html",
        {"form": form, "next": _safe_next(request), "open_invoices": open_invoices},
    )


@role_required("finance.record_payment")
def payment_open_invoices(request):
    """htmx: the chosen customer's open invoices, to allocate by hand."""
    customer = _customer_from(request.GET.get("customer"))
    invoices = list(selectors.open_invoices(customer=customer)) if customer else []
    return render(request, "finance/_open_invoices_alloc.html", {"open_invoices": invoices})


def account_page(request, pk: int, *, error: str = "", status: int = 200):
    """A customer's account; a refused refund shows it again with the rule."""
    customer = get_object_or_404(Customer.objects.select_related("salesperson"), pk=pk)
    page = page_of(request, selectors.ledger_entries(customer=customer), LEDGER_PAGE)
    invoices = list(selectors.open_invoices(customer=customer)[: OPEN_INVOICES_SHOWN + 1])
    context = {
        "customer": customer,
        "page": page,
        "summary": selectors.account_summary(customer=customer),
        "open_invoices": invoices[:OPEN_INVOICES_SHOWN],
        "more_open_invoices": len(invoices) > OPEN_INVOICES_SHOWN,
        "today": company_today(),
        "refundable": (
            selectors.refundable_money(customer_id=customer.pk)
            if request.user.has_perm("finance.record_refund")
            else []
        ),
        "refund_error": error,
        "posted": request.POST if error else {},
    }
    return render(request, "finance/customer_account.html", context, status=status)


@role_required("finance.view_receivableentry")
def customer_account(request, pk: int):
    return account_page(request, pk)


@role_required("finance.view_invoice")
def invoice_list(request):
    status = request.GET.get("status", "")
    overdue = request.GET.get("overdue") == "1"
    search = request.GET.get("q", "")
    customer = _customer_from(request.GET.get("customer"))
    qs = selectors.invoice_list(
        status=status,
        customer_id=customer.pk if customer else None,
        overdue=overdue,
        search=search,
    )
    page = page_of(request, qs)
    context = {
        "page": page,
        "status": status,
        "overdue": overdue,
        "search": search,
        "customer": customer,
        "statuses": InvoiceStatus.choices,
        "today": company_today(),
    }
    return render(request, "finance/invoice_list.html", context)


@require_POST
@role_required("finance.issue_invoice")
def invoice_run(request):
    invoices = invoicing.invoices_issue_due_by(user=request.user)
    messages.success(
        request,
        _("%(count)s invoice(s) issued.") % {"count": len(invoices)}
        if invoices
        else _("Nothing to invoice: every dispatched note due is on an invoice."),
    )
    return redirect("finance:invoice_list")


@role_required("finance.view_invoice")
def invoice_detail(request, pk: int):
    invoice = selectors.invoice_detail(pk=pk)
    forms = {
        "number_form": OfficialNumberForm(initial={"official_number": invoice.official_number}),
        "void_form": VoidInvoiceForm(),
    }
    done = form_action(
        request,
        forms,
        {
            "official_number": FormAction(
                "number_form",
                OfficialNumberForm,
                "finance.issue_invoice",
                lambda data: invoicing.invoice_set_official_number(
                    invoice=invoice, user=request.user, official_number=data["official_number"]
                ),
                _("Official invoice number recorded."),
            ),
            "void": FormAction(
                "void_form",
                VoidInvoiceForm,
                "finance.void_invoice",
                lambda data: invoicing.invoice_void(
                    invoice=invoice, user=request.user, reason=data["reason"]
                ),
                _("Invoice voided."),
            ),
        },
        back=reverse("finance:invoice_detail", args=[invoice.pk]),
    )
    if done:
        return done
    context = {
        "invoice": invoice,
        "items": list(invoice.items.all()),
        "allocations": list(invoice.allocations.all()),
        "history": selectors.invoice_history(invoice=invoice),
        **forms,
        "today": company_today(),
        "is_void": invoice.status == InvoiceStatus.VOID,
    }
    return render(request, "finance/invoice_detail.html", context)


@role_required("finance.view_invoice")
def invoice_pdf(request, pk: int):
    invoice = found_or_404(Invoice, invoice_for_print, pk)
    return pdf_response(render_invoice(invoice), invoice_filename(invoice))
