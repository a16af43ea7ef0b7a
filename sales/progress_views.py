"""Pages: target progress (any period, CSV/XLSX), the monthly meeting view
(one page per month, and its PDF), and the commission statements with the
month's closing."""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sales.selectors import commission as commission_selectors
from sales.selectors.progress import Progress, target_progress
from sales.selectors.quotation_report import conversion_by_salesperson
from sales.services.commission import commission_month_close
from salesadmin.clock import add_months, company_today, month_end
from salesadmin.exports import FORMATS, export_response
from salesadmin.page_access import role_required
from salesadmin.pages import date_param, done_or_refused
from salesadmin.pdf import pdf_response, render_pdf

ALL = "sales.view_target_progress"


def _month(raw: str | None) -> dt.date:
    try:
        return dt.datetime.strptime(raw or "", "%Y-%m").date()
    except ValueError:
        return company_today().replace(day=1)


def _scope(user) -> int | None:
    """Managers see everyone; anyone else their own figures."""
    return None if user.has_perm(ALL) else user.pk


def _figures(f) -> list:
    return [f.target, f.actual, f.gap, f.percent, f.run_rate, f.previous, f.change]


def _rows(progress: Progress) -> list[list]:
    rows = []
    for person in progress.rows:
        name = person.name or _("(no salesperson)")
        rows.append([name, "", *_figures(person.figure), None, None])
        for g in person.groups:
            f = g.figure
            rows.append(
                [person.name, g.group.name, *_figures(f), f.target_quantity, f.actual_quantity]
            )
    return rows


def _header() -> list[str]:
    return [
        _("Salesperson"),
        _("Product group"),
        _("Target"),
        _("Actual (net)"),
        _("Gap"),
        _("Achieved %"),
        _("Run rate"),
        _("Month before"),
        _("Change %"),
        _("Target quantity"),
        _("Actual quantity"),
    ]


@role_required("sales.view_salestarget")
def progress(request):
    today = company_today()
    first = date_param(request.GET.get("first"), today.replace(day=1))
    last = date_param(request.GET.get("last"), month_end(today))
    if last < first or (last - first).days > 366:
        messages.error(request, _("Choose a period of at most a year, its end after its start."))
        first, last = today.replace(day=1), month_end(today)
    data = target_progress(first, last, salesperson_id=_scope(request.user))
    fmt = request.GET.get("format")
    if fmt in FORMATS:
        return export_response(
            fmt,
            filename=f"target-progress-{first}-{last}",
            title=_("Target progress"),
            header=_header(),
            rows=_rows(data),
            preamble=[[_("Period"), f"{first} – {last}"]],
        )
    return render(request, "sales/progress.html", {"p": data, "first": first, "last": last})


def _meeting_context(month: dt.date) -> dict:
    first, last = month, month_end(month)
    data = target_progress(first, last)
    year_first = month.replace(month=1)
    return {
        "p": data,
        "month": month,
        "year_to_date": target_progress(year_first, last),
        "previous_month": add_months(month, -1),
        "next_month": add_months(month, 1),
        "statements": commission_selectors.statements(month),
        "conversion": conversion_by_salesperson(first, last),
    }


@role_required(ALL)
def meeting(request):
    month = _month(request.GET.get("month"))
    return render(request, "sales/meeting.html", _meeting_context(month))


@role_required(ALL)
def meeting_pdf(request):
    month = _month(request.GET.get("month"))
    # Printed documents are in Chinese (DESIGN.md), whatever the page's language.
    with translation.override("zh-hans"):
        context = _meeting_context(month) | {
            "company_name": settings.COMPANY_NAME,
            "title": f"销售完成情况 {month:%Y-%m}",
        }
        pdf = render_pdf("pdf/meeting.html", context, request=request)
    return pdf_response(pdf, f"meeting-{month:%Y-%m}.pdf")


@role_required("sales.view_commissionstatement")
def commission(request):
    month = _month(request.GET.get("month"))
    row = commission_selectors.month_row(month)
    return render(
        request,
        "sales/commission.html",
        {
            "month": month,
            "row": row,
            "statements": commission_selectors.statements(month),
            "previous_month": add_months(month, -1),
            "next_month": add_months(month, 1),
            "can_close": request.user.has_perm("sales.close_commissionmonth")
            and not (row and row.status == "closed"),
        },
    )


@role_required("sales.view_commissionstatement")
def commission_statement(request):
    month = _month(request.GET.get("month"))
    person = request.GET.get("salesperson", "")
    user = (
        get_user_model().objects.filter(pk=person).first()
        if re.fullmatch(r"[0-9]{1,9}", person)
        else None
    )
    found = commission_selectors.statements(month, salesperson_id=user.pk) if user else []
    fmt = request.GET.get("format")
    if found and fmt in FORMATS:
        s = found[0]
        return export_response(
            fmt,
            filename=f"commission-{month:%Y-%m}-{user.username}",
            title=_("Commission statement"),
            header=[
                _("Date"),
                _("Kind"),
                _("Document"),
                _("Invoice"),
                _("Customer"),
                _("Amount"),
                _("Counted"),
                _("Remark"),
            ],
            rows=[
                [
                    ln.day,
                    ln.kind_label,
                    ln.document,
                    ln.invoice,
                    ln.customer,
                    ln.amount,
                    ln.counted,
                    ln.remark,
                ]
                for ln in s.lines
            ],
            preamble=[
                [_("Salesperson"), s.name],
                [_("Month"), f"{month:%Y-%m}"],
                [_("Basis"), s.basis_label],
            ],
            footer=[
                ["", "", "", "", _("Total"), None, s.basis_amount, ""],
                ["", "", "", "", _("Commission"), None, s.commission, ""],
            ],
        )
    return render(
        request,
        "sales/commission_statement.html",
        {"month": month, "statement": found[0] if found else None, "person": user},
    )


@role_required("sales.view_commissionstatement")
@require_POST
def commission_close(request):
    if not request.user.has_perm("sales.close_commissionmonth"):
        raise PermissionDenied
    month = _month(request.POST.get("month"))
    return done_or_refused(
        request,
        lambda: commission_month_close(user=request.user, month=month),
        done=_("%(month)s closed.") % {"month": f"{month:%Y-%m}"},
        back=reverse("sales:commission") + f"?month={month:%Y-%m}",
    )


urlpatterns = [
    path("progress/", progress, name="progress"),
    path("meeting/", meeting, name="meeting"),
    path("meeting/pdf/", meeting_pdf, name="meeting_pdf"),
    path("commission/", commission, name="commission"),
    path("commission/statement/", commission_statement, name="commission_statement"),
    path("commission/close/", commission_close, name="commission_close"),
]
