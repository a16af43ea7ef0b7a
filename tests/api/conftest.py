"""API test helpers: a DRF client per persona, and readable shortcuts."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient


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
    return {
        "clerk": clerk,
        "finance": finance,
        "keeper": keeper,
        "guard": guard,
        "manager": manager,
    }


def leaves(data):
    """Every scalar in a JSON answer (keys and values), for "never shows X" checks."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield key
            yield from leaves(value)
    elif isinstance(data, list):
        for item in data:
            yield from leaves(item)
    else:
        yield data
