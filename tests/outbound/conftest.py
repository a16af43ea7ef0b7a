import pytest


@pytest.fixture
def world(chain, guard):
    from tests.outbound.world import OutboundWorld

    return OutboundWorld(chain=chain, guard=guard)


@pytest.fixture
def api_for(db):
    from rest_framework.test import APIClient

    def make(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make
