"""Finance sends a note it cannot stamp to the managers ("ask for override"):
the service, the note page, the managers' home queue and the menu's count."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from customers.enums import CreditTerms
from orders.enums import NoteStatus
from orders.selectors.delivery_notes import notes_awaiting_override, work_counts
from orders.services.override_requests import delivery_note_ask_override
from salesadmin.clock import company_today
from salesadmin.errors import ApplicationError, ConflictError
from salesadmin.models import TransitionLog
from salesadmin.roles import Role
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def _uncovered(chain):
    """A prepaid customer who has paid nothing: finance cannot stamp the note."""
    prepaid = CustomerFactory(
        name="先款客户", credit_terms=CreditTerms.PREPAID, credit_limit=Decimal("0.00")
    )
    return chain.note(chain.order(("10",), customer=prepaid))


def _asks(note) -> list[tuple]:
    return list(
        TransitionLog.objects.filter(
            document_type="delivery_note", document_id=note.pk, transition="ask_override"
        ).values_list("from_state", "to_state", "user__username", "comment")
    )


def test_finance_asks_the_managers_and_it_is_logged(chain):
    note = _uncovered(chain)

    delivery_note_ask_override(note=note, user=chain.finance, reason="客户说下午付款")

    assert _asks(note) == [("issued", "issued", "finance", "客户说下午付款")]
    note.refresh_from_db()
    assert note.status == NoteStatus.ISSUED  # still finance's or a manager's to stamp
    [queued] = notes_awaiting_override(day=company_today())
    assert queued.pk == note.pk
    assert (queued.asked_by_login, queued.asked_reason) == ("finance", "客户说下午付款")


def test_a_covered_note_is_stamped_not_sent(chain):
    note = chain.note()  # the chain's credit customer is within its limit

    with pytest.raises(ApplicationError) as excinfo:
        delivery_note_ask_override(note=note, user=chain.finance)

    assert excinfo.value.code == "already_covered"
    assert _asks(note) == []


def test_asking_twice_is_refused(chain):
    note = _uncovered(chain)
    delivery_note_ask_override(note=note, user=chain.finance)

    with pytest.raises(ConflictError) as excinfo:
        delivery_note_ask_override(note=note, user=chain.finance, reason="again")

    assert excinfo.value.code == "already_asked"
    assert len(_asks(note)) == 1


def test_only_an_issued_note_is_sent(chain):
    note = chain.stamped()

    with pytest.raises(ConflictError) as excinfo:
        delivery_note_ask_override(note=note, user=chain.finance)

    assert excinfo.value.code == "invalid_state"


@pytest.mark.parametrize("persona", ["clerk", "keeper", "guard"])
def test_only_finance_may_ask(request, chain, persona):
    note = _uncovered(chain)

    with pytest.raises(PermissionDenied):
        delivery_note_ask_override(note=note, user=request.getfixturevalue(persona))

    assert _asks(note) == []


def test_a_stamped_note_leaves_the_managers_queue(chain):
    note = _uncovered(chain)
    delivery_note_ask_override(note=note, user=chain.finance)
    from orders.services.delivery_notes import delivery_note_stamp

    delivery_note_stamp(note=note, user=chain.manager, override_reason="总经理同意, 明天付款")

    assert notes_awaiting_override(day=company_today()) == []


# --- pages --------------------------------------------------------------------------


def test_the_note_page_offers_finance_the_request_and_the_manager_sees_it(chain, client_for):
    note = _uncovered(chain)
    finance = client_for(chain.finance)
    page = finance.get(f"/orders/notes/{note.pk}/").content.decode()
    assert "Ask the managers for an override" in page

    response = finance.post(f"/orders/notes/{note.pk}/ask-override/", {"reason": "下午付款"})

    assert response.status_code == 302
    assert len(_asks(note)) == 1
    page = finance.get(f"/orders/notes/{note.pk}/").content.decode()
    assert "Ask the managers for an override" not in page
    assert "Sent to the managers for an override" in page  # the note's history
    home = client_for(chain.manager).get("/").content.decode()
    assert "Finance asks for your override" in home
    assert note.number in home and "下午付款" in home


def test_the_page_refuses_a_covered_note_with_a_message(chain, client_for):
    note = chain.note()
    client = client_for(chain.finance)
    assert (
        "Ask the managers for an override"
        not in client.get(f"/orders/notes/{note.pk}/").content.decode()
    )

    response = client.post(f"/orders/notes/{note.pk}/ask-override/", follow=True)

    assert "This note is covered: stamp it." in response.content.decode()
    assert _asks(note) == []


def test_the_page_refuses_the_wrong_role(chain, client_for):
    note = _uncovered(chain)
    assert client_for(chain.clerk).post(f"/orders/notes/{note.pk}/ask-override/").status_code == 403
    assert (
        client_for(chain.finance).get(f"/orders/notes/{note.pk}/ask-override/").status_code == 405
    )
    assert _asks(note) == []


# --- the menu's count of new work ---------------------------------------------------


def test_work_counts_per_role(chain):
    note = _uncovered(chain)  # issued today: finance's
    chain.stamped()  # another note, stamped: the keeper's
    today = company_today()

    assert work_counts(user=chain.finance, roles=[Role.FINANCE], day=today) == 1
    assert work_counts(user=chain.keeper, roles=[Role.WAREHOUSE_KEEPER], day=today) == 1
    assert work_counts(user=chain.manager, roles=[Role.MANAGER], day=today) == 0
    delivery_note_ask_override(note=note, user=chain.finance)
    assert work_counts(user=chain.manager, roles=[Role.MANAGER], day=today) == 1


@pytest.mark.parametrize("notes", [1, 8])
def test_the_work_count_is_at_most_two_queries(chain, notes):
    for _ in range(notes):
        delivery_note_ask_override(note=_uncovered(chain), user=chain.finance)
    chain.order(("10",), prices=[Decimal("20.00")])  # waits for a manager
    chain.manager.get_all_permissions()  # a request has read them for its menu already

    with CaptureQueriesContext(connection) as ctx:
        count = work_counts(
            user=chain.manager, roles=[Role.MANAGER, Role.FINANCE], day=company_today()
        )

    assert len(ctx.captured_queries) == 2  # one COUNT of notes, one of orders
    assert count >= notes + 1


def test_the_home_queues_refresh_themselves_with_the_menu_count(chain, client_for):
    client = client_for(chain.finance)
    home = client.get("/").content.decode()
    assert 'id="home-queues"' in home and 'hx-trigger="every 30s"' in home
    _uncovered(chain)

    partial = client.get("/", HTTP_HX_REQUEST="true").content.decode()

    assert partial.lstrip().startswith('<div class="row g-3 mb-3" id="home-queues"')
    assert "<html" not in partial
    assert 'id="work-count" hx-swap-oob="true"' in partial
    assert "Waiting for your stamp" in partial


def test_every_page_shows_the_count_on_home(chain, client_for):
    _uncovered(chain)
    page = client_for(chain.finance).get("/orders/notes/").content.decode()
    assert '<span id="work-count"> <span class="badge rounded-pill text-bg-warning">1' in page
