"""orders sits below finance: it asks finance through orders.hooks, which
finance fills when Django starts, and the note's conditions only read the
answer the service handed them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured

from finance.credit import coverage_picture
from finance.services import dispatch_charge
from orders import hooks
from orders.enums import Coverage
from orders.note_selectors import note_coverage


def test_finance_registers_its_answers_when_django_starts():
    assert hooks._registered == {"coverage": coverage_picture, "note_dispatched": dispatch_charge}


def test_an_unregistered_hook_says_what_is_missing(monkeypatch):
    monkeypatch.setattr(hooks, "_registered", {})

    with pytest.raises(ImproperlyConfigured, match="finance must be in INSTALLED_APPS"):
        hooks.coverage(customer=None, amount=Decimal("1.00"))


@pytest.mark.django_db
def test_the_stamp_condition_reads_the_answer_and_asks_nobody(chain, django_assert_num_queries):
    # Given an issued note and finance's answer handed to it
    note = chain.note()
    answer = note_coverage(note=note)
    assert answer.coverage == Coverage.CREDIT and note.coverage_found == Coverage.CREDIT

    # When the condition is evaluated, then it reads the answer without a query
    with django_assert_num_queries(0):
        assert note.is_covered() is True
    note.coverage_found = None
    with django_assert_num_queries(0):
        assert note.is_covered() is False
