"""Whose address a failure counts against: X-Forwarded-For only from our proxies."""

from __future__ import annotations

from django.test import RequestFactory, override_settings

from salesadmin.security.client import client_ip

rf = RequestFactory()


def test_without_trusted_proxies_the_address_is_remote_addr():
    request = rf.get("/", REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(request) == "203.0.113.5"


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8"])
def test_behind_a_trusted_proxy_the_forwarded_client_counts():
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert client_ip(request) == "198.51.100.7"


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8"])
def test_a_client_cannot_prepend_an_address_of_its_choice():
    # The client wrote "1.2.3.4"; our proxy appended the address it saw.
    request = rf.get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7, 10.0.0.3"
    )
    assert client_ip(request) == "198.51.100.7"


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8"])
def test_an_untrusted_peer_is_the_client_whatever_it_forwards():
    request = rf.get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="10.0.0.1")
    assert client_ip(request) == "203.0.113.9"


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8"])
def test_a_garbled_header_counts_against_the_proxy_peer():
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="not-an-ip")
    assert client_ip(request) == "10.0.0.2"
