"""Fixtures shared by more than one test folder (the personas live in the root conftest)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from salesadmin.roles import Role
from tests.factories import UserFactory


@pytest.fixture
def api_for(db) -> Callable[..., APIClient]:
    """``api_for(user)`` is an API client acting as ``user`` (None: anonymous)."""

    def make(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make


@pytest.fixture
def personas(clerk, finance, keeper, guard, manager):
    """The five role personas by name, for tests that walk every role."""
    return {
        "clerk": clerk,
        "finance": finance,
        "keeper": keeper,
        "guard": guard,
        "manager": manager,
    }


@pytest.fixture
def inspector(db):
    return UserFactory(username="inspector", roles=[Role.QUALITY_INSPECTOR])
