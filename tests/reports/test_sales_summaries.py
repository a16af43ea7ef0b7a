"""Sales summaries on the 5th, 15th and 25th: the days since the last one, mailed
to the managers with an e-mail and left as a notice to each; never twice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command

from notices.models import Notice
from reports import services
from reports.enums import SummaryStatus
from reports.models import SalesSummary
from salesadmin.roles import Role
from tests.factories import UserFactory
from tests.reports.conftest import note_value, today

pytestmark = pytest.mark.django_db


@pytest.fixture
def managers(manager):
    second = UserFactory(username="boss", roles=[Role.MANAGER])
    no_mail = UserFactory(username="nomail", email="", roles=[Role.MANAGER])
    return [manager, second, no_mail]


def test_the_period_runs_from_the_last_summary_to_yesterday(db):
    assert services.summary_period(dt.date(2026, 11, 15)) == (
        dt.date(2026, 11, 5),
        dt.date(2026, 11, 14),
    )
    assert services.summary_period(dt.date(2026, 12, 5)) == (
        dt.date(2026, 11, 25),
        dt.date(2026, 12, 4),
    )
    SalesSummary.objects.create(
        period_start=dt.date(2026, 11, 1), period_end=dt.date(2026, 11, 4), figures={}
    )
    # A missed run: the next covers everything since the last one.
    assert services.summary_period(dt.date(2026, 11, 25)) == (
        dt.date(2026, 11, 5),
        dt.date(2026, 11, 24),
    )


def test_summary_is_mailed_and_noticed_once_even_when_run_twice(world, managers, clerk):
    # Given today's sales, when the summary for the period ending today runs
    # twice and the command once more,
    tomorrow = today() + dt.timedelta(days=1)

    first = services.sales_summaries_run(today=tomorrow)
    second = services.sales_summaries_run(today=tomorrow)
    call_command("send_sales_summaries", date=tomorrow)

    # then one summary was sent, to the managers only, by mail and notice,
    assert (first, second) == (1, 0)
    summary = SalesSummary.objects.get()
    assert summary.status == SummaryStatus.SENT
    assert summary.period_end == today()
    assert sorted(m.to[0] for m in mail.outbox) == ["boss@example.com", "manager@example.com"]
    assert Notice.objects.filter(kind="sales_summary").count() == 3
    assert not Notice.objects.filter(recipient=clerk).exists()
    # and its figures, mail and notice carry the period's sales.
    sold = [n for n in world.notes.values() if n.dispatched_at]
    expected = sum((note_value(n) for n in sold), Decimal("0"))
    assert Decimal(summary.figures["sales"]) == expected
    assert summary.figures["notes"] == len(sold)
    message = mail.outbox[0]
    assert f"{expected:,.2f}" in message.body
    assert message.alternatives[0][1] == "text/html"
    notice = Notice.objects.filter(recipient__username="nomail").get()
    assert str(expected) in notice.text
    assert notice.link.startswith("/reports/sales/?")


def test_a_refused_mail_stays_pending_and_is_sent_by_the_next_run(world, managers, monkeypatch):
    tomorrow = today() + dt.timedelta(days=1)

    def refuse(self, messages):
        raise OSError("mail server down")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    assert services.sales_summaries_run(today=tomorrow) == 0
    summary = SalesSummary.objects.get()
    assert (summary.status, summary.attempts) == (SummaryStatus.PENDING, 1)
    assert "mail server down" in summary.last_error
    assert not Notice.objects.exists()

    monkeypatch.undo()
    assert services.sales_summaries_run(today=tomorrow) == 1
    assert SalesSummary.objects.get().status == SummaryStatus.SENT
    assert len(mail.outbox) == 2


def test_one_summary_per_period_is_kept_by_the_database(db):
    from django.db import IntegrityError

    SalesSummary.objects.create(
        period_start=dt.date(2026, 11, 5), period_end=dt.date(2026, 11, 14), figures={}
    )
    with pytest.raises(IntegrityError):
        SalesSummary.objects.create(
            period_start=dt.date(2026, 11, 5), period_end=dt.date(2026, 11, 14), figures={}
        )


def test_the_beat_runs_on_the_5th_15th_and_25th():
    from salesadmin.schedules import BEAT_SCHEDULE

    entry = BEAT_SCHEDULE["reports-sales-summaries"]
    assert entry["task"] == "reports.tasks.send_sales_summaries"
    assert entry["schedule"].day_of_month == {5, 15, 25}
