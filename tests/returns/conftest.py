import pytest

from salesadmin.roles import Role
from tests.factories import UserFactory


@pytest.fixture
def inspector(db):
    return UserFactory(username="inspector", roles=[Role.QUALITY_INSPECTOR])


@pytest.fixture
def world(chain, inspector):
    from tests.returns.world import ReturnWorld

    return ReturnWorld(chain=chain, inspector=inspector)


@pytest.fixture
def api_for(db):
    """``api_for(user)``: an API client acting as ``user`` (as tests/api has it)."""
    from rest_framework.test import APIClient

    def make(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make
