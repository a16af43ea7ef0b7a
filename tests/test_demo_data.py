"""The demo data a new user sees first: loaded through the services, twice
without duplicates, with something in every role's queue today and sales on
the dashboard."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from finance.models import Invoice, ReceivableEntry
from orders.enums import NoteStatus
from orders.models import DeliveryNote, SalesOrder
from reports.selectors.sales_figures import daily_figures
from salesadmin.clock import company_today


def _counts():
    return (
        SalesOrder.objects.count(),
        DeliveryNote.objects.count(),
        ReceivableEntry.objects.count(),
        Invoice.objects.count(),
    )


@pytest.mark.django_db
def test_demo_data_fills_every_queue_and_loads_once(client):
    call_command("demo_data", stdout=io.StringIO())
    first = _counts()
    call_command("demo_data", stdout=io.StringIO())
    assert _counts() == first

    statuses = set(DeliveryNote.objects.values_list("status", flat=True))
    # finance, warehouse and gate each have a truck waiting today
    assert {NoteStatus.ISSUED, NoteStatus.STAMPED, NoteStatus.DISPATCHED} <= statuses

    # Sales on most of the last two weeks' days, from the day tables and today.
    today = company_today()
    days = daily_figures(today - dt.timedelta(days=13), today)
    assert sum(1 for d in days if d.sales > 0) >= 5

    client.login(username="manager", password="demo1234")
    assert client.get("/reports/").status_code == 200
