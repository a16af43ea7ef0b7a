from collections.abc import Callable

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from customers import selectors, services
from customers.enums import CreditTerms
from customers.forms import ContactFormSet, CreditHoldForm, CreditTermsForm, CustomerForm
from customers.models import Customer
from salesadmin.errors import ApplicationError
from salesadmin.forms import FormAction, form_action
from salesadmin.page_access import role_required
from salesadmin.pages import found_or_404, page_of, page_or_partial


@role_required("customers.view_customer")
def customer_list(request):
    search = request.GET.get("q", "")
    terms = request.GET.get("terms", "")
    hold = request.GET.get("hold", "")
    customers = selectors.customer_list(search=search, terms=terms, hold=hold)
    page = page_of(request, customers, 25)
    context = {
        "page": page,
        "search": search,
        "terms": terms,
        "hold": hold,
        "terms_choices": CreditTerms.choices,
    }
    return page_or_partial(request, "customers/list.html", "customers/_list_rows.html", context)


@role_required("customers.view_customer")
def customer_detail(request, pk: int):
    customer = found_or_404(Customer, selectors.customer_detail, pk=pk)
    # The overdue reminders sent are finance's section of the page
    # (finance/templatetags/finance_sections.py).
    return render(request, "customers/detail.html", {"customer": customer})


def _save_customer(request, customer: Customer | None):
    form = CustomerForm(request.POST or None, instance=customer)
    formset = ContactFormSet(request.POST or None, instance=customer or Customer())
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            with transaction.atomic():
                if customer is None:
                    customer = services.customer_create(user=request.user, **fields)
                else:
                    customer = services.customer_update(
                        customer=customer, user=request.user, **fields
                    )
                formset.instance = customer
                formset.save()
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Customer %(code)s saved.") % {"code": customer.code})
            return redirect("customers:detail", pk=customer.pk)
    return render(
        request,
        "customers/form.html",
        {"form": form, "formset": formset, "customer": customer},
    )


@role_required("customers.add_customer")
def customer_create(request):
    return _save_customer(request, None)


@role_required("customers.change_customer")
def customer_edit(request, pk: int):
    return _save_customer(request, get_object_or_404(Customer, pk=pk))


@role_required("customers.change_credit_terms", "customers.set_credit_hold", any_of=True)
def customer_credit(request, pk: int):
    customer = get_object_or_404(Customer, pk=pk)
    terms_form = CreditTermsForm(
        initial={
            "follow_tenure": not customer.credit_terms_custom,
            "terms": customer.credit_terms,
            "limit": customer.credit_limit,
        }
    )
    forms = {"terms_form": terms_form, "hold_form": CreditHoldForm()}

    def hold(on_hold: bool) -> Callable:
        return lambda data: services.customer_set_credit_hold(
            customer=customer, user=request.user, on_hold=on_hold, reason=data["reason"]
        )

    done = form_action(
        request,
        forms,
        {
            "terms": FormAction(
                "terms_form",
                CreditTermsForm,
                "customers.change_credit_terms",
                lambda data: services.customer_set_credit_terms(
                    customer=customer,
                    user=request.user,
                    terms=data["terms"],
                    limit=data["limit"],
                    follow_tenure=data["follow_tenure"],
                    reason=data["reason"],
                ),
                _("Credit terms saved."),
            ),
            "hold": FormAction(
                "hold_form",
                CreditHoldForm,
                "customers.set_credit_hold",
                hold(True),
                _("Customer put on credit hold."),
            ),
            "release": FormAction(
                "hold_form",
                CreditHoldForm,
                "customers.set_credit_hold",
                hold(False),
                _("Credit hold released."),
            ),
        },
        back=reverse("customers:detail", args=[customer.pk]),
    )
    if done:
        return done
    return render(request, "customers/credit.html", {"customer": customer, **forms})
