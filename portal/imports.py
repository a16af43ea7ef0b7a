"""The import coordinator: every kind of spreadsheet a company brings in on its
first day, each owned by its app (the app checks the rows and writes them
through its services); this top layer only lists them, in the order they
depend on each other, and reads the uploaded file."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from customers.imports import KIND as CUSTOMERS
from finance.imports import KIND as OPENING_RECEIVABLES
from inventory.imports import OPENING_STOCK, PRODUCTS
from orders.imports import CUSTOMER_PRICES, PRICE_LISTS
from salesadmin.imports import ImportKind, ImportResult, import_run, read_sheet

# Customers and products first: prices, stock and receivables refer to them.
KINDS: tuple[ImportKind, ...] = (
    CUSTOMERS,
    PRODUCTS,
    PRICE_LISTS,
    CUSTOMER_PRICES,
    OPENING_STOCK,
    OPENING_RECEIVABLES,
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
