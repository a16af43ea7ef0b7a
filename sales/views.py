"""Pages: quotations (报价单) list, entry, detail with the allowed actions, PDF.

Thin views: forms parse, sales/services decide; an ApplicationError comes
back as a message or a form error, a wrong role is 403.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inventory.enums import PRINTED_UNIT_LABELS
from sales import progress_views, setup_views, target_views
from sales.enums import QuotationStatus
from sales.forms import QuotationForm, QuotationLineFormSet
from sales.models import Quotation
from sales.page_actions import action_buttons
from sales.services.quotations import (
    QuotationLineInput,
    quotation_accept,
    quotation_create,
    quotation_decline,
    quotation_send,
)
from salesadmin.errors import ApplicationError
from salesadmin.forms import saved_or_form_error
from salesadmin.page_access import role_required
from salesadmin.pages import page_of
from salesadmin.pdf import money_text, pdf_response, quantity_text, render_pdf, rmb_capital

app_name = "sales"


def _action_labels():
    """The buttons a quotation's page may offer."""
    return {
        "send": _("Mark as sent"),
        "accept": _("Accepted by the customer"),
        "decline": _("Declined by the customer"),
    }


@role_required("sales.view_quotation")
def quotation_list(request):
    status = request.GET.get("status", "")
    quotations = Quotation.objects.select_related("customer", "created_by")
    if status in QuotationStatus.values:
        quotations = quotations.filter(status=status)
    page = page_of(request, quotations, 25)
    return render(
        request,
        "sales/quotation_list.html",
        {"page": page, "status": status, "status_choices": QuotationStatus.choices},
    )


@role_required("sales.view_quotation", "sales.add_quotation")
def quotation_create_view(request):
    form = QuotationForm(request.POST or None)
    lines = QuotationLineFormSet(request.POST or None, prefix="line")
    if request.method == "POST" and lines.is_valid():
        inputs = [
            QuotationLineInput(
                product=ln["product"], quantity=ln["quantity"], unit_price=ln.get("unit_price")
            )
            for ln in lines.cleaned_data
            if ln.get("product") and ln.get("quantity") is not None
        ]
        quotation = saved_or_form_error(
            form, lambda **data: quotation_create(user=request.user, lines=inputs, **data)
        )
        if quotation is not None:
            messages.success(request, _("Quotation %(number)s saved.") % {"number": quotation})
            return redirect("sales:quotation_detail", pk=quotation.pk)
    return render(request, "sales/quotation_form.html", {"form": form, "lines": lines})


@role_required("sales.view_quotation")
def quotation_detail(request, pk: int):
    quotation = get_object_or_404(
        Quotation.objects.select_related("customer", "created_by", "sales_order"), pk=pk
    )
    allowed = action_buttons(quotation, request.user, _action_labels())
    return render(
        request,
        "sales/quotation_detail.html",
        {
            "quotation": quotation,
            "lines": quotation.lines.select_related("product"),
            "actions": allowed,
        },
    )


@role_required("sales.view_quotation")
@require_POST
def quotation_action(request, pk: int, action: str):
    """The service checks the role (403), the state and the rules (a message)."""
    quotation = get_object_or_404(Quotation, pk=pk)
    user = request.user
    try:
        if action == "send":
            quotation_send(quotation=quotation, user=user)
        elif action == "accept":
            quotation_accept(quotation=quotation, user=user)
        elif action == "decline":
            quotation_decline(
                quotation=quotation, user=user, comment=request.POST.get("comment", "").strip()
            )
        else:
            messages.error(request, _("Unknown action."))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Quotation %(number)s updated.") % {"number": quotation})
    return redirect(reverse("sales:quotation_detail", args=[pk]))


@role_required("sales.view_quotation")
def quotation_pdf(request, pk: int):
    q = get_object_or_404(Quotation.objects.select_related("customer", "created_by"), pk=pk)
    lines = [
        {
            "position": ln.position,
            "product": ln.product.name,
            "sku": ln.product.sku,
            "specification": ln.product.specification,
            "quantity": quantity_text(ln.quantity),
            # Printed in both languages whatever the reader's (as on every document).
            "unit": PRINTED_UNIT_LABELS.get(ln.product.unit, ln.product.unit),
            "unit_price": money_text(ln.unit_price),
            "amount": money_text(ln.amount),
        }
        for ln in q.lines.select_related("product").order_by("position", "id")
    ]
    context = {
        "company_name": settings.COMPANY_NAME,
        "company_address": settings.COMPANY_ADDRESS,
        "company_phone": settings.COMPANY_PHONE,
        "number": q.number or f"#{q.pk}",
        "q": q,
        "party": q.party,
        "lines": lines,
        "total": money_text(q.total),
        "total_capital": rmb_capital(q.total),
        "void": {
            QuotationStatus.LAPSED: "已失效 LAPSED",
            QuotationStatus.DECLINED: "已拒绝 DECLINED",
            QuotationStatus.DRAFT: "草稿 DRAFT",
        }.get(q.status, ""),
    }
    pdf = render_pdf("pdf/quotation.html", context, request=request)
    return pdf_response(pdf, f"{q.number or f'quotation-{q.pk}'}.pdf")


urlpatterns = [
    path("quotations/", quotation_list, name="quotation_list"),
    path("quotations/new/", quotation_create_view, name="quotation_create"),
    path("quotations/<int:pk>/", quotation_detail, name="quotation_detail"),
    path("quotations/<int:pk>/pdf/", quotation_pdf, name="quotation_pdf"),
    path("quotations/<int:pk>/<slug:action>/", quotation_action, name="quotation_action"),
]

# Targets, progress, the monthly meeting and commission (issue 17).
urlpatterns += target_views.urlpatterns + progress_views.urlpatterns

# Product groups, teams and commission rules in the browser (issue 17, item A).
urlpatterns += setup_views.urlpatterns
