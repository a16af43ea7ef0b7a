import pytest


@pytest.fixture
def world(chain, guard):
    from tests.outbound.world import OutboundWorld

    return OutboundWorld(chain=chain, guard=guard)
