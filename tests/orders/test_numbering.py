"""Gapless document numbers per type and year, with configurable prefixes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction

from orders.services.sales_orders import LineInput, sales_order_create
from salesadmin.clock import company_today
from salesadmin.document_numbers import next_number
from salesadmin.errors import ApplicationError
from salesadmin.models import DocumentSequence
from tests.factories import ProductFactory


def _take(doc_type: str, year: int) -> str:
    with transaction.atomic():
        return next_number(doc_type, year=year)


@pytest.mark.django_db
def test_numbers_run_per_type_and_year_and_restart_in_a_new_year():
    # When numbers of two document types are taken across two years, interleaved,
    taken = [
        _take("sales_order", 2027),
        _take("sales_order", 2027),
        _take("delivery_note", 2027),
        _take("sales_order", 2028),
        _take("delivery_note", 2027),
        _take("sales_order", 2027),
        _take("delivery_note", 2028),
    ]

    # then each type and year counts on its own, without gaps,
    assert taken == [
        "LG2027-001",
        "LG2027-002",
        "DN2027-000001",
        "LG2028-001",
        "DN2027-000002",
        "LG2027-003",
        "DN2028-000001",
    ]
    # and one counter row per type and year holds the last number given.
    counters = {(row.doc_type, row.year): row.last_number for row in DocumentSequence.objects.all()}
    assert counters == {
        ("sales_order", 2027): 3,
        ("sales_order", 2028): 1,
        ("delivery_note", 2027): 2,
        ("delivery_note", 2028): 1,
    }


@pytest.mark.django_db
def test_a_number_taken_in_a_rolled_back_transaction_is_given_again():
    class Abandon(Exception):
        pass

    with pytest.raises(Abandon), transaction.atomic():
        assert next_number("sales_order", year=2027) == "LG2027-001"
        raise Abandon

    assert _take("sales_order", 2027) == "LG2027-001"


@pytest.mark.django_db
def test_numbers_beyond_the_width_keep_counting():
    DocumentSequence.objects.create(doc_type="sales_order", year=2027, last_number=999)

    assert _take("sales_order", 2027) == "LG2027-1000"


@pytest.mark.django_db(transaction=True)
def test_next_number_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError, match="inside the transaction"):
        next_number("delivery_note", year=2027)

    assert not DocumentSequence.objects.exists()


@pytest.mark.django_db
def test_prefixes_come_from_settings(settings):
    settings.DOCUMENT_NUMBERING = {"sales_order": ("HT", 4), "delivery_note": ("FH-", 5)}

    assert _take("sales_order", 2027) == "HT2027-0001"
    assert _take("delivery_note", 2027) == "FH-2027-00001"


@pytest.mark.django_db
def test_services_number_documents_with_the_configured_prefix(settings, chain):
    settings.DOCUMENT_NUMBERING = {"sales_order": ("HT", 4), "delivery_note": ("FH", 5)}
    year = company_today().year

    order = chain.order(("10",))
    note = chain.note(order)

    assert order.number == f"HT{year}-0001"
    assert note.number == f"FH{year}-00001"


@pytest.mark.django_db
def test_a_refused_order_does_not_use_up_a_contract_number(chain):
    year = company_today().year
    first = chain.order(("1",), submit=False)

    with pytest.raises(ApplicationError):
        sales_order_create(
            user=chain.clerk,
            customer=chain.customer,
            lines=[LineInput(product=ProductFactory(), quantity=Decimal("1"))],  # no price
        )
    second = chain.order(("1",), submit=False)

    assert (first.number, second.number) == (f"LG{year}-001", f"LG{year}-002")
