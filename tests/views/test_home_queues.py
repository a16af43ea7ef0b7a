"""Each role's home is its queue of today's work; the gate's shows no secrets."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import NoReverseMatch, reverse

from orders.enums import NoteStatus, OrderStatus
from orders.models import DeliveryNote
from tests.chain import Chain

SECRET_CUSTOMER = "安吉县保密客户有限公司"


def _make_stale(note):
    DeliveryNote.objects.filter(pk=note.pk).update(issue_date=dt.date(2020, 1, 2))


@pytest.mark.parametrize("role", ["clerk", "finance", "keeper", "guard", "manager"])
def test_every_role_has_a_home(role, request, client_for, db):
    user = request.getfixturevalue(role)
    assert client_for(user).get("/").status_code == 200


def test_guard_home_shows_number_vehicle_and_goods_but_never_customer_or_value(
    guard, client_for, chain
):
    note = chain.dispatched()
    body = client_for(guard).get("/").content.decode()
    assert note.number in body
    assert "浙E12345" in body
    assert "液氧" in body and "氩气" in body
    assert SECRET_CUSTOMER not in body
    assert chain.customer.code not in body
    assert f"{note.value:.2f}" not in body  # 850.00
    assert "30.00" not in body and "80.00" not in body  # unit prices


def test_guard_home_links_to_the_gate_when_it_exists(guard, client_for, db):
    body = client_for(guard).get("/").content.decode()
    try:
        gate = reverse("orders:gate")
    except NoReverseMatch:  # the gate page is built by another issue
        assert "Scan exit pass" not in body
    else:
        assert f'href="{gate}"' in body and "Scan exit pass" in body


def test_guard_home_lists_only_todays_loaded_notes(guard, client_for, chain):
    loaded = chain.dispatched()
    stamped = chain.stamped()
    stale = chain.dispatched()
    _make_stale(stale)
    response = client_for(guard).get("/")
    assert [n["number"] for n in response.context["at_gate"]] == [loaded.number]
    assert stamped.number not in response.content.decode()


def test_finance_home_lists_notes_to_stamp_and_to_top_up(finance, client_for, chain):
    to_stamp = chain.note()
    stale = chain.note()
    _make_stale(stale)
    stamped = chain.stamped()
    over = chain.stamped()
    DeliveryNote.objects.filter(pk=over.pk).update(status=NoteStatus.AWAITING_TOPUP)

    response = client_for(finance).get("/")

    assert [n.pk for n in response.context["to_stamp"]] == [to_stamp.pk]
    assert [n.pk for n in response.context["awaiting_topup"]] == [over.pk]
    body = response.content.decode()
    assert f'href="/orders/notes/{to_stamp.pk}/"' in body
    assert SECRET_CUSTOMER in body and "850.00" in body
    assert stale.number not in body and stamped.number not in body


def test_keeper_home_lists_stamped_notes_with_a_load_button(keeper, client_for, chain):
    stamped = chain.stamped()
    issued = chain.note()
    stale = chain.stamped()
    _make_stale(stale)

    response = client_for(keeper).get("/")

    assert [n["number"] for n in response.context["to_load"]] == [stamped.number]
    body = response.content.decode()
    assert f'href="/orders/notes/{stamped.pk}/dispatch/"' in body
    assert "浙E12345" in body and "液氧" in body
    assert issued.number not in body and stale.number not in body
    assert SECRET_CUSTOMER not in body


def test_clerk_home_shows_my_orders_and_my_notes_today(clerk, client_for, chain):
    order = chain.order()
    note = chain.note(order)
    response = client_for(clerk).get("/")
    assert [o.pk for o in response.context["my_orders"]] == [order.pk]
    assert [n.pk for n in response.context["my_notes_today"]] == [note.pk]
    body = response.content.decode()
    assert order.number in body and note.number in body


def test_manager_home_shows_approvals_and_stage_counts(manager, client_for, chain):
    waiting = chain.order(("1",), prices=[Decimal("1.00")])  # far below the minimum price
    assert waiting.status == OrderStatus.SUBMITTED
    chain.note()
    chain.stamped()
    chain.dispatched()
    stale = chain.note()
    _make_stale(stale)

    response = client_for(manager).get("/")

    assert response.context["approval_count"] == 1
    assert [o.pk for o in response.context["approval_oldest"]] == [waiting.pk]
    counts = {s["status"]: s["count"] for s in response.context["stages"]}
    assert counts[NoteStatus.ISSUED] == 1
    assert counts[NoteStatus.STAMPED] == 1
    assert counts[NoteStatus.DISPATCHED] == 1
    # The existing cards still work.
    assert "Customers on credit hold" in response.content.decode()


def _fill(chain: Chain, n: int) -> None:
    """n notes at each stage of today, on one order each."""
    for _ in range(n):
        chain.note(chain.order(("1", "1", "1")))
        chain.stamped(chain.note(chain.order(("1", "1", "1"))))
        chain.dispatched(chain.stamped(chain.note(chain.order(("1", "1", "1")))))
    chain.order(("1",), prices=[Decimal("1.00")])


# role → (queue in the context, rows expected for n notes at each stage)
QUEUES = {
    "clerk": ("my_notes_today", lambda n: min(3 * n, 10)),  # the clerk issued them all
    "finance": ("to_stamp", lambda n: min(n, 20)),
    "keeper": ("to_load", lambda n: min(n, 30)),
    "guard": ("at_gate", lambda n: min(n, 30)),
    "manager": ("stages", lambda n: len(NoteStatus.values)),
}


# role → queries of its home page, chrome included (session, user, roles,
# permissions, hints, menu work count, unread notices); finance and managers
# also read the samples and non-sale requests waiting for their step.
HOME_QUERIES = {"clerk": 16, "finance": 13, "keeper": 12, "guard": 9, "manager": 23}


@pytest.mark.parametrize("rows", [3, 30])
def test_home_queue_query_counts_do_not_grow(
    rows, request, client_for, chain, guard, django_assert_max_num_queries
):
    _fill(chain, rows)
    for role, (queue, expected) in QUEUES.items():
        client = client_for(request.getfixturevalue(role))
        # None per row. The grouped menu's work count, the first-login hint and the
        # contract and follow-up queues came with issues 11 and 12.
        with django_assert_max_num_queries(HOME_QUERIES[role]):
            response = client.get("/")
        assert len(response.context[queue]) == expected(rows), role  # really shown
