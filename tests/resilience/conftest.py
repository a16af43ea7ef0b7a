"""Helpers of the resilience tests: a row lock held by another session, and
clients that show what a crash would answer instead of raising it."""

from __future__ import annotations

import threading
from contextlib import contextmanager

import psycopg
import pytest
from django.db import connection
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


def _dsn() -> str:
    """The test database's address, as Django connects to it (a socket folder
    for the embedded server, host and port otherwise)."""
    params = connection.get_connection_params()
    wanted = ("dbname", "host", "port", "user", "password")
    return psycopg.conninfo.make_conninfo(
        **{name: str(params[name]) for name in wanted if params.get(name)}
    )


@contextmanager
def row_lock_held(sql: str, params=()):
    """Another session (a stuck transaction, a long report) holds the rows
    ``sql`` locks until the block ends."""
    locked = threading.Event()
    release = threading.Event()
    failure: list[BaseException] = []

    def hold():
        try:
            with psycopg.connect(_dsn()) as other, other.transaction():
                other.execute(sql, params)
                locked.set()
                release.wait(timeout=60)
        except BaseException as exc:  # noqa: BLE001 - reported below
            failure.append(exc)
            locked.set()

    thread = threading.Thread(target=hold)
    thread.start()
    assert locked.wait(timeout=20), "the other session never took its lock"
    assert not failure, failure
    try:
        yield
    finally:
        release.set()
        thread.join(timeout=20)


@pytest.fixture
def token_client(db):
    """``token_client(user)``: an API client with the user's real token, and
    crashes answered as a client would see them (no exception re-raised)."""

    def make(user) -> APIClient:
        token, _ = Token.objects.get_or_create(user=user)
        client = APIClient(raise_request_exception=False)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


@pytest.fixture
def page_client(db):
    def make(user) -> Client:
        client = Client(raise_request_exception=False)
        client.force_login(user)
        return client

    return make
