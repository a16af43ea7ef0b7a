"""LOG_FORMAT=json: one JSON object per line, and one line per request with its
id, user, path, status, duration and SQL count."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pythonjsonlogger.json import JsonFormatter

from salesadmin.observability import RequestContextFilter

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture
def json_lines():
    """Log records as the production JSON handler writes them, parsed."""
    config = settings.LOGGING["formatters"]["json"]
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter(config["fmt"], rename_fields=config["rename_fields"]))
    handler.addFilter(RequestContextFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    saved = root.level
    root.setLevel(logging.INFO)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)
        root.setLevel(saved)


def test_a_request_logs_one_json_line_with_its_facts(client_for, clerk, json_lines):
    client = client_for(clerk)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/orders/")
    assert response.status_code == 200
    [line] = [r for r in json_lines() if r["logger"] == "salesadmin.request"]
    assert line["request_id"] == response["X-Request-ID"]
    assert len(line["request_id"]) == 32
    assert line["user"] == "clerk"
    assert line["method"] == "GET"
    assert line["path"] == "/orders/"
    assert line["status"] == 200
    assert line["level"] == "INFO"
    assert line["sql_count"] == len(queries) > 0
    assert isinstance(line["duration_ms"], float)
    assert line["duration_ms"] >= 0


def test_every_line_of_a_request_carries_its_id(client, db, json_lines):
    response = client.get("/no-such-page/", HTTP_X_REQUEST_ID="proxy-given-id-42")
    assert response.status_code == 404
    assert response["X-Request-ID"] == "proxy-given-id-42"
    lines = json_lines()
    by_logger = {line["logger"]: line for line in lines}
    assert by_logger["django.request"]["request_id"] == "proxy-given-id-42"  # "Not Found"
    assert by_logger["salesadmin.request"]["request_id"] == "proxy-given-id-42"
    assert by_logger["salesadmin.request"]["user"] is None


def test_an_unsafe_request_id_is_replaced(client, db, json_lines):
    response = client.get("/healthz", HTTP_X_REQUEST_ID='x"}\n{"forged": 1')
    assert response["X-Request-ID"] != 'x"}\n{"forged": 1'
    assert len(response["X-Request-ID"]) == 32


def test_the_settings_write_json_when_asked():
    env = {**os.environ, "LOG_FORMAT": "json"}
    code = "import logging; logging.getLogger('salesadmin.check').warning('hello %s', 'ops')"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    [line] = [json.loads(x) for x in result.stderr.splitlines() if x.startswith("{")]
    assert line["message"] == "hello ops"
    assert line["level"] == "WARNING"
    assert line["logger"] == "salesadmin.check"
    assert line["request_id"] == "-"
