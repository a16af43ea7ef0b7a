"""Periodic sales summaries to the managers (5th, 15th and 25th).

Work that must not be lost is a row first: ``sales_summary_prepare`` writes one
row per period with its figures (unique per period, so a doubled or retried
run adds nothing), ``sales_summaries_send`` mails the pending rows and marks
them sent under a row lock (a second worker skips a row being sent).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from notices.models import Notice
from reports.enums import SummaryStatus
from reports.models import SalesSummary
from reports.selectors import definitions, sales_figures
from salesadmin.clock import company_today

logger = logging.getLogger(__name__)

SUMMARY_DAYS = (5, 15, 25)
SUMMARY_TOP = 5
NOTICE_KIND = "sales_summary"
NOTICE_MESSAGE = gettext_noop(
    "Sales summary %(start)s – %(end)s: %(sales)s sold on %(notes)s delivery notes."
)


def previous_summary_day(day: dt.date) -> dt.date:
    """The latest 5th, 15th or 25th strictly before ``day``."""
    for days_back in range(1, 40):
        candidate = day - dt.timedelta(days=days_back)
        if candidate.day in SUMMARY_DAYS:
            return candidate
    raise AssertionError("a summary day falls within every 40 days")


def summary_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """The days since the last summary, up to yesterday. The first summary
    covers the days since the previous summary day."""
    end = today - dt.timedelta(days=1)
    last = SalesSummary.objects.order_by("-period_end").values_list("period_end", flat=True).first()
    start = last + dt.timedelta(days=1) if last else previous_summary_day(today)
    return start, end


def _money(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01")))


def summary_figures(first: dt.date, last: dt.date) -> dict:
    """The figures mailed for a period, as JSON (money as strings)."""
    from finance.aging import aging_summary

    totals = sales_figures.period_totals(first, last)
    aging = aging_summary(as_of=last, top=SUMMARY_TOP)

    def ranked(rows):
        return [
            {"label": r.label, "detail": r.detail, "value": _money(r.value), "notes": r.notes}
            for r in rows
        ]

    return {
        # Net of the period's returns and allowances, like every report.
        "sales": _money(totals["sales"]),
        "returns": _money(totals["returns"]),
        "allowances": _money(totals["allowances"]),
        "notes": totals["notes"],
        "ordered": _money(totals["ordered"]),
        "orders": totals["orders"],
        "receivables": _money(aging.totals["total"]),
        "overdue": _money(aging.totals["total"] - aging.totals["current"]),
        "top_products": ranked(sales_figures.top_products(first, last, limit=SUMMARY_TOP)),
        "top_customers": ranked(sales_figures.top_customers(first, last, limit=SUMMARY_TOP)),
        "top_salespeople": ranked(sales_figures.top_salespeople(first, last, limit=SUMMARY_TOP)),
    }


def sales_summary_prepare(*, today: dt.date | None = None) -> SalesSummary | None:
    """Write the pending summary for the days since the last one; None when
    those days are already covered (a second run on the same day)."""
    today = today or company_today()
    start, end = summary_period(today)
    if start > end:
        return None
    figures = summary_figures(start, end)
    try:
        with transaction.atomic():
            return SalesSummary.objects.create(period_start=start, period_end=end, figures=figures)
    except IntegrityError:  # another run wrote it meanwhile
        return None


def managers():
    """Everyone who may see the reports (the manager role), active."""
    perm = Permission.objects.get(content_type__app_label="reports", codename="view_dashboard")
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(groups__permissions=perm) | Q(user_permissions=perm))
        .distinct()
        .order_by("pk")
    )


def _link(summary: SalesSummary) -> str:
    return (
        definitions.sales_url(
            date_from=summary.period_start, date_to=summary.period_end, group_by="day"
        )
        or ""
    )


def summary_message_id(summary: SalesSummary, to: str) -> str:
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip("> ") or "salesadmin.invalid"
    recipient = hashlib.sha256(to.lower().encode()).hexdigest()[:16]
    return f"<sales-summary-{summary.pk}-{recipient}@{domain}>"


def _message(summary: SalesSummary, to: str) -> EmailMultiAlternatives:
    # Mail needs an absolute link: only when the site's address is configured.
    site = getattr(settings, "SITE_URL", "").rstrip("/")
    context = {
        "summary": summary,
        "f": summary.figures,
        "link": site + _link(summary) if site else "",
    }
    subject = _("Sales summary %(start)s – %(end)s") % {
        "start": summary.period_start.isoformat(),
        "end": summary.period_end.isoformat(),
    }
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("reports/email/summary.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        # Stable per summary and recipient: the rerun after a crash between the
        # mail server's OK and the COMMIT sends the same message, shown once.
        headers={"Message-ID": summary_message_id(summary, to)},
    )
    message.attach_alternative(render_to_string("reports/email/summary.html", context), "text/html")
    return message


def sales_summary_send(*, summary_id: int) -> bool:
    """Mail one pending summary to every manager with an e-mail and leave each
    manager a notice; mark it sent. False when it is not pending (already
    sent, or being sent by another worker) or the mail server refused."""
    with transaction.atomic():
        summary = (
            SalesSummary.objects.select_for_update(skip_locked=True)
            .filter(pk=summary_id, status=SummaryStatus.PENDING)
            .first()
        )
        if summary is None:
            return False
        people = list(managers())
        with translation.override(settings.LANGUAGE_CODE):
            messages = [_message(summary, p.email) for p in people if p.email]
        try:
            get_connection().send_messages(messages)
        except Exception as exc:  # noqa: BLE001 - any mail failure: retry on the next run
            logger.warning("sales summary %s not sent: %s", summary.pk, exc)
            summary.attempts += 1
            summary.last_error = str(exc)[:300]
            summary.save(update_fields=["attempts", "last_error"])
            return False
        params = {
            "start": summary.period_start.isoformat(),
            "end": summary.period_end.isoformat(),
            "sales": summary.figures.get("sales", "0.00"),
            "notes": summary.figures.get("notes", 0),
        }
        Notice.objects.bulk_create(
            Notice(
                recipient=p,
                kind=NOTICE_KIND,
                message=NOTICE_MESSAGE,
                params=params,
                link=_link(summary),
            )
            for p in people
        )
        summary.status = SummaryStatus.SENT
        summary.sent_at = timezone.now()
        summary.attempts += 1
        summary.recipients = ", ".join(m.to[0] for m in messages)
        summary.save(update_fields=["status", "sent_at", "attempts", "recipients"])
        return True


def sales_summaries_run(*, today: dt.date | None = None) -> int:
    """The scheduled job: prepare the summary that is due, then send every
    pending one (a summary that failed before is retried). Returns how many
    were sent."""
    sales_summary_prepare(today=today)
    pending = SalesSummary.objects.filter(status=SummaryStatus.PENDING).order_by("period_end")
    return sum(sales_summary_send(summary_id=pk) for pk in pending.values_list("pk", flat=True))
