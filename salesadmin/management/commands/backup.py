"""manage.py backup: a pg_dump in custom format, and old dumps pruned.

    manage.py backup --dir /backups --keep 14

writes ``<dir>/salesadmin-<database>-<UTC time>.dump`` (to a temporary name
first, so a dump cut short is never taken for a backup), then deletes all but
the newest ``--keep`` dumps of that database in ``<dir>``. Works for the
embedded PostgreSQL and any server: the pg_dump used is chosen for the server's
version (salesadmin/pgtools.py). Restore with ``manage.py restore``. README,
Operations, gives the schedule.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from salesadmin import pgtools


def dump_name(database: str, at: dt.datetime) -> str:
    return f"salesadmin-{database}-{at:%Y%m%dT%H%M%S.%fZ}.dump"


def backups_in(directory: Path, database: str) -> list[Path]:
    """This database's dumps in ``directory``, oldest first (the name sorts by time)."""
    return sorted(directory.glob(f"salesadmin-{database}-*.dump"))


class Command(BaseCommand):
    help = "Back up the database with pg_dump (custom format) and keep the newest N dumps."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir",
            default=settings.BACKUP_DIR,
            help="folder for the dumps (BACKUP_DIR, default var/backups)",
        )
        parser.add_argument(
            "--keep",
            type=int,
            default=settings.BACKUP_KEEP,
            help="how many dumps of this database to keep (BACKUP_KEEP, default 14); 0 keeps all",
        )
        parser.add_argument("--database", default="default", help="database alias")

    def handle(self, *args, dir, keep, database, **options):
        directory = Path(dir)
        directory.mkdir(parents=True, exist_ok=True)
        name = connections[database].settings_dict["NAME"]
        try:
            pg_dump = pgtools.find_tool("pg_dump", at_least=pgtools.server_major(database))
        except pgtools.ToolNotFound as error:
            raise CommandError(str(error)) from error
        target = directory / dump_name(name, dt.datetime.now(dt.UTC))
        partial = target.with_suffix(".dump.partial")
        started = time.monotonic()
        result = subprocess.run(
            [str(pg_dump), "--format=custom", "--no-owner", "--file", str(partial)],
            env=pgtools.libpq_env(database),
            capture_output=True,
            text=True,
        )
        if result.returncode:
            partial.unlink(missing_ok=True)
            raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
        partial.rename(target)
        pruned = []
        if keep > 0:
            for old in backups_in(directory, name)[:-keep]:
                old.unlink()
                pruned.append(old.name)
        self.stdout.write(
            f"{target} {target.stat().st_size / 1e6:.1f} MB in {time.monotonic() - started:.1f} s"
            f" ({pg_dump}); pruned {len(pruned)}"
        )
        return None
