"""/healthz is liveness (no database); /readyz is readiness: the database and
its migrations decide 200 or 503, Redis and the worker only say "degraded"."""

from __future__ import annotations

import pytest
from django.db import connection, connections

from salesadmin import health


def test_healthz_answers_without_touching_the_database(client):
    # No db fixture: any database access here would raise.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.fixture
def fresh_migration_check(monkeypatch, settings):
    # Each test asks again instead of trusting another test's answer, and
    # without Redis unless it says so (CI sets REDIS_URL).
    monkeypatch.setattr(health, "_migrated", False)
    settings.REDIS_URL = None


def test_readyz_is_ok_with_the_database_and_no_redis(client, db, settings, fresh_migration_check):
    settings.REDIS_URL = None
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "ok"},
    }


def test_redis_down_is_degraded_not_failed(client, db, settings, fresh_migration_check):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "checks": {
            "database": "ok",
            "migrations": "ok",
            "redis": "degraded",
            "worker": "degraded",
        },
    }


def test_an_unapplied_migration_fails_readiness(client, db, fresh_migration_check):
    # Given the last migration of an app is not recorded as applied
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM django_migrations WHERE id ="
            " (SELECT max(id) FROM django_migrations WHERE app = 'orders')"
        )
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "migrations": "failed"}


@pytest.mark.django_db(transaction=True)
def test_a_database_that_does_not_answer_fails_readiness(client, fresh_migration_check):
    default = connections["default"]
    default.close()
    saved = default.settings_dict["NAME"]
    default.settings_dict["NAME"] = "salesadmin_no_such_database"
    try:
        response = client.get("/readyz")
    finally:
        default.close()
        default.settings_dict["NAME"] = saved
    assert response.status_code == 503
    assert response.json() == {
        "status": "failed",
        "checks": {"database": "failed", "migrations": "failed"},
    }
    # /healthz still answers: the process is alive, only not ready.
    default.settings_dict["NAME"] = "salesadmin_no_such_database"
    try:
        assert client.get("/healthz").status_code == 200
    finally:
        default.close()
        default.settings_dict["NAME"] = saved
