"""Bounded waits: every database session has a lock timeout and a statement
timeout, so one stuck transaction can hold up a request for seconds, never
freeze the site.

Three profiles, each a pair of PostgreSQL settings (settings.DB_TIMEOUTS):

- ``web``: web requests (gunicorn, runserver, tests). Short: a request that
  waits longer on a row lock than ``DB_LOCK_TIMEOUT`` (3 s) or runs a
  statement longer than ``DB_STATEMENT_TIMEOUT`` (15 s) fails with SQLSTATE
  55P03 / 57014, which the API answers as 503 ``busy`` and pages as a retry
  page (salesadmin/db_faults.py); its transaction is rolled back.
- ``report``: the report and aging pages and their API (``DB_REPORT_PATHS``),
  which read a lot and may take longer (25 s: still below gunicorn's 30 s
  --timeout, so the client gets a 503, not a killed worker); the same lock timeout.
- ``job``: Celery workers and management commands (migrate, the daily jobs):
  minutes, not seconds, as they run alone and nobody waits at a screen.

The web values ride in the connection string (``options=-c lock_timeout=…``),
so a web connection costs no extra round trip; other profiles are applied with
``set_config`` when a connection opens (``connection_created``) or, for a
block of work on an open connection, by ``use_timeouts(profile)``.
"""

from __future__ import annotations

import contextvars
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connections
from django.db.backends.signals import connection_created
from django.dispatch import receiver

WEB = "web"
REPORT = "report"
JOB = "job"

# Process-wide default: the programs that run jobs say so by their name.
_JOB_PROGRAMS = {"manage.py", "django-admin", "celery"}
_WEB_COMMANDS = {"runserver"}


def process_profile(argv: list[str] | None = None) -> str:
    """``job`` for Celery and management commands (except runserver), else ``web``;
    DB_TIMEOUT_PROFILE in the environment overrides it."""
    forced = os.environ.get("DB_TIMEOUT_PROFILE")
    if forced:
        return forced
    argv = sys.argv if argv is None else argv
    program = Path(argv[0]).name if argv else ""
    command = argv[1] if len(argv) > 1 else ""
    if program in _JOB_PROGRAMS and command not in _WEB_COMMANDS:
        return JOB
    return WEB


_profile: contextvars.ContextVar[str | None] = contextvars.ContextVar("db_timeouts", default=None)


_process_profile: str | None = None


def set_process_profile(profile: str | None) -> None:
    """Change the profile of every connection opened from now on (None: by the
    program's name again), e.g. while a test run makes its databases."""
    global _process_profile
    _process_profile = profile


def current_profile() -> str:
    return _profile.get() or _process_profile or process_profile()


def timeouts(profile: str) -> tuple[str, str]:
    """(lock_timeout, statement_timeout) of a profile, as PostgreSQL reads them."""
    return settings.DB_TIMEOUTS[profile]


def _apply(connection, profile: str) -> None:
    lock, statement = timeouts(profile)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('lock_timeout', %s, false), "
            "set_config('statement_timeout', %s, false)",
            [lock, statement],
        )


@receiver(connection_created, dispatch_uid="salesadmin.db_timeouts")
def _on_connection_created(sender, connection, **kwargs) -> None:
    if connection.vendor != "postgresql":
        return
    profile = current_profile()
    if profile != WEB:  # the web profile came with the connection string
        _apply(connection, profile)


@contextmanager
def use_timeouts(profile: str, using: str = "default") -> Iterator[None]:
    """Run a block with another profile's timeouts: the open connection is
    switched now (outside a transaction: a rolled-back transaction would undo
    the SET), a connection opened inside the block gets them at connect, and
    the previous values come back at the end."""
    previous = current_profile()
    token = _profile.set(profile)
    connection = connections[using]
    switched = connection.connection is not None and previous != profile
    try:
        if switched:
            _apply(connection, profile)
        yield
    finally:
        _profile.reset(token)
        if switched and connection.connection is not None:
            # A connection that broke meanwhile is replaced anyway.
            with suppress(DatabaseError):
                _apply(connection, previous)
