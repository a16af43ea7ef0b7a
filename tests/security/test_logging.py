"""Expected 403/404/400 answers are one log line each; a 500 keeps its traceback."""

from __future__ import annotations

import logging

import pytest
from django.test import Client

from salesadmin.security.logs import OneLineRefusals

pytestmark = pytest.mark.django_db


def _request_records(caplog):
    return [r for r in caplog.records if r.name == "django.request"]


def test_a_wrong_role_is_one_line(guard, client_for, caplog):
    caplog.set_level(logging.WARNING, logger="django.request")
    response = client_for(guard).get("/customers/")
    assert response.status_code == 403
    records = _request_records(caplog)
    assert records, "the refusal is still logged"
    assert all(r.exc_info is None for r in records)
    assert all("\n" not in r.getMessage() for r in records)
    assert "Traceback" not in caplog.text


def test_an_unknown_document_is_one_line(clerk, client_for, caplog):
    caplog.set_level(logging.WARNING, logger="django.request")
    assert client_for(clerk).get("/orders/999999999/").status_code == 404
    assert _request_records(caplog)
    assert "Traceback" not in caplog.text


def test_an_api_refusal_is_one_line(caplog):
    caplog.set_level(logging.WARNING, logger="django.request")
    assert Client().get("/api/v1/customers/").status_code == 401
    assert [r.exc_info for r in _request_records(caplog)] == [None]


def test_server_errors_keep_their_traceback():
    try:
        raise RuntimeError("boom")
    except RuntimeError as error:
        record = logging.LogRecord(
            "django.request", logging.ERROR, __file__, 1, "Internal Server Error", (), None
        )
        record.exc_info = (type(error), error, error.__traceback__)
    record.status_code = 500
    assert OneLineRefusals().filter(record)
    assert record.exc_info is not None
