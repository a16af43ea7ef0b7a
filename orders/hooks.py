"""What the orders app needs from finance, the app above it (STYLE.md, Layers).

orders may not import finance (the import-linter contract in pyproject.toml
checks it). Where the chain needs finance's answer or work, finance hands its
functions to orders when Django starts: ``FinanceConfig.ready()``
(finance/apps.py) calls ``register``. orders calls them through this module:

- ``coverage(customer=, amount=, exclude_note_id=)``: how ``amount`` more would
  be covered, with the figures behind the answer (finance.credit's
  CoveragePicture). The stamp and top-up services ask it under the customer's
  lock and hand the answer to the note (``DeliveryNote.coverage_found``), whose
  transition conditions only read it; the order approval and the note page ask
  it too (orders/selectors/delivery_notes.py: note_coverage).
- ``note_dispatched(note=, user=)``: in the dispatch's transaction, after the
  note's transition: the customer is charged what was loaded and a prepaid
  customer's note invoiced (finance.services.dispatch_charge).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Protocol

from django.core.exceptions import ImproperlyConfigured


class CoverageAnswer(Protocol):
    coverage: str | None  # an orders.enums.Coverage value; None: not covered
    after: Decimal  # what the customer would owe with the amount
    allowance: Decimal  # how far the customer may owe


_registered: dict[str, Callable] = {}


def register(*, coverage: Callable[..., CoverageAnswer], note_dispatched: Callable) -> None:
    """Called once by finance's AppConfig.ready()."""
    _registered.update(coverage=coverage, note_dispatched=note_dispatched)


def _registered_hook(name: str) -> Callable:
    try:
        return _registered[name]
    except KeyError:
        raise ImproperlyConfigured(
            f"orders.hooks.{name} is not registered: finance must be in INSTALLED_APPS."
        ) from None


def coverage(*, customer, amount: Decimal, exclude_note_id: int | None = None) -> CoverageAnswer:
    return _registered_hook("coverage")(
        customer=customer, amount=amount, exclude_note_id=exclude_note_id
    )


def note_dispatched(*, note, user) -> None:
    _registered_hook("note_dispatched")(note=note, user=user)


# --- Contracts (the contracts app, above finance) ----------------------------------------
# contracts registers these in its AppConfig.ready(); without it orders work
# as before (nothing is prepared, no production task is made).
#
# - ``order_approved(order=, user=)``: in the approving transaction, after the
#   order's transition: a B or C contract gets its production tasks and stock
#   preparation slip.
# - ``order_cancelled(order=, user=)``: in the cancelling transaction: the
#   slip's reservation is released and open tasks are cancelled.
# - ``prepared_stock(order=, warehouse=)``: {product id: quantity} the order's
#   preparation slip still holds in that warehouse (a read, in a note's issue).
# - ``take_over_prepared(order=, warehouse=, quantities=, reference=, user=)``:
#   the note takes those units over from the slip's reservation, after it has
#   reserved the rest itself (one lock order: stock levels, then the slip).

_contracts: dict[str, Callable] = {}


def register_contracts(
    *,
    order_approved: Callable,
    order_cancelled: Callable,
    prepared_stock: Callable,
    take_over_prepared: Callable,
) -> None:
    _contracts.update(
        order_approved=order_approved,
        order_cancelled=order_cancelled,
        prepared_stock=prepared_stock,
        take_over_prepared=take_over_prepared,
    )


def order_approved(*, order, user) -> None:
    if "order_approved" in _contracts:
        _contracts["order_approved"](order=order, user=user)


def order_cancelled(*, order, user) -> None:
    if "order_cancelled" in _contracts:
        _contracts["order_cancelled"](order=order, user=user)


def prepared_stock(*, order, warehouse) -> dict[int, Decimal]:
    if "prepared_stock" not in _contracts:
        return {}
    return _contracts["prepared_stock"](order=order, warehouse=warehouse)


def take_over_prepared(
    *, order, warehouse, quantities: dict[int, Decimal], reference: str, user
) -> None:
    if "take_over_prepared" in _contracts and quantities:
        _contracts["take_over_prepared"](
            order=order, warehouse=warehouse, quantities=quantities, reference=reference, user=user
        )
