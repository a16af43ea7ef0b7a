"""Liveness and readiness, for the proxy, compose and any orchestrator.

/healthz: the process answers (no database): restart the container when it
does not. /readyz: the database answers and every migration is applied: send
it traffic only then (503 otherwise). Redis, the Celery worker and a read
replica are reported as "degraded" and keep the answer 200: every page and
every transition works without them (tasks run again from their outboxes,
reports fall back to the primary), so taking the web out of service for them
would stop the company for nothing.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)

OK, DEGRADED, FAILED = "ok", "degraded", "failed"
_migrated = False  # once every migration is applied, a running process need not look again


@never_cache
def healthz(request):
    return JsonResponse({"status": OK})


@never_cache
def readyz(request):
    checks = {"database": _database()}
    checks["migrations"] = _migrations() if checks["database"] == OK else FAILED
    if settings.REDIS_URL:
        checks["redis"] = _redis()
        checks["worker"] = _worker() if checks["redis"] == OK else DEGRADED
    if "replica" in settings.DATABASES:
        checks["replica"] = _replica()
    if FAILED in checks.values():
        status = FAILED
    elif DEGRADED in checks.values():
        status = DEGRADED
    else:
        status = OK
    body = {"status": status, "checks": checks}
    return JsonResponse(body, status=503 if status == FAILED else 200)


def _database() -> str:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
        return OK
    except DatabaseError:
        logger.warning("readyz: database unreachable", exc_info=True)
        return FAILED


def _migrations() -> str:
    global _migrated
    if not _migrated:
        executor = MigrationExecutor(connections["default"])
        _migrated = not executor.migration_plan(executor.loader.graph.leaf_nodes())
    return OK if _migrated else FAILED


def _redis() -> str:
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1).ping()
        return OK
    except redis.RedisError:
        return DEGRADED


def _worker() -> str:
    """A worker answers a ping within a second (the first answer is enough)."""
    from salesadmin.celery import app

    try:
        return OK if app.control.ping(timeout=1.0, limit=1) else DEGRADED
    except Exception:  # noqa: BLE001 - any broker trouble is the same answer here
        return DEGRADED


def _replica() -> str:
    """Reachable, and replaying within REPLICA_MAX_LAG_SECONDS of the primary."""
    from salesadmin.db_router import replica_lag_seconds

    try:
        lag = replica_lag_seconds()
    except DatabaseError:
        return DEGRADED
    return OK if lag <= settings.REPLICA_MAX_LAG_SECONDS else DEGRADED
