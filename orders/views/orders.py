"""Pages: sales orders (销售通知单): list, entry, detail and actions, the manager's
approval queue, and issuing a delivery note (发货单) from an order.

Thin views: forms parse, the services in orders/services decide and write, and
an ApplicationError comes back to the user as a message or a form error.
"""

from __future__ import annotations

import re

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, register_converter, reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from approvals.services import approval_steps
from inventory.models import Product
from orders.enums import OrderStatus, PriceSource
from orders.forms.sales_orders import (
    LINE_PREFIX,
    SalesOrderForm,
    line_form,
    line_formset,
)
from orders.models import SalesOrder
from orders.selectors import sales_orders as selectors
from orders.services.contract_review import (
    contract_review_approve,
    contract_review_reject,
    may_review,
)
from orders.services.delivery_notes import open_quantities
from orders.services.pricing import price_quote, price_quotes
from orders.services.sales_orders import (
    LineInput,
    needs_approval_comment,
    sales_order_approve,
    sales_order_cancel,
    sales_order_create,
    sales_order_reject,
    sales_order_revise,
    sales_order_submit,
    sales_order_update,
)
from orders.views.note_issue import ISSUABLE, note_issue
from orders.views.page_helpers import next_url, url_or_none
from salesadmin.clock import company_today
from salesadmin.decimal_input import parse_id
from salesadmin.errors import ApplicationError
from salesadmin.forms import saved_or_form_error
from salesadmin.page_access import role_required
from salesadmin.pages import chosen, found_or_404, page_of, page_or_partial
from salesadmin.transitions import available_transitions

# What a person may do to an order from its page. approve_automatically,
# deliver_partly and complete are run by the services themselves, never by a button.
ORDER_ACTIONS = (
    "submit",
    "approve",
    "reject",
    "revise",
    "cancel",
    "review_approve",
    "review_reject",
)
MAX_LINES = 200
PREFIX_RE = re.compile(rf"^{LINE_PREFIX}-\d{{1,3}}$")

ACTION_LABELS = {
    "submit": gettext_lazy("Submit"),
    "approve": gettext_lazy("Approve"),
    "reject": gettext_lazy("Reject"),
    "revise": gettext_lazy("Revise"),
    "cancel": gettext_lazy("Cancel order"),
}
LOG_LABELS = {
    "submit": gettext_lazy("Submitted"),
    "approve_automatically": gettext_lazy("Approved automatically"),
    "approve": gettext_lazy("Approved"),
    "reject": gettext_lazy("Rejected"),
    "revise": gettext_lazy("Sent back to draft"),
    "cancel": gettext_lazy("Cancelled"),
    "review_forward": gettext_lazy("Contract checked, sent on"),
    "review_approve": gettext_lazy("Contract approved"),
    "review_reject": gettext_lazy("Contract rejected"),
    "deliver_partly": gettext_lazy("Partly delivered"),
    "complete": gettext_lazy("Completed"),
}


class OrderActionConverter:
    regex = "|".join(ORDER_ACTIONS)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(OrderActionConverter, "order_action")


# Helpers ---------------------------------------------------------------------


def _get_order_for_user(request, pk: int) -> SalesOrder:
    return found_or_404(SalesOrder, selectors.sales_order_detail, pk=pk, user=request.user)


def _attach_quotes(form, formset) -> None:
    """Give each line row its resolved price, so a re-shown form keeps them."""
    customer_id = parse_id(form["customer"].value())
    chosen = [(line, parse_id(line["product"].value())) for line in formset]
    wanted = sorted({pid for _line, pid in chosen if pid})
    quotes = {}
    if customer_id and wanted:
        quotes = price_quotes(customer_id=customer_id, product_ids=wanted, on=company_today())
    for line, pid in chosen:
        line.quote = quotes.get(pid)
        if line.quote is not None and line.quote.price is not None:
            line.fields["unit_price"].widget.attrs["placeholder"] = str(line.quote.price)


# List --------------------------------------------------------------------------


@role_required("orders.view_salesorder")
def order_list(request):
    status = chosen(request, "status", OrderStatus)
    search = request.GET.get("q", "")
    orders = selectors.sales_order_list(user=request.user, status=status, search=search)
    page = page_of(request, orders, 25)
    context = {
        "page": page,
        "status": status,
        "search": search,
        "status_choices": OrderStatus.choices,
    }
    return page_or_partial(request, "orders/order_list.html", "orders/_order_rows.html", context)


# Entry -------------------------------------------------------------------------


def _save_order(request, order: SalesOrder | None):
    initial = {}
    if order is not None:
        initial = {
            "customer": order.customer_id,
            "pickup_mode": order.pickup_mode,
            "remarks": order.remarks,
        }
    if request.method == "POST":
        form = SalesOrderForm(request.POST, initial=initial, customer_locked=order is not None)
        formset = line_formset(request.POST)
        if formset.is_valid():
            lines = [
                LineInput(
                    product=data["product"],
                    quantity=data["quantity"],
                    unit_price=data["unit_price"],
                )
                for data in formset.cleaned_data
                if data
            ]

            def save(customer, **data):
                if order is None:
                    return sales_order_create(
                        user=request.user, customer=customer, lines=lines, **data
                    )
                return sales_order_update(order=order, user=request.user, lines=lines, **data)

            saved = saved_or_form_error(form, save)
            if saved is not None:
                order = saved
                messages.success(request, _("Order %(number)s saved.") % {"number": order})
                if "submit_now" in request.POST:
                    _run_action(request, order, "submit", "")
                return redirect("orders:order_detail", pk=order.pk)
    else:
        form = SalesOrderForm(initial=initial, customer_locked=order is not None)
        lines = []
        if order is not None:
            lines = [
                {
                    "product": line.product_id,
                    "quantity": line.quantity,
                    # A price that came from a price table is re-resolved on save.
                    "unit_price": line.unit_price
                    if line.price_source == PriceSource.MANUAL
                    else None,
                }
                for line in order.lines.all()
            ]
        formset = line_formset(initial=lines)
    _attach_quotes(form, formset)
    return render(
        request,
        "orders/order_form.html",
        {"form": form, "formset": formset, "order": order},
    )


@role_required("orders.view_salesorder", "orders.add_salesorder")
def order_create(request):
    return _save_order(request, None)


@role_required("orders.view_salesorder", "orders.change_salesorder")
def order_edit(request, pk: int):
    order = get_object_or_404(SalesOrder.objects.select_related("customer"), pk=pk)
    if order.status != OrderStatus.DRAFT:
        messages.error(request, _("Only a draft can be changed."))
        return redirect("orders:order_detail", pk=order.pk)
    return _save_order(request, order)


@require_GET
@role_required("orders.add_salesorder")
def order_line_row(request):
    """htmx: one more line row; its index is the formset's current TOTAL_FORMS."""
    index = parse_id(request.GET.get(f"{LINE_PREFIX}-TOTAL_FORMS")) or 0
    if index >= MAX_LINES:
        return render(request, "orders/_order_line_limit.html", {"max_lines": MAX_LINES})
    line = line_form(index)
    line.fields["product"].widget.attrs["autofocus"] = True  # htmx focuses it after the swap
    line.quote = None
    return render(
        request,
        "orders/_order_line_row.html",
        {"line": line, "total_forms": index + 1, "oob": True},
    )


@require_GET
@role_required("orders.add_salesorder")
def price_quote_view(request):
    """htmx: the price a line would get, where it comes from, and the list/minimum price."""
    prefix = request.GET.get("prefix", "")
    if not PREFIX_RE.match(prefix):
        prefix = ""
    customer_id = parse_id(request.GET.get("customer"))
    product_id = parse_id(
        request.GET.get(f"{prefix}-product") if prefix else request.GET.get("product")
    )
    quote = None
    if customer_id and product_id and Product.objects.filter(pk=product_id).exists():
        quote = price_quote(customer_id=customer_id, product_id=product_id, on=company_today())
    return render(
        request,
        "orders/_order_price_quote.html",
        {"quote": quote, "has_customer": bool(customer_id), "has_product": bool(product_id)},
    )


# Detail and actions ---------------------------------------------------------------


@role_required("orders.view_salesorder")
def order_detail(request, pk: int):
    order = _get_order_for_user(request, pk)
    allowed = [
        name
        for name in available_transitions(order, "status", request.user)
        if name in ORDER_ACTIONS
    ]
    log = list(selectors.order_transition_log(order=order))
    statuses = dict(OrderStatus.choices)
    for entry in log:
        entry.label = LOG_LABELS.get(entry.transition, entry.transition)
        entry.to_label = statuses.get(entry.to_state, entry.to_state)
    notes = list(order.delivery_notes.all())
    for note in notes:
        note.url = url_or_none("orders:note_detail", note.pk)
    user = request.user
    context = {
        "order": order,
        "lines": order.lines.all(),
        "reasons": selectors.reasons_in_words(order),
        "log": log,
        "notes": notes,
        "can_decide": "approve" in allowed or "reject" in allowed,
        "needs_comment": needs_approval_comment(order),
        "simple_actions": [
            {"name": name, "label": ACTION_LABELS[name]}
            for name in allowed
            if name in ("submit", "revise")
        ],
        "can_cancel": "cancel" in allowed,
        "can_edit": order.status == OrderStatus.DRAFT and user.has_perm("orders.change_salesorder"),
        "can_issue": order.status in ISSUABLE
        and user.has_perm("orders.issue_deliverynote")
        and any(qty > 0 for qty in open_quantities(order).values()),
        "pdf_url": url_or_none("orders:order_pdf", order.pk),
        "can_review": order.status == OrderStatus.SUBMITTED and may_review(order, user),
        "review_steps": approval_steps(document_type="sales_order", document_id=order.pk)
        if order.formal
        else [],
        "contract_url": url_or_none("contracts:contract_detail", order.pk),
    }
    return render(request, "orders/order_detail.html", context)


# The page's order actions by the service each calls: the decisions keep the
# comment, a cancel keeps it as its reason.
_ACTIONS_WITHOUT_COMMENT = {"submit": sales_order_submit, "revise": sales_order_revise}
_DECISIONS = {
    "approve": sales_order_approve,
    "reject": sales_order_reject,
    "review_approve": contract_review_approve,
    "review_reject": contract_review_reject,
}


def _run_action(request, order: SalesOrder, action: str, comment: str) -> bool:
    """Run one order action through its service; a refusal becomes a message."""
    user = request.user
    try:
        if action in _ACTIONS_WITHOUT_COMMENT:
            order = _ACTIONS_WITHOUT_COMMENT[action](order=order, user=user)
        elif action in _DECISIONS:
            order = _DECISIONS[action](order=order, user=user, comment=comment)
        else:
            order = sales_order_cancel(order=order, user=user, reason=comment)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return False
    number = {"number": order}
    shortfall = getattr(order, "prepayment_shortfall", None) if action == "submit" else None
    if shortfall:
        messages.warning(
            request,
            _(
                "The customer pays in advance and the prepayment does not cover this order: "
                "%(amount)s more must be paid before finance can stamp its notes."
            )
            % {"amount": number_format(shortfall, 2, force_grouping=True)},
        )
    if action == "submit" and order.status == OrderStatus.APPROVED:
        text = _("Order %(number)s submitted and approved: prices and credit are within the rules.")
    elif action == "submit" and order.formal:
        text = _("Contract %(number)s submitted; it waits for the contract review.")
    elif action == "submit":
        text = _("Order %(number)s submitted; it waits for a manager's approval.")
    elif action == "review_approve" and order.status == OrderStatus.SUBMITTED:
        text = _("Contract %(number)s checked; it goes on to %(level)s.")
        number["level"] = order.review_level.name if order.review_level else ""
    else:
        text = {
            "approve": _("Order %(number)s approved."),
            "reject": _("Order %(number)s rejected."),
            "revise": _("Order %(number)s is a draft again: correct it and submit it."),
            "cancel": _("Order %(number)s cancelled."),
            "review_approve": _("Contract %(number)s approved: it takes effect."),
            "review_reject": _("Contract %(number)s rejected."),
        }[action]
    messages.success(request, text % number)
    return True


@role_required("orders.view_salesorder")
@require_POST
def order_action(request, pk: int, action: str):
    """POST only. The service checks the role for the transition (403) and its rules."""
    order = get_object_or_404(SalesOrder, pk=pk)
    _run_action(request, order, action, request.POST.get("comment", "").strip())
    return redirect(next_url(request) or reverse("orders:order_detail", args=[order.pk]))


# The manager's queue ------------------------------------------------------------------


@role_required("orders.view_salesorder", "orders.approve_salesorder")
def approval_list(request):
    page = page_of(request, selectors.approval_queue(user=request.user), 25)
    for order in page.object_list:
        order.reasons = selectors.reasons_in_words(order)
        order.needs_comment = needs_approval_comment(order)
    return render(request, "orders/order_approvals.html", {"page": page})


urlpatterns = [
    path("", order_list, name="order_list"),
    path("new/", order_create, name="order_create"),
    path("new/line/", order_line_row, name="order_line_row"),
    path("new/price/", price_quote_view, name="price_quote"),
    path("approvals/", approval_list, name="approval_list"),
    path("<int:pk>/", order_detail, name="order_detail"),
    path("<int:pk>/edit/", order_edit, name="order_edit"),
    path("<int:pk>/issue/", note_issue, name="note_issue"),
    path("<int:pk>/<order_action:action>/", order_action, name="order_action"),
]
