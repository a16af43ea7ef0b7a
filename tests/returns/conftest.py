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
