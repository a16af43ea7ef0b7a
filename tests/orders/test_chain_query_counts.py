"""The chain's hot actions run a fixed number of queries whatever the number of
lines: every read of lines, levels and goods is one query for all of them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orders.models import DeliveryNote
from orders.services.delivery_notes import delivery_note_stamp
from orders.services.dispatch import delivery_note_dispatch
from orders.services.exit_pass import exit_pass_use
from orders.services.sales_orders import sales_order_submit

pytestmark = pytest.mark.django_db


def _counts(chain, guard, quantities) -> dict[str, int]:
    counts = {}

    def count(step, action):
        with CaptureQueriesContext(connection) as ctx:
            result = action()
        counts[step] = len(ctx.captured_queries)
        return result

    order = chain.order(quantities, submit=False)
    count("submit", lambda: sales_order_submit(order=order, user=chain.clerk))
    note = count("issue", lambda: chain.note(order))
    count("stamp", lambda: delivery_note_stamp(note=DeliveryNote(pk=note.pk), user=chain.finance))
    lines = chain.dispatch_lines(DeliveryNote.objects.get(pk=note.pk))
    keeper = chain.keeper
    count(
        "dispatch",
        lambda: delivery_note_dispatch(note=DeliveryNote(pk=note.pk), user=keeper, lines=lines),
    )
    result = count(
        "exit", lambda: exit_pass_use(raw=note.pass_code, user=guard, vehicle_plate="浙E12345")
    )
    assert result.passed, result.reason
    return counts


def test_each_action_reads_its_lines_in_one_query(chain, guard):
    # given a first run (it fills the customer's first balance and caches)
    _counts(chain, guard, ("1",))
    # when the same chain runs with one line and with three lines
    one = _counts(chain, guard, ("10",))
    three = _counts(chain, guard, ("10", "100", "5"))
    # then no action runs more queries for more lines
    assert one == three
    # and none of them reads per line (a sanity bound well below "per line" growth)
    assert max(three.values()) < 40, three
