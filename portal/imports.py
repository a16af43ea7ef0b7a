"""The import coordinator: every kind of spreadsheet a company brings in on its
first day, each owned by its app (the app checks the rows and writes them
through its services); this top layer only lists them, in the order they
depend on each other, and reads the uploaded file."""

from __future__ import annotations

import secrets
import tempfile
import time
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from customers.imports import KIND as CUSTOMERS
from finance.imports import KIND as OPENING_RECEIVABLES
from finance.imports import OPENING_PREPAYMENTS
from inventory.imports import OPENING_STOCK, PRODUCTS
from orders.imports import CUSTOMER_PRICES, PRICE_LISTS
from salesadmin.errors import ApplicationError
from salesadmin.imports import ImportKind, ImportResult, import_run, read_sheet

# Customers and products first: prices, stock and receivables refer to them.
KINDS: tuple[ImportKind, ...] = (
    CUSTOMERS,
    PRODUCTS,
    PRICE_LISTS,
    CUSTOMER_PRICES,
    OPENING_STOCK,
    OPENING_RECEIVABLES,
    OPENING_PREPAYMENTS,
)
BY_KEY = {kind.key: kind for kind in KINDS}
PERMISSIONS = tuple(kind.permission for kind in KINDS)


def import_kinds_for(user) -> list[ImportKind]:
    return [kind for kind in KINDS if user.has_perm(kind.permission)]


def import_kind(key: str, user) -> ImportKind:
    """The kind named ``key``: 404 when there is none, 403 when the user does not own it."""
    kind = BY_KEY.get(key)
    if kind is None:
        raise Http404
    if not user.has_perm(kind.permission):
        raise PermissionDenied
    return kind


def import_file(
    *, kind: ImportKind, content: bytes, filename: str, user, dry_run: bool
) -> ImportResult:
    if not user.has_perm(kind.permission):
        raise PermissionDenied
    rows = read_sheet(kind, content, filename)
    return import_run(kind=kind, rows=rows, user=user, dry_run=dry_run)


# --- The checked file, kept for the real run ----------------------------------------
#
# After a clean dry run the page offers "Import this file" without choosing it
# again: the bytes wait in a private temporary folder under a random token that
# only this session knows (the session holds token → kind and file name). The
# real run reads them back and deletes them; leftovers older than a day go.

CHECKED_DIR = Path(tempfile.gettempdir()) / "salesadmin-imports"
SESSION_KEY = "checked_imports"
KEEP_FOR = 24 * 3600


def checked_upload_keep(session, *, kind: ImportKind, content: bytes, filename: str) -> str:
    CHECKED_DIR.mkdir(mode=0o700, exist_ok=True)
    cutoff = time.time() - KEEP_FOR
    for old in CHECKED_DIR.iterdir():
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(24)
    (CHECKED_DIR / token).write_bytes(content)
    kept = dict(session.get(SESSION_KEY, {}))
    kept[token] = {"kind": kind.key, "name": filename[:200]}
    session[SESSION_KEY] = kept
    return token


def checked_upload_take(session, *, kind: ImportKind, token: str) -> tuple[bytes, str]:
    """The file checked in this session under ``token`` for ``kind``; refused when
    it is not this session's, is for another kind, or is gone."""
    kept = dict(session.get(SESSION_KEY, {}))
    entry = kept.get(token or "")
    path = CHECKED_DIR / token if entry else None
    if not entry or entry["kind"] != kind.key or not path.is_file():
        raise ApplicationError(
            _("The checked file is no longer here: choose it again."), code="upload_expired"
        )
    content = path.read_bytes()
    path.unlink(missing_ok=True)
    del kept[token]
    session[SESSION_KEY] = kept
    return content, entry["name"]
