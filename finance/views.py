from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from customers.models import Customer
from finance import selectors, services
from finance.forms import PaymentForm
from salesadmin.access import role_required
from salesadmin.errors import ApplicationError


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
    page = Paginator(selectors.payment_list(search=search), 50).get_page(request.GET.get("page"))
    return render(request, "finance/payment_list.html", {"page": page, "search": search})


@role_required("finance.record_payment")
def payment_create(request):
    initial = {}
    customer_id = request.GET.get("customer", "")
    if customer_id.isdigit():
        initial["customer"] = int(customer_id)
    form = PaymentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            payment = services.payment_record(
                customer=data["customer"],
                amount=data["amount"],
                user=request.user,
                method=data["method"],
                reference=data["reference"],
                entry_date=data["entry_date"],
                note=data["note"],
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
    return render(request, "finance/payment_form.html", {"form": form, "next": _safe_next(request)})


@role_required("finance.view_receivableentry")
def customer_account(request, pk: int):
    customer = get_object_or_404(Customer, pk=pk)
    context = {
        "customer": customer,
        "entries": selectors.customer_ledger(customer=customer),
        "picture": selectors.coverage_picture(customer=customer, amount=services.ZERO),
    }
    return render(request, "finance/customer_account.html", context)
