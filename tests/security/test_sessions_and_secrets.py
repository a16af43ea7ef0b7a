"""Sessions end when idle (sooner for the gate's shared phone); production
refuses a weak SECRET_KEY; password validators are on; demo passwords live in
the demo data only."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import get_default_password_validators
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, override_settings

from salesadmin.security.middleware import IDLE_TIMEOUT, LAST_SEEN
from salesadmin.security.secret_key import check_secret_key

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "pw-for-tests"


def _signed_in(username) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _idle_for(client, seconds):
    session = client.session
    session[LAST_SEEN] = int(time.time()) - seconds
    session.save()


@pytest.mark.django_db
@override_settings(SESSION_IDLE_TIMEOUT=3600, GATE_SESSION_IDLE_TIMEOUT=600)
@pytest.mark.parametrize(
    ("persona", "timeout", "still_active", "path"),
    [
        pytest.param("clerk", 3600, 3000, "/", id="office-session-after-the-idle-time"),
        pytest.param("guard", 600, 500, "/orders/gate/", id="gate-session-sooner"),
    ],
)
def test_session_ends_after_its_idle_time(request, persona, timeout, still_active, path):
    request.getfixturevalue(persona)
    client = _signed_in(persona)
    assert client.session[IDLE_TIMEOUT] == timeout
    _idle_for(client, still_active)
    assert client.get(path).status_code == 200
    _idle_for(client, timeout + 1)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_activity_keeps_the_session_alive_without_a_write_per_request(clerk):
    client = _signed_in("clerk")
    _idle_for(client, 120)
    client.get("/")
    assert int(time.time()) - client.session[LAST_SEEN] < 5  # refreshed
    seen = client.session[LAST_SEEN]
    client.get("/")
    assert client.session[LAST_SEEN] == seen  # not rewritten within the minute


@pytest.mark.parametrize(
    "key",
    [
        None,
        "",
        "short-key",
        "dev-only-insecure-key-do-not-use-in-production",
        "django-insecure-" + "x" * 60,
        "a" * 60,
        "ab" * 30,  # long but only two distinct characters
    ],
)
def test_weak_secret_keys_are_refused(key):
    with pytest.raises(ImproperlyConfigured):
        check_secret_key(key)


def test_a_long_random_secret_key_is_accepted():
    key = "Zq3v9LmT0x-" + "r8Kp2sW7nY4bH6cJ1dF5gA0eU3iO9qX2zV8mN4tL7kB1hS6w"
    assert check_secret_key(key) == key


def _start_production(secret_key: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secret_key,
        "ALLOWED_HOSTS": "example.com",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
    }
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "salesadmin.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_does_not_start_with_a_default_key():
    result = _start_production("dev-only-insecure-key-do-not-use-in-production")
    assert result.returncode != 0
    assert "SECRET_KEY is a known default" in result.stderr


def test_production_does_not_start_with_a_short_key():
    result = _start_production("0123456789abcdef")
    assert result.returncode != 0
    assert "SECRET_KEY is too short" in result.stderr


def test_production_starts_with_a_strong_key():
    result = _start_production("Zq3v9LmT0x-r8Kp2sW7nY4bH6cJ1dF5gA0eU3iO9qX2zV8mN4tL7kB1hS6w")
    assert result.returncode == 0, result.stderr


def test_password_validators_are_on():
    names = {type(v).__name__ for v in get_default_password_validators()}
    assert {
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    } <= names
    assert settings.AUTH_PASSWORD_VALIDATORS


def test_demo_passwords_live_in_the_demo_data_only():
    """The demo password appears where demo users are made (the demo and bench
    data commands), in the tools and the test that log into them, and in the
    README that tells people how; nowhere else in code, settings or tests.
    Matched by file name: the commands may move between apps."""
    allowed = {
        "demo_data.py",
        "people.py",  # portal/demo/people.py: the demo logins
        "bench_reports_data.py",
        "chain_over_http.py",  # logs the demo roles in over HTTP (issue 14)
        "test_demo_data.py",
        "test_demo_returns.py",  # logs the demo inspector, manager and keeper in
        "lifecycle.py",
        "screenshots.py",
        "README.md",
    }
    found = set()
    pattern = re.compile(r"demo1234")
    for path in ROOT.rglob("*"):
        rel = path.relative_to(ROOT)
        skipped = {".venv", "var", ".git", "build", "static", "locale", "salesadmin.egg-info"}
        if rel.parts[0] in skipped or not path.is_file():
            continue
        if path.suffix not in {".py", ".html", ".js", ".md", ".sh", ".yml", ".toml", ".txt"}:
            continue
        if rel == Path(__file__).relative_to(ROOT):
            continue
        if pattern.search(path.read_text("utf-8", errors="ignore")):
            found.add(rel)
    assert found, "the demo data itself must still have its password"
    stray = sorted(str(rel) for rel in found if rel.name not in allowed)
    assert not stray, stray
