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
    """A fixture named ``username``: a user holding ``role`` only."""

    @pytest.fixture(name=username)
    def persona(db):
        return UserFactory(username=username, roles=[role])

    return persona


clerk = _persona(Role.SALES_CLERK, "clerk")
finance = _persona(Role.FINANCE, "finance")
keeper = _persona(Role.WAREHOUSE_KEEPER, "keeper")
guard = _persona(Role.GATE_GUARD, "guard")
manager = _persona(Role.MANAGER, "manager")


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


# --- Test databases are made and dropped as a job ---------------------------
# Sessions start with the web request's timeouts (salesadmin/db_timeouts.py);
# creating, migrating and dropping the test databases on a loaded machine can
# take longer than 15 s, so that work runs with the job profile, and the tests
# themselves on fresh connections with the web profile.


@pytest.fixture(scope="session", autouse=True)
def _test_databases_made_as_a_job():
    from salesadmin import db_timeouts

    db_timeouts.set_process_profile(db_timeouts.JOB)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from django.db import connections

    from salesadmin import db_timeouts

    db_timeouts.set_process_profile(db_timeouts.WEB)
    with django_db_blocker.unblock():
        for connection in connections.all():
            connection.close()
    yield
    db_timeouts.set_process_profile(db_timeouts.JOB)
