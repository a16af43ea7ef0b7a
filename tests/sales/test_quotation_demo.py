"""Demo quotations: one in every state, added once."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from sales.enums import QuotationStatus
from sales.models import Quotation


@pytest.mark.django_db
def test_demo_quotations_cover_every_state_and_load_once():
    call_command("demo_data", stdout=io.StringIO())
    call_command("demo_quotations", stdout=io.StringIO())
    states = sorted(Quotation.objects.values_list("status", flat=True))
    assert states == sorted(QuotationStatus.values)
    assert Quotation.objects.get(status=QuotationStatus.ACCEPTED).sales_order_id is not None
    out = io.StringIO()
    call_command("demo_quotations", stdout=out)
    assert "0 demo quotation(s) added." in out.getvalue()
    assert Quotation.objects.count() == len(QuotationStatus.values)
