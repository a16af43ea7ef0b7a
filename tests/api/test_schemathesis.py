"""Schemathesis over every operation of the live schema, as each role: 0
server errors, 0 schema violations (status codes, content types, headers and
bodies all documented), bad input refused. A bounded number of examples per
operation keeps each role under a minute; a longer run is
``st run`` by hand (see README, API contract).

The world is the chain's (a customer, products in stock, notes in each
state), so detail and action operations also meet real documents.
"""

from __future__ import annotations

import pytest

from orders.services.delivery_notes import delivery_note_cancel
from salesadmin.roles import Role
from tests.api.fuzzing import fuzz, may_use
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

MAX_EXAMPLES = 4


@pytest.fixture
def world(chain):
    """Notes in every state the API shows (ids are small: the fuzzer's
    boundary values 0, 1, 2… meet some of them)."""
    chain.note()
    chain.stamped()
    chain.dispatched()
    delivery_note_cancel(note=chain.note(), user=chain.clerk, reason="test")
    return chain


@pytest.mark.parametrize("role", list(Role), ids=[role.value for role in Role])
def test_every_operation_keeps_its_contract_for_the_role(world, client_for, role):
    user = UserFactory(username=f"fuzz-{role.value}", roles=[role])
    schema = client_for(user).get("/api/schema/?format=json").json()
    allowed = {
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method in operations
        if may_use(user, method, path)
    }

    result = fuzz(user, max_examples=MAX_EXAMPLES)

    assert not result.errors, "\n".join(result.errors)
    assert not result.failures, "\n".join(result.failures)
    assert result.operations == allowed  # every operation the role may use was called
    assert len(allowed) >= 4 and result.cases >= 25 * len(allowed)
