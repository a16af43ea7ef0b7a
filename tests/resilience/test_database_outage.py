"""Database outages: while PostgreSQL cannot be reached the API answers 503
JSON ``database_unavailable`` and pages a "try again in a moment" page that
needs no database and no session, never Django's HTML 500 (issue 18)."""

from __future__ import annotations

from contextlib import contextmanager

import psycopg
import pytest
from django.conf import settings
from django.db import InterfaceError, OperationalError, connection

from salesadmin import db_faults

pytestmark = pytest.mark.django_db(transaction=True)


@contextmanager
def database_down():
    """Point the connection at a port where nothing listens, as during a
    PostgreSQL restart; every connect is refused until the block ends."""
    connection.close()
    saved = connection.settings_dict.copy()
    saved_options = dict(saved["OPTIONS"])
    connection.settings_dict.update(HOST="127.0.0.1", PORT="1")
    connection.settings_dict["OPTIONS"] = {k: v for k, v in saved_options.items() if k != "host"}
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(saved)
        connection.settings_dict["OPTIONS"] = saved_options


def test_the_api_answers_503_json_while_the_database_is_down(chain, token_client):
    client = token_client(chain.finance)

    with database_down():
        listed = client.get("/api/v1/delivery-notes/")
        written = client.post(
            "/api/v1/payments/",
            {"customer": chain.customer.pk, "amount": "10.00", "method": "cash"},
            format="json",
            HTTP_IDEMPOTENCY_KEY="outage-1",
        )

    for response in (listed, written):
        assert response.status_code == 503, response.content
        assert response["Content-Type"].startswith("application/json")
        assert response.json()["code"] == "database_unavailable"
        assert response["Retry-After"] == str(settings.DB_DOWN_RETRY_AFTER)
    # Back up: the same client works again at once.
    assert client.get("/api/v1/delivery-notes/").status_code == 200


def test_pages_answer_a_static_try_again_page_while_the_database_is_down(chain, page_client):
    client = page_client(chain.clerk)

    with database_down():
        page = client.get("/orders/")
        posted = client.post("/orders/new/", {"customer": chain.customer.pk})

    for response in (page, posted):
        assert response.status_code == 503
        text = response.content.decode()
        assert "Try again in a moment" in text and "database_unavailable" in text
        assert "Traceback" not in text and "Server Error" not in text
    assert client.get("/orders/").status_code == 200


def test_the_answer_follows_the_users_language(chain, page_client):
    client = page_client(chain.clerk)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    with database_down():
        response = client.get("/orders/")

    assert response.status_code == 503
    assert "请稍后再试" in response.content.decode()


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (psycopg.errors.LockNotAvailable("lock timeout"), "busy"),
        (psycopg.errors.QueryCanceled("statement timeout"), "busy"),
        (psycopg.errors.DeadlockDetected("deadlock"), "busy"),
        (psycopg.OperationalError("connection refused"), "database_unavailable"),
        (psycopg.errors.AdminShutdown("terminating connection"), "database_unavailable"),
        (
            psycopg.errors.CannotConnectNow("the database system is starting up"),
            "database_unavailable",
        ),
        (psycopg.errors.TooManyConnections("sorry, too many clients"), "database_unavailable"),
        (psycopg.errors.UniqueViolation("duplicate"), None),
        (ValueError("not the database"), None),
    ],
)
def test_database_errors_are_classified(error, code):
    """Django wraps psycopg's errors; the SQLSTATE of the cause decides."""
    wrapped_class = OperationalError if isinstance(error, psycopg.OperationalError) else None
    if wrapped_class is not None:
        wrapped = wrapped_class(str(error))
        wrapped.__cause__ = error
        assert db_faults.classify(wrapped) == code
    assert db_faults.classify(error) == code


def test_a_closed_connection_is_the_database_being_unavailable():
    assert db_faults.classify(InterfaceError("connection already closed")) == (
        "database_unavailable"
    )
