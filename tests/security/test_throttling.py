"""DRF throttles: anonymous and signed-in rates, a stricter one for the token
endpoint; a throttled call answers 429 JSON with a code and Retry-After."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import override_settings
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_counters():
    cache.clear()
    yield
    cache.clear()


def _rates(**rates):
    return override_settings(
        API_THROTTLE_RATES={"anon": None, "user": None, "auth_token": None, **rates}
    )


def _assert_throttled(response):
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "throttled"
    assert body["detail"]
    assert int(response["Retry-After"]) > 0


def test_anonymous_calls_are_throttled_by_address():
    # DRF checks permissions first: an anonymous call to a closed endpoint is a
    # cheap 401; the open ones (the token endpoint) count against the address.
    client = APIClient()
    with _rates(anon="3/min"):
        answers = [
            client.post("/api/v1/auth/token/", {"username": "x", "password": "y"}).status_code
            for _ in range(3)
        ]
        assert answers == [400, 400, 400]
        _assert_throttled(client.post("/api/v1/auth/token/", {"username": "x", "password": "y"}))
        assert (
            APIClient(REMOTE_ADDR="10.9.9.9")
            .post("/api/v1/auth/token/", {"username": "x", "password": "y"})
            .status_code
            == 400
        )


def test_signed_in_calls_are_throttled_by_user(clerk, finance):
    client = APIClient()
    client.force_authenticate(clerk)
    with _rates(user="2/min"):
        assert [client.get("/api/v1/customers/").status_code for _ in range(2)] == [200, 200]
        _assert_throttled(client.get("/api/v1/customers/"))
        other = APIClient()
        other.force_authenticate(finance)
        assert other.get("/api/v1/customers/").status_code == 200


def test_token_endpoint_has_its_own_stricter_rate(guard):
    client = APIClient()
    with _rates(anon="100/min", auth_token="2/min"):
        for _ in range(2):
            response = client.post(
                "/api/v1/auth/token/", {"username": "guard", "password": "pw-for-tests"}
            )
            assert response.status_code == 200
        _assert_throttled(
            client.post("/api/v1/auth/token/", {"username": "guard", "password": "pw-for-tests"})
        )


def test_production_rates_are_set():
    from django.conf import settings

    assert (
        "salesadmin.security.throttling.AnonThrottle"
        in (settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"])
    )
    assert (
        "salesadmin.security.throttling.UserThrottle"
        in (settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"])
    )


def test_a_forged_forwarded_for_does_not_escape_the_throttle():
    client = APIClient()
    with _rates(anon="100/min", auth_token="2/min"):
        for n in range(2):
            client.post(
                "/api/v1/auth/token/",
                {"username": "x", "password": "y"},
                HTTP_X_FORWARDED_FOR=f"10.0.0.{n}",
            )
        _assert_throttled(
            client.post(
                "/api/v1/auth/token/",
                {"username": "x", "password": "y"},
                HTTP_X_FORWARDED_FOR="10.0.0.99",
            )
        )
