"""Pages: sales targets (销售目标): the versions of each year, a target's grid
month × salesperson (per product group if chosen), its transitions, and the
XLSX import with a dry run."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from customers.models import Customer
from reports.selectors.definitions import person_name
from sales.enums import TargetStatus
from sales.models import ProductGroup, SalesTarget
from sales.page_actions import action_buttons
from sales.services.target_import import sales_target_import
from sales.services.targets import (
    TargetLineInput,
    sales_target_approve,
    sales_target_create,
    sales_target_lines_save,
    sales_target_reject,
    sales_target_revise,
    sales_target_submit,
)
from salesadmin.clock import company_today
from salesadmin.errors import ApplicationError
from salesadmin.page_access import role_required

MONTHS = range(1, 13)


@role_required("sales.view_salestarget")
def target_list(request):
    if request.method == "POST":
        if not request.user.has_perm("sales.add_salestarget"):
            raise PermissionDenied
        try:
            year = int(request.POST.get("year", ""))
            target = sales_target_create(user=request.user, year=year)
        except ValueError:
            messages.error(request, _("Enter a year between 2000 and 2100."))
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            return redirect("sales:target_detail", pk=target.pk)
    targets = SalesTarget.objects.select_related("created_by", "approved_by")
    return render(
        request,
        "sales/target_list.html",
        {"targets": targets[:100], "year": company_today().year},
    )


def _salespeople(target: SalesTarget) -> list:
    ids = set(
        Customer.objects.filter(salesperson__isnull=False).values_list("salesperson_id", flat=True)
    )
    ids |= set(target.lines.values_list("salesperson_id", flat=True))
    users = get_user_model().objects.filter(pk__in=ids).order_by("username")
    return [(u, person_name(u.first_name, u.last_name, u.username)) for u in users]


def _group(request) -> ProductGroup | None:
    pk = request.GET.get("group") or request.POST.get("group")
    if not pk or not re.fullmatch(r"[0-9]{1,9}", str(pk)):
        return None
    return ProductGroup.objects.filter(pk=pk).first()


def _grid(target: SalesTarget, group: ProductGroup | None, people) -> list[dict]:
    lines = {(ln.month, ln.salesperson_id): ln for ln in target.lines.filter(product_group=group)}
    rows = []
    for month in MONTHS:
        cells = []
        for user, _name in people:
            line = lines.get((month, user.pk))
            cells.append(
                {
                    "user": user.pk,
                    "amount": line.amount if line else "",
                    "quantity": line.quantity if line and line.quantity is not None else "",
                }
            )
        rows.append({"month": month, "cells": cells})
    totals = []
    for user, _name in people:
        totals.append(
            sum((ln.amount for (m, u), ln in lines.items() if u == user.pk), Decimal("0.00"))
        )
    return rows, totals


ACTION_LABELS = {
    "submit": _("Submit for approval"),
    "approve": _("Approve"),
    "reject": _("Send back"),
}


@role_required("sales.view_salestarget")
def target_detail(request, pk: int, import_report=None):
    target = get_object_or_404(
        SalesTarget.objects.select_related("created_by", "approved_by", "revises"), pk=pk
    )
    group = _group(request)
    people = _salespeople(target)
    rows, totals = _grid(target, group, people)
    editable = target.status == TargetStatus.DRAFT and request.user.has_perm(
        "sales.change_salestarget"
    )
    actions = action_buttons(target, request.user, ACTION_LABELS)
    return render(
        request,
        "sales/target_detail.html",
        {
            "target": target,
            "group": group,
            "groups": ProductGroup.objects.all(),
            "people": people,
            "rows": rows,
            "totals": totals,
            "editable": editable,
            "actions": actions,
            "can_revise": target.status == TargetStatus.APPROVED
            and request.user.has_perm("sales.add_salestarget"),
            "versions": SalesTarget.objects.filter(year=target.year).order_by("-version"),
            "import_report": import_report,
        },
    )


def _number(raw: str, field: str) -> Decimal | None:
    raw = (raw or "").replace(",", "").strip()
    if not raw:
        return None
    try:
        return Decimal(raw)
    except InvalidOperation:
        raise ApplicationError(_("Enter numbers only."), code=f"invalid_{field}") from None


@role_required("sales.change_salestarget")
@require_POST
def target_lines(request, pk: int):
    target = get_object_or_404(SalesTarget, pk=pk)
    group = _group(request)
    people = _salespeople(target)
    url = reverse("sales:target_detail", args=[pk]) + (f"?group={group.pk}" if group else "")
    try:
        lines = []
        for month in MONTHS:
            for user, _name in people:
                amount = _number(request.POST.get(f"a-{month}-{user.pk}", ""), "amount")
                quantity = (
                    _number(request.POST.get(f"q-{month}-{user.pk}", ""), "quantity")
                    if group and group.unit
                    else None
                )
                if amount is not None or quantity is not None:
                    lines.append(
                        TargetLineInput(
                            month=month,
                            salesperson_id=user.pk,
                            amount=amount or Decimal("0"),
                            product_group=group,
                            quantity=quantity,
                        )
                    )
        sales_target_lines_save(user=request.user, target=target, lines=lines, product_group=group)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Target saved."))
    return redirect(url)


@role_required("sales.view_salestarget")
@require_POST
def target_action(request, pk: int, action: str):
    target = get_object_or_404(SalesTarget, pk=pk)
    user, comment = request.user, request.POST.get("comment", "").strip()
    try:
        if action == "submit":
            sales_target_submit(user=user, target=target)
        elif action == "approve":
            sales_target_approve(user=user, target=target, comment=comment)
        elif action == "reject":
            sales_target_reject(user=user, target=target, comment=comment)
        elif action == "revise":
            revision = sales_target_revise(user=user, target=target, reason=comment)
            messages.success(request, _("%(target)s drafted.") % {"target": revision})
            return redirect("sales:target_detail", pk=revision.pk)
        else:
            messages.error(request, _("Unknown action."))
            return redirect("sales:target_detail", pk=pk)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(target)s updated.") % {"target": target})
    return redirect("sales:target_detail", pk=pk)


@role_required("sales.change_salestarget")
@require_POST
def target_import(request, pk: int):
    target = get_object_or_404(SalesTarget, pk=pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose an XLSX file."))
        return redirect("sales:target_detail", pk=pk)
    try:
        report = sales_target_import(
            user=request.user,
            target=target,
            upload=upload,
            dry_run=bool(request.POST.get("dry_run")),
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("sales:target_detail", pk=pk)
    if report.written:
        messages.success(request, _("%(n)s lines imported.") % {"n": len(report.lines)})
        return redirect("sales:target_detail", pk=pk)
    request.method = "GET"
    return target_detail(request, pk, import_report=report)


urlpatterns = [
    path("targets/", target_list, name="target_list"),
    path("targets/<int:pk>/", target_detail, name="target_detail"),
    path("targets/<int:pk>/lines/", target_lines, name="target_lines"),
    path("targets/<int:pk>/import/", target_import, name="target_import"),
    path("targets/<int:pk>/<slug:action>/", target_action, name="target_action"),
]
