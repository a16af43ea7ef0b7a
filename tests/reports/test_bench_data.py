"""The benchmark's data generator, at a tiny scale: its rows fit the schema and
are consistent enough for the reports (so it does not rot as the models grow)."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from django.core.management import call_command

from orders.models import DeliveryNote, DeliveryNoteLine, GateExit, SalesOrderLine
from reports.enums import MismatchKind
from reports.models import DaySales
from reports.selectors import reconciliation_report

pytestmark = pytest.mark.django_db


def test_generator_builds_consistent_documents(client_for, django_user_model):
    # When the generator builds a small data set,
    call_command(
        "bench_reports_data",
        customers=30,
        order_lines=4000,
        notes=800,
        days=60,
        stdout=io.StringIO(),
    )

    # then it has the asked-for documents in every state, each exit and load
    # backed by its gate exit and stock move, the closed days rolled up,
    assert SalesOrderLine.objects.count() == 4000
    assert DeliveryNote.objects.count() == 800
    statuses = Counter(DeliveryNote.objects.values_list("status", flat=True))
    assert {"issued", "stamped", "dispatched", "exited", "expired"} <= set(statuses)
    assert GateExit.objects.count() == statuses["exited"]
    loaded = DeliveryNoteLine.objects.exclude(actual_quantity=None)
    assert all(line.allocations.count() == 1 for line in loaded[:50])
    assert DaySales.objects.exists()  # the closed days are rolled up
    months = {
        n.dispatched_at.date().replace(day=1)
        for n in DeliveryNote.objects.exclude(dispatched_at=None)
    }
    # the months reconcile (only loads not yet out may show), and the
    # dashboard opens on it.
    for month in months:
        kinds = {m.kind for m in reconciliation_report.reconciliation(month).mismatches}
        assert kinds <= {MismatchKind.NO_GATE_EXIT}
    manager = django_user_model.objects.get(username="manager")
    assert client_for(manager).get("/reports/").status_code == 200
