import pytest


@pytest.fixture
def world(chain, inspector):
    from tests.returns.world import ReturnWorld

    return ReturnWorld(chain=chain, inspector=inspector)
