"""Customers' agreed prices: the list with search, filters and export, the
clerk's and manager's forms, the manager's approval of prices below the list,
and each price's history."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from customers.enums import PriceApproval
from customers.models import Customer, CustomerPrice
from orders.forms.customer_prices import (
    CustomerPriceChangeForm,
    CustomerPriceForm,
    PriceDecisionForm,
)
from orders.services import customer_prices as services
from salesadmin.decimal_input import parse_id
from salesadmin.exports import FORMATS, export_response
from salesadmin.forms import form_status, saved_or_form_error
from salesadmin.history import history_rows
from salesadmin.page_access import role_required

LIST_LIMIT = 500


def _person(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


@role_required("customers.view_customerprice")
def customer_price_list(request):
    search = request.GET.get("q", "").strip()[:100]
    approval = request.GET.get("approval", "")
    approval = approval if approval in PriceApproval.values else ""
    customer_id = parse_id(request.GET.get("customer"))
    customer = Customer.objects.filter(pk=customer_id).first() if customer_id else None
    prices = CustomerPrice.objects.select_related(
        "customer", "product", "requested_by", "decided_by"
    ).order_by("customer__code", "product__sku", "-valid_from")
    if customer:
        prices = prices.filter(customer=customer)
    if search:
        prices = prices.filter(
            Q(customer__code__icontains=search)
            | Q(customer__name__icontains=search)
            | Q(product__sku__icontains=search)
            | Q(product__name__icontains=search)
        )
    if approval:
        prices = prices.filter(approval=approval)
    fmt = request.GET.get("export")
    if fmt in FORMATS:
        header = [
            _("Customer code"),
            _("Customer"),
            _("SKU"),
            _("Product"),
            _("Unit price"),
            _("List price"),
            _("Valid from"),
            _("Valid to"),
            _("Approval"),
        ]
        rows = (
            [
                p.customer.code,
                p.customer.name,
                p.product.sku,
                p.product.name,
                p.price,
                p.list_price,
                p.valid_from,
                p.valid_to,
                p.get_approval_display(),
            ]
            for p in prices.iterator()
        )
        return export_response(fmt, "customer-prices", _("Agreed prices"), header, rows)
    form = CustomerPriceForm(initial={"customer": customer} if customer else None)
    context = {
        "prices": list(prices[:LIST_LIMIT]),
        "limit": LIST_LIMIT,
        "search": search,
        "approval": approval,
        "approvals": PriceApproval.choices,
        "customer": customer,
        "form": form,
        "can_add": request.user.has_perm("customers.add_customerprice"),
        "pending_count": CustomerPrice.objects.filter(approval=PriceApproval.PENDING).count()
        if request.user.has_perm(services.APPROVE)
        else 0,
    }
    return render(request, "orders/customer_prices.html", context)


@role_required("customers.add_customerprice")
def customer_price_new(request):
    form = CustomerPriceForm(request.POST or None)
    if request.method == "POST":
        cp = saved_or_form_error(
            form, lambda **data: services.customer_price_create(user=request.user, **data)
        )
        if cp is not None:
            if cp.approval == PriceApproval.PENDING:
                messages.warning(
                    request,
                    _("The price is below the price list: it applies once a manager approves it."),
                )
            else:
                messages.success(request, _("Agreed price saved."))
            return redirect("orders:customer_price_detail", pk=cp.pk)
    return render(
        request,
        "orders/customer_price_new.html",
        {"form": form},
        status=form_status(form),
    )


@role_required("customers.view_customerprice")
def customer_price_detail(request, pk: int):
    cp = get_object_or_404(
        CustomerPrice.objects.select_related("customer", "product", "requested_by", "decided_by"),
        pk=pk,
    )
    can_change = request.user.has_perm("customers.change_customerprice")
    can_decide = request.user.has_perm(services.APPROVE) and cp.approval == PriceApproval.PENDING
    action = request.POST.get("action", "")
    if request.method == "POST":
        if action in ("approve", "refuse") and not request.user.has_perm(services.APPROVE):
            raise PermissionDenied
        if action not in ("approve", "refuse") and not can_change:
            raise PermissionDenied
    change_form = CustomerPriceChangeForm(
        request.POST if request.method == "POST" and action == "save" else None,
        initial={"price": cp.price, "valid_from": cp.valid_from, "valid_to": cp.valid_to},
    )
    decision_form = PriceDecisionForm(
        request.POST if action in ("approve", "refuse") else None, prefix="decision"
    )
    if request.method == "POST":
        form = decision_form if action in ("approve", "refuse") else change_form
        save, done = {
            "approve": (
                services.customer_price_approve,
                _("Price approved: it applies from its start date."),
            ),
            "refuse": (services.customer_price_refuse, _("Price refused.")),
        }.get(action, (services.customer_price_update, _("Agreed price saved.")))
        if saved_or_form_error(
            form, lambda **data: save(customer_price=cp, user=request.user, **data)
        ):
            messages.success(request, done)
            return redirect("orders:customer_price_detail", pk=pk)
    context = {
        "cp": cp,
        "change_form": change_form,
        "decision_form": decision_form,
        "can_change": can_change,
        "can_decide": can_decide,
        "requested_by": _person(cp.requested_by),
        "decided_by": _person(cp.decided_by),
        "history": history_rows(model=CustomerPrice, record_type="customer_price", record_id=pk),
    }
    status = form_status(change_form, decision_form)
    return render(request, "orders/customer_price_detail.html", context, status=status)


urlpatterns = [
    path("customer-prices/", customer_price_list, name="customer_prices"),
    path("customer-prices/new/", customer_price_new, name="customer_price_new"),
    path("customer-prices/<int:pk>/", customer_price_detail, name="customer_price_detail"),
]
