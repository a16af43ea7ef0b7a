"""salesadmin.db.update_rows: one UPDATE, a value per row, set or added."""

from __future__ import annotations

from decimal import Decimal

import pytest

from inventory.models import StockLevel
from orders.models import DeliveryNoteLine
from salesadmin.db import update_rows

pytestmark = pytest.mark.django_db


def test_values_are_set_per_row_and_other_rows_are_untouched(chain):
    first, second = chain.note(), chain.note()
    a, b, c = list(first.lines.order_by("id"))
    update_rows(
        DeliveryNoteLine,
        {a.pk: {"actual_quantity": Decimal("9.995")}, c.pk: {"actual_quantity": Decimal("4")}},
    )
    got = dict(DeliveryNoteLine.objects.values_list("pk", "actual_quantity"))
    assert got[a.pk] == Decimal("9.995") and got[c.pk] == Decimal("4.000")
    assert got[b.pk] is None
    assert all(got[line.pk] is None for line in second.lines.all())


def test_added_values_go_on_top_and_missing_ones_add_nothing(chain):
    levels = list(StockLevel.objects.order_by("id")[:2])
    before = {lv.pk: (lv.on_hand, lv.reserved) for lv in levels}
    update_rows(
        StockLevel,
        {
            levels[0].pk: {"on_hand": Decimal("-2.5"), "reserved": Decimal("1")},
            levels[1].pk: {"reserved": Decimal("0.125")},
        },
        add=True,
        missing=Decimal("0"),
    )
    after = {lv.pk: (lv.on_hand, lv.reserved) for lv in StockLevel.objects.filter(pk__in=before)}
    first, second = (lv.pk for lv in levels)
    assert after[first] == (before[first][0] - Decimal("2.5"), before[first][1] + 1)
    assert after[second] == (before[second][0], before[second][1] + Decimal("0.125"))
