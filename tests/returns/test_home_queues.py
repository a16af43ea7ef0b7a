"""Each role's home shows the returns and allowances waiting for it, and only
those; the home's query count does not grow with the number waiting."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db

QUEUES = {
    "clerk": "Drafts to submit",
    "inspector": "Returned goods to inspect",
    "manager": "Returns to approve",
    "keeper": "Returns to receive into stock",
}


@pytest.fixture
def waiting(world):
    note = world.note(quantities=("50", "100", "5"))
    by_state = {
        "draft": world.filed(note, quantities=["1"]),
        "submitted": world.submitted(world.filed(note, quantities=["1"])),
        "inspected": world.inspected(world.submitted(world.filed(note, quantities=["1"]))),
        "approved": world.approved(
            world.inspected(world.submitted(world.filed(note, quantities=["1"])))
        ),
        "received": world.received(quantities=["1"]),
    }
    return note, by_state


def _home(client) -> str:
    return client.get("/").content.decode()


def test_each_role_sees_its_queue_and_not_the_others(world, waiting, client_for):
    _note, by_state = waiting
    wanted = {
        "clerk": [by_state["draft"]],
        "inspector": [by_state["submitted"]],
        "manager": [by_state["inspected"], by_state["received"]],
        "keeper": [by_state["approved"]],
    }
    for role, label in QUEUES.items():
        page = _home(client_for(getattr(world, role)))
        assert label in page, role
        for other, other_label in QUEUES.items():
            if other != role:
                assert other_label not in page, (role, other_label)
        for application in wanted[role]:
            assert f'href="/returns/{application.pk}/"' in page, (role, application.status)
    assert "Returns to close (cause and action)" in _home(client_for(world.manager))
    assert "Returns and allowances" not in _home(client_for(world.chain.finance))


def test_an_allowance_waits_on_its_approvers_home(world, client_for):
    head = world.approver("department_head", "head")
    allowance = world.allowance(amount="50.00")
    page = _home(client_for(head))
    assert "Waiting for your approval" in page
    assert f'href="/returns/allowances/{allowance.pk}/"' in page
    assert "Waiting for your approval" not in _home(client_for(world.clerk))


def _count(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/").status_code == 200
    return len(ctx.captured_queries)


def test_the_homes_query_count_stays_flat(world, waiting, client_for):
    note, _by_state = waiting
    clients = {role: client_for(getattr(world, role)) for role in QUEUES}
    few = {role: _count(client) for role, client in clients.items()}
    for _ in range(4):
        world.filed(note, quantities=["1"])
        world.submitted(world.filed(note, quantities=["1"]))
        world.approved(world.inspected(world.submitted(world.filed(note, quantities=["1"]))))
    many = {role: _count(client) for role, client in clients.items()}
    assert few == many
