"""manage.py restore: a dump of ``manage.py backup`` into a new database.

    manage.py restore /backups/salesadmin-salesadmin-20260101T020000.000000Z.dump \
        --into salesadmin_restored

creates the database ``--into`` on the same server and restores the dump into
it in one transaction (all or nothing): tables, data, sequences, then indexes,
constraints and the append-only triggers (pg_restore loads the data before it
creates them). The live database is never overwritten: check the restored one,
then point DATABASE_URL at it (README, Operations).
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from psycopg import sql

from salesadmin import pgtools


class Command(BaseCommand):
    help = "Restore a dump of `manage.py backup` into a new database on the same server."

    def add_arguments(self, parser):
        parser.add_argument("dump", help="a .dump file written by manage.py backup")
        parser.add_argument("--into", required=True, help="name of the new database")
        parser.add_argument("--database", default="default", help="alias of the server to use")

    def handle(self, *args, dump, into, database, **options):
        path = Path(dump)
        if not path.is_file():
            raise CommandError(f"No dump at {path}.")
        try:
            pg_restore = pgtools.find_tool("pg_restore", at_least=pgtools.server_major(database))
        except pgtools.ToolNotFound as error:
            raise CommandError(str(error)) from error
        with connections[database].cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [into])
            if cursor.fetchone():
                raise CommandError(f"Database {into} exists; restore into a new one.")
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(into)))
        started = time.monotonic()
        result = subprocess.run(
            [
                str(pg_restore),
                "--no-owner",
                "--exit-on-error",
                "--single-transaction",
                "--dbname",
                into,
                str(path),
            ],
            env=pgtools.libpq_env(database, database=into),
            capture_output=True,
            text=True,
        )
        if result.returncode:
            raise CommandError(
                f"pg_restore failed (database {into} left for inspection): {result.stderr.strip()}"
            )
        self.stdout.write(f"restored {path} into {into} in {time.monotonic() - started:.1f} s")
