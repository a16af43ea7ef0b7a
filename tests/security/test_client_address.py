"""Whose address a failure counts against: X-Forwarded-For only from our proxies."""

from __future__ import annotations

import pytest
from django.test import RequestFactory, override_settings

from salesadmin.security.client import client_ip

rf = RequestFactory()


def test_without_trusted_proxies_the_address_is_remote_addr():
    request = rf.get("/", REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(request) == "203.0.113.5"


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8"])
@pytest.mark.parametrize(
    ("remote_addr", "forwarded_for", "expected"),
    [
        pytest.param(
            "10.0.0.2",
            "198.51.100.7",
            "198.51.100.7",
            id="behind-a-trusted-proxy-the-forwarded-client-counts",
        ),
        # The client wrote "1.2.3.4"; our proxy appended the address it saw.
        pytest.param(
            "10.0.0.2",
            "1.2.3.4, 198.51.100.7, 10.0.0.3",
            "198.51.100.7",
            id="a-client-cannot-prepend-an-address-of-its-choice",
        ),
        pytest.param(
            "203.0.113.9",
            "10.0.0.1",
            "203.0.113.9",
            id="an-untrusted-peer-is-the-client-whatever-it-forwards",
        ),
        pytest.param(
            "10.0.0.2",
            "not-an-ip",
            "10.0.0.2",
            id="a-garbled-header-counts-against-the-proxy-peer",
        ),
    ],
)
def test_with_trusted_proxies(remote_addr, forwarded_for, expected):
    request = rf.get("/", REMOTE_ADDR=remote_addr, HTTP_X_FORWARDED_FOR=forwarded_for)
    assert client_ip(request) == expected
