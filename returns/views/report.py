"""The returns report (退货追究制) by cause, product, customer or month, with CSV/XLSX."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from returns.selectors import (
    GROUPS,
    returns_report,
)
from salesadmin.exports import export_response
from salesadmin.page_access import role_required
from salesadmin.pages import date_param


@role_required("returns.view_returns_report")
def returns_report_page(request):
    group = request.GET.get("group", "cause")
    if group not in GROUPS:
        group = "cause"
    date_from, date_to = date_param(request.GET.get("from")), date_param(request.GET.get("to"))
    rows = returns_report(group=group, date_from=date_from, date_to=date_to)
    export = request.GET.get("format")
    if export in ("csv", "xlsx"):
        return _report_export(rows, group, export)
    return render(
        request,
        "returns/report.html",
        {
            "rows": rows,
            "group": group,
            "groups": list(GROUP_LABELS.items()),
            "date_from": date_from,
            "date_to": date_to,
            "total_value": sum((r.value for r in rows), Decimal("0.00")),
            "query": request.GET.urlencode(),
        },
    )


GROUP_LABELS = {
    "cause": gettext_lazy("Cause"),
    "product": gettext_lazy("Product"),
    "customer": gettext_lazy("Customer"),
    "month": gettext_lazy("Month"),
}


def _report_export(rows, group: str, kind: str) -> HttpResponse:
    header = [str(GROUP_LABELS[group]), _("Returns"), _("Quantity"), _("Value")]
    return export_response(
        kind,
        f"returns-by-{group}",
        _("Returns"),
        header,
        [[r.label, r.returns, r.quantity, r.value] for r in rows],
        footer=[[_("Total"), "", "", sum((r.value for r in rows), Decimal("0.00"))]],
    )
