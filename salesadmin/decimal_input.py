"""One home for reading quantities and money from users and API clients.

Decimal only: a bool or a float is refused (True is not 1, and floats are never
money or stock), as are NaN, infinities, too many decimals and figures too large
for the columns (14 digits).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy

from salesadmin.errors import ApplicationError

QTY_PLACES = Decimal("0.001")
QTY_MAX = Decimal("99999999999.999")
MONEY_PLACES = Decimal("0.01")
MONEY_MAX = Decimal("999999999999.99")


MESSAGES = {
    "quantity": {
        "invalid": gettext_lazy("Enter a valid quantity."),
        "large": gettext_lazy("The quantity is too large (at most %(max)s)."),
        "places": gettext_lazy("A quantity has at most three decimal places."),
    },
    "amount": {
        "invalid": gettext_lazy("Enter a valid amount."),
        "large": gettext_lazy("The amount is too large (at most %(max)s)."),
        "places": gettext_lazy("An amount has at most two decimal places."),
    },
}


def _parse(value, *, places: Decimal, largest: Decimal, code: str, what: str) -> Decimal:
    messages = MESSAGES[what]
    invalid = ApplicationError(str(messages["invalid"]), code=code)
    if isinstance(value, bool | float) or value is None:
        raise invalid
    try:
        number = Decimal(value.strip() if isinstance(value, str) else value)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise invalid from exc
    if not number.is_finite():
        raise invalid
    if abs(number) > largest:
        raise ApplicationError(str(messages["large"]) % {"max": largest}, code=code)
    if number != number.quantize(places):
        raise ApplicationError(str(messages["places"]), code=code)
    return number


def parse_quantity(value, *, code: str = "invalid_quantity") -> Decimal:
    return _parse(value, places=QTY_PLACES, largest=QTY_MAX, code=code, what="quantity")


def parse_money(value, *, code: str = "invalid_amount") -> Decimal:
    return _parse(value, places=MONEY_PLACES, largest=MONEY_MAX, code=code, what="amount")
