"""Reissue: an expired or cancelled note gives a new note with the same lines,
its own number, stock reserved again (issue 12, the chain's rough edges)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from inventory.models import StockLevel
from orders.enums import NoteStatus
from orders.models import DeliveryNote
from orders.services.delivery_notes import delivery_note_cancel, delivery_note_expire_if_stale
from orders.services.reissue import delivery_note_reissue
from salesadmin.clock import company_today
from salesadmin.errors import ApplicationError

pytestmark = pytest.mark.django_db


def _expired(chain) -> DeliveryNote:
    note = chain.note()
    DeliveryNote.objects.filter(pk=note.pk).update(issue_date=company_today() - dt.timedelta(1))
    note.refresh_from_db()
    assert delivery_note_expire_if_stale(note=note)
    note.refresh_from_db()
    assert note.status == NoteStatus.EXPIRED
    return note


def _lines(note):
    return [(line.order_line_id, line.product_id, line.quantity) for line in note.lines.all()]


def test_an_expired_note_is_reissued_with_the_same_lines_and_a_new_number(chain):
    old = _expired(chain)
    reserved_before = sum(StockLevel.objects.values_list("reserved", flat=True))
    new = delivery_note_reissue(note=old, user=chain.clerk)
    assert new.pk != old.pk and new.number != old.number
    assert new.status == NoteStatus.ISSUED and new.issue_date == company_today()
    assert _lines(new) == _lines(old)
    assert (new.warehouse_id, new.order_id) == (old.warehouse_id, old.order_id)
    reserved_after = sum(StockLevel.objects.values_list("reserved", flat=True))
    assert reserved_after - reserved_before == sum(q for _o, _p, q in _lines(old))


def test_a_cancelled_note_is_reissued(chain):
    note = chain.note()
    delivery_note_cancel(note=note, user=chain.clerk, reason="wrong truck")
    new = delivery_note_reissue(note=note, user=chain.clerk)
    assert _lines(new) == _lines(note)


def test_a_live_note_cannot_be_reissued(chain):
    note = chain.note()
    with pytest.raises(ApplicationError) as refused:
        delivery_note_reissue(note=note, user=chain.clerk)
    assert refused.value.code == "note_not_reissuable" and refused.value.status_code == 409


def test_reissuing_twice_would_go_beyond_the_order(chain):
    old = _expired(chain)
    delivery_note_reissue(note=old, user=chain.clerk)
    with pytest.raises(ApplicationError):
        delivery_note_reissue(note=old, user=chain.clerk)
    assert DeliveryNote.objects.filter(status=NoteStatus.ISSUED).count() == 1


def test_only_who_issues_notes_may_reissue(chain):
    old = _expired(chain)
    for user in (chain.finance, chain.keeper):
        with pytest.raises(PermissionDenied):
            delivery_note_reissue(note=old, user=user)


def test_the_note_page_offers_reissue_in_one_click(chain, client_for):
    old = _expired(chain)
    client = client_for(chain.clerk)
    page = client.get(f"/orders/notes/{old.pk}/").content.decode()
    assert f'action="/orders/notes/{old.pk}/reissue/"' in page
    response = client.post(f"/orders/notes/{old.pk}/reissue/")
    new = DeliveryNote.objects.exclude(pk=old.pk).get()
    assert response.status_code == 302 and response["Location"] == f"/orders/notes/{new.pk}/"
    # finance sees the expired note but no reissue button, and may not post it
    finance = client_for(chain.finance)
    assert "reissue" not in finance.get(f"/orders/notes/{old.pk}/").content.decode()
    assert finance.post(f"/orders/notes/{old.pk}/reissue/").status_code == 403


def test_a_refused_reissue_is_a_message_on_the_note(chain, client_for):
    note = chain.note()
    response = client_for(chain.clerk).post(f"/orders/notes/{note.pk}/reissue/", follow=True)
    assert "Only an expired or cancelled note can be reissued" in response.content.decode()
    assert DeliveryNote.objects.count() == 1
