"""The manager's pages: the dashboard, the sales analysis and the three-way
reconciliation (三方核对), each with its CSV/XLSX export."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.enums import GroupBy, Period
from reports.forms import SalesFilterForm, parse_month
from reports.selectors import dashboard_report, definitions, reconciliation_report, sales_analysis
from salesadmin.clock import company_today
from salesadmin.exports import FORMATS, export_response
from salesadmin.page_access import role_required
from salesadmin.pages import page_of

PERM = "reports.view_dashboard"
SALES_PAGE_ROWS = 100


@role_required(PERM)
def dashboard(request):
    data = dashboard_report.dashboard(period=request.GET.get("period", Period.MONTH))
    chart = {
        "labels": [d.day.strftime("%m-%d") for d in data.trend],
        "sales": [str(d.sales) for d in data.trend],
        "ordered": [str(d.ordered) for d in data.trend],
        "sales_label": _("Sold (dispatched)"),
        "ordered_label": _("Ordered (approved)"),
    }
    buckets = {
        "labels": [str(label) for _key, label, _amount in data.aging.buckets],
        "amounts": [str(amount) for _key, _label, amount in data.aging.buckets],
    }
    return render(
        request,
        "reports/dashboard.html",
        {
            "d": data,
            "overdue": data.aging.totals["total"] - data.aging.totals["current"],
            "chart": chart,
            "aging_chart": buckets,
            "periods": Period.choices,
            "now": timezone.now(),
        },
    )


def _sales_header(group_by: str) -> list[str]:
    first = {
        GroupBy.DAY: _("Day"),
        GroupBy.MONTH: _("Month"),
        GroupBy.PRODUCT: _("Product"),
        GroupBy.CUSTOMER: _("Customer"),
        GroupBy.SALESPERSON: _("Salesperson"),
    }[GroupBy(group_by)]
    header = [first]
    if group_by in (GroupBy.PRODUCT, GroupBy.CUSTOMER):
        header.append(_("SKU") if group_by == GroupBy.PRODUCT else _("Code"))
    if group_by == GroupBy.PRODUCT:
        header += [_("Quantity"), _("Unit")]
    return [
        *header,
        _("Delivery notes"),
        _("Gross sales"),
        _("Returns"),
        _("Allowances"),
        _("Net sales"),
    ]


def _sales_cells(group_by: str, row: definitions.Ranked) -> list:
    cells = [row.label]
    if group_by in (GroupBy.PRODUCT, GroupBy.CUSTOMER):
        cells.append(row.detail)
    if group_by == GroupBy.PRODUCT:
        cells += [row.quantity, row.unit]
    return [*cells, row.notes, row.gross, row.returns, row.allowances, row.value]


def _with_default_dates(params):
    """No dates given: this month so far, shown in the form's fields."""
    data = params.copy()
    today = company_today()
    if not data.get("date_to"):
        data["date_to"] = today.isoformat()
    if not data.get("date_from"):
        try:
            last = dt.date.fromisoformat(data["date_to"])
        except ValueError:
            last = today
        data["date_from"] = last.replace(day=1).isoformat()
    return data


@role_required(PERM)
def sales(request):
    form = SalesFilterForm(_with_default_dates(request.GET))
    context: dict = {"form": form, "group_choices": GroupBy.choices}
    if form.is_valid():
        query = form.query()
        rows = sales_analysis.sales_rows(query)
        export = request.GET.get("export")
        if export in FORMATS:
            header = _sales_header(query.group_by)
            cells = (_sales_cells(query.group_by, sales_analysis.sales_row(query, r)) for r in rows)
            name = f"sales-{query.date_from:%Y%m%d}-{query.date_to:%Y%m%d}-{query.group_by}"
            return export_response(export, name, _("Sales"), header, cells)
        page = page_of(request, rows, SALES_PAGE_ROWS)
        page.object_list = [sales_analysis.sales_row(query, r) for r in page.object_list]
        context.update(
            query=query,
            page=page,
            totals=sales_analysis.sales_totals(query),
            header=_sales_header(query.group_by),
            export_query=request.GET.urlencode(),
        )
    return render(request, "reports/sales.html", context)


def _reconciliation_exports(rec: reconciliation_report.Reconciliation):
    header = [
        _("Product"),
        _("SKU"),
        _("Unit"),
        _("On delivery notes"),
        _("Dispatch moves"),
        _("Out through the gate"),
        _("Notes − moves"),
        _("Notes − gate"),
        _("Return moves"),
        _("of them held"),
    ]
    rows = [
        [
            p.label,
            p.sku,
            p.unit,
            p.noted,
            p.moved,
            p.exited,
            p.noted - p.moved,
            p.noted - p.exited,
            p.returned,
            p.held,
        ]
        for p in rec.products
    ]
    rows.append([])
    rows.append(
        [
            _("Mismatch"),
            _("Delivery note"),
            _("Product"),
            _("On the note"),
            _("Moved"),
            _("Stock moves"),
            _("Gate exit"),
            _("When"),
        ]
    )
    for m in rec.mismatches:
        rows.append(
            [
                m.label,
                m.note_number,
                m.product,
                m.noted,
                m.moved,
                " ".join(f"#{pk}:{qty}" for pk, qty in m.moves),
                timezone.localtime(m.gate_exit_at).strftime("%Y-%m-%d %H:%M")
                if m.gate_exit_at
                else "",
                timezone.localtime(m.at).strftime("%Y-%m-%d %H:%M") if m.at else "",
            ]
        )
    return header, rows


@role_required(PERM)
def reconciliation(request):
    today = company_today()
    month = parse_month(request.GET.get("month"), today)
    rec = reconciliation_report.reconciliation(month)
    export = request.GET.get("export")
    if export in FORMATS:
        header, rows = _reconciliation_exports(rec)
        return export_response(
            export, f"reconciliation-{month:%Y-%m}", _("Reconciliation"), header, rows
        )
    previous = (month - dt.timedelta(days=1)).replace(day=1)
    following = (month + dt.timedelta(days=32)).replace(day=1)
    return render(
        request,
        "reports/reconciliation.html",
        {
            "rec": rec,
            "month_value": f"{month:%Y-%m}",
            "previous": f"{previous:%Y-%m}",
            "following": f"{following:%Y-%m}" if following <= today else None,
            "running": month == today.replace(day=1),
        },
    )


urlpatterns = [
    path("", dashboard, name="dashboard"),
    path("sales/", sales, name="sales"),
    path("reconciliation/", reconciliation, name="reconciliation"),
]
