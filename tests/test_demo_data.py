"""The demo data a new user sees first: loaded through the services, twice
without duplicates, with something in every role's queue today and sales on
the dashboard."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.http import HttpRequest

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

    # Samples and non-sale outbound in several states (issue 11), never sales.
    from outbound.models import NonSaleRequest, SampleApplication

    assert len(set(SampleApplication.objects.values_list("status", flat=True))) >= 4
    assert len(set(NonSaleRequest.objects.values_list("status", flat=True))) >= 3
    assert DeliveryNote.objects.exclude(kind="sale").filter(status=NoteStatus.EXITED).count() >= 2
    assert not ReceivableEntry.objects.filter(
        delivery_note__kind__in=["sample", "non_sale"]
    ).exists()

    # The lockout (django-axes) counts sign-ins per request: the test client's login
    # has none unless given one.
    assert client.login(request=HttpRequest(), username="manager", password="demo1234")
    assert client.get("/reports/").status_code == 200


@pytest.mark.django_db
def test_demo_data_has_contracts_of_each_type_with_tasks_and_reviews():
    from contracts.enums import ReviewStatus, TaskStatus
    from contracts.models import FollowUp, PreparationLine, ProductionTask, RequirementReview
    from orders.enums import ContractType

    call_command("demo_data", stdout=io.StringIO())
    types = set(SalesOrder.objects.values_list("contract_type", flat=True))
    assert {ContractType.A, ContractType.B, ContractType.C} <= types
    open_tasks = ProductionTask.objects.filter(status=TaskStatus.OPEN)
    assert open_tasks.count() >= 2
    assert any(task.is_late for task in open_tasks)
    assert PreparationLine.objects.exists()
    assert RequirementReview.objects.filter(status=ReviewStatus.OPEN).exists()
    assert SalesOrder.objects.filter(formal=True, review_level__isnull=False).exists()
    assert (
        FollowUp.objects.exists()
        or not SalesOrder.objects.filter(delivery_notes__status=NoteStatus.EXITED).exists()
    )
