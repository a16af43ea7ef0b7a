"""Reports and dashboards read from a streaming replica; nothing else does.

With ``DATABASE_REPLICA_URL`` set, settings add a ``replica`` database and this
router. The rules, in order:

1. Every write, every migration and every read outside ``replica_reads()`` goes
   to the primary (``default``). Only ``ReplicaReadsMiddleware`` opens
   ``replica_reads()``, for GET and HEAD requests under ``REPLICA_READ_PATHS``
   (default ``/reports/`` and ``/api/v1/reports/``): dashboards, sales reports,
   the reconciliation. The stamp, the credit check, stock levels, payments,
   invoices and the gate never read from the replica: they run on other paths,
   and inside a transaction (where they lock rows), which rule 2 keeps on the
   primary even under a report path.
2. A read inside a transaction on the primary stays on the primary.
3. Lag: a report may be behind the primary by the replica's replay delay
   (sub-second on a LAN). When the replica lags by more than
   ``REPLICA_MAX_LAG_SECONDS`` (default 30) or does not answer, report
   requests read from the primary instead (checked at most every 5 seconds
   per process), and /readyz reports the replica as degraded.
"""

from __future__ import annotations

import contextvars
import logging
import time
from contextlib import contextmanager

from django.conf import settings
from django.db import DatabaseError, connections

logger = logging.getLogger(__name__)

REPLICA = "replica"
PRIMARY = "default"
CHECK_EVERY = 5.0

_replica_reads: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "replica_reads", default=False
)
_checked: dict[str, float | bool] = {"at": -CHECK_EVERY - 1, "usable": False}


@contextmanager
def replica_reads():
    """Reads in this block may go to the replica (writes never do)."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


def replica_lag_seconds() -> float:
    """How far the replica's replay is behind: 0 when it has replayed all it
    received (an idle primary sends nothing, which is not lag)."""
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(
            "SELECT CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0"
            " ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)"
            " END"
        )
        (lag,) = cursor.fetchone()
    return float(lag or 0)


def replica_usable() -> bool:
    now = time.monotonic()
    if now - _checked["at"] >= CHECK_EVERY:
        try:
            usable = replica_lag_seconds() <= settings.REPLICA_MAX_LAG_SECONDS
        except DatabaseError:
            logger.warning("replica unreachable: reports read from the primary", exc_info=True)
            connections[REPLICA].close()
            usable = False
        _checked.update(at=now, usable=usable)
    return bool(_checked["usable"])


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _replica_reads.get() and not connections[PRIMARY].in_atomic_block:
            return REPLICA
        return PRIMARY

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same rows, on either side

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY  # the replica gets the schema by replication


class ReplicaReadsMiddleware:
    """Reads of report pages (GET/HEAD under REPLICA_READ_PATHS) from the replica."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefixes = tuple(settings.REPLICA_READ_PATHS)

    def __call__(self, request):
        if (
            REPLICA in settings.DATABASES
            and request.method in ("GET", "HEAD")
            and request.path.startswith(self.prefixes)
            and replica_usable()
        ):
            with replica_reads():
                return self.get_response(request)
        return self.get_response(request)
