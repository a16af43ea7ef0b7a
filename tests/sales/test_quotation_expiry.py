"""Sent quotations lapse after their validity date, by the beat job; each
lapses once (one log row) even when two runs overlap."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from celery import current_app
from django.core.management import call_command

from sales.enums import QuotationStatus
from sales.models import Quotation
from sales.services.quotations import (
    QuotationLineInput,
    quotation_create,
    quotation_send,
    quotations_lapse_expired,
)
from sales.tasks import lapse_quotations
from salesadmin.clock import company_today
from salesadmin.models import TransitionLog
from salesadmin.schedules import BEAT_SCHEDULE
from tests.racing import run_together


def _sent(chain, days: int, *, send: bool = True) -> Quotation:
    q = quotation_create(
        user=chain.clerk,
        customer=chain.customer,
        lines=[QuotationLineInput(product=chain.products[0], quantity=Decimal("5"))],
        valid_until=company_today() + dt.timedelta(days=days),
        delivery_date=company_today() + dt.timedelta(days=days),
    )
    return quotation_send(quotation=q, user=chain.clerk) if send else q


def _move_clock(monkeypatch, days: int) -> None:
    day = company_today() + dt.timedelta(days=days)
    for module in ("sales.models.quotations", "sales.services.quotations"):
        monkeypatch.setattr(f"{module}.company_today", lambda: day)


def _lapses() -> int:
    return TransitionLog.objects.filter(document_type="quotation", transition="lapse").count()


@pytest.mark.django_db
@pytest.mark.parametrize("run", ["service", "task", "command"])
def test_only_sent_quotations_past_their_date_lapse(chain, monkeypatch, run):
    expiring = _sent(chain, 0)
    still_valid = _sent(chain, 1)
    draft = _sent(chain, 0, send=False)
    _move_clock(monkeypatch, 1)
    if run == "service":
        assert quotations_lapse_expired() == 1
    elif run == "task":
        assert lapse_quotations.apply().get() == 1
    else:
        out = StringIO()
        call_command("lapse_quotations", stdout=out)
        assert "1 quotation(s) lapsed." in out.getvalue()
    statuses = dict(Quotation.objects.values_list("pk", "status"))
    assert statuses == {
        expiring.pk: QuotationStatus.LAPSED,
        still_valid.pk: QuotationStatus.SENT,
        draft.pk: QuotationStatus.DRAFT,
    }
    log = TransitionLog.objects.get(document_type="quotation", transition="lapse")
    assert (log.document_id, log.user_id, log.from_state) == (expiring.pk, None, "sent")
    assert quotations_lapse_expired() == 0  # idempotent


def test_the_job_is_scheduled():
    entry = BEAT_SCHEDULE["sales-lapse-quotations"]
    assert entry["task"] == "sales.tasks.lapse_quotations"
    assert entry["task"] in current_app.tasks


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_lapse_each_quotation_once(chain, monkeypatch):
    quotations = [_sent(chain, 0) for _ in range(12)]
    _move_clock(monkeypatch, 1)
    outcomes = run_together(lambda i: quotations_lapse_expired(), n=2)
    assert [kind for kind, _ in outcomes] == ["ok", "ok"]
    # Every quotation lapsed by exactly one of the runs: the counts add up.
    assert sum(result for _, result in outcomes) == len(quotations)
    assert _lapses() == len(quotations)
    assert set(Quotation.objects.values_list("status", flat=True)) == {QuotationStatus.LAPSED}
