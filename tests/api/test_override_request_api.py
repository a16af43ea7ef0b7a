"""POST /api/v1/delivery-notes/{id}/ask-override/: finance sends a note it cannot
stamp to the managers."""

from __future__ import annotations

from decimal import Decimal

import pytest

from customers.enums import CreditTerms
from salesadmin.models import TransitionLog
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def _url(note) -> str:
    return f"/api/v1/delivery-notes/{note.pk}/ask-override/"


def _uncovered(chain):
    prepaid = CustomerFactory(credit_terms=CreditTerms.PREPAID, credit_limit=Decimal("0.00"))
    return chain.note(chain.order(("10",), customer=prepaid))


def _asked(note) -> int:
    return TransitionLog.objects.filter(document_id=note.pk, transition="ask_override").count()


def test_finance_asks_for_an_override(chain, api_for):
    note = _uncovered(chain)

    response = api_for(chain.finance).post(_url(note), {"reason": "下午付款"}, format="json")

    assert response.status_code == 200
    assert response.json()["status"] == "issued"
    assert _asked(note) == 1


def test_a_second_request_is_a_conflict(chain, api_for):
    note = _uncovered(chain)
    api = api_for(chain.finance)
    api.post(_url(note), {}, format="json")

    response = api.post(_url(note), {}, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "already_asked"
    assert _asked(note) == 1


def test_a_covered_note_is_refused(chain, api_for):
    note = chain.note()

    response = api_for(chain.finance).post(_url(note), {}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "already_covered"
    assert _asked(note) == 0


@pytest.mark.parametrize("persona", ["clerk", "keeper", "guard"])
def test_other_roles_are_refused(request, chain, api_for, persona):
    note = _uncovered(chain)

    response = api_for(request.getfixturevalue(persona)).post(_url(note), {}, format="json")

    assert response.status_code == 403
    assert _asked(note) == 0
