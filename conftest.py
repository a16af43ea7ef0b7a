"""Persona fixtures: one user per role, and a logged-in client for any user.

The role groups come from the salesadmin migration and are re-created after a
flush by the post_migrate handler, so a persona is simply a user in its group.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from salesadmin.roles import Role
from tests.factories import UserFactory


def _persona(role: Role, username: str):
    return UserFactory(username=username, roles=[role])


@pytest.fixture
def clerk(db):
    return _persona(Role.SALES_CLERK, "clerk")


@pytest.fixture
def finance(db):
    return _persona(Role.FINANCE, "finance")


@pytest.fixture
def keeper(db):
    return _persona(Role.WAREHOUSE_KEEPER, "keeper")


@pytest.fixture
def guard(db):
    return _persona(Role.GATE_GUARD, "guard")


@pytest.fixture
def manager(db):
    return _persona(Role.MANAGER, "manager")


@pytest.fixture
def client_for(db) -> Callable[..., Client]:
    """``client_for(user)`` returns a test client logged in as ``user``."""

    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def chain(clerk, finance, keeper, manager):
    """The approval chain's small world; see tests/chain.py."""
    from tests.chain import Chain

    return Chain(clerk=clerk, finance=finance, keeper=keeper, manager=manager)
