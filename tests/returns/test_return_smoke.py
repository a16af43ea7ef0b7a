import pytest

from returns.enums import ReturnStatus

pytestmark = pytest.mark.django_db


def test_a_return_goes_all_the_way(world):
    application = world.received()
    assert application.status == ReturnStatus.RECEIVED
    assert application.credit_note.number.startswith("CN")
