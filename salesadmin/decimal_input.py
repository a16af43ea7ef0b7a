"""One home for reading quantities and money from users and API clients.

Decimal only: a bool or a float is refused (True is not 1, and floats are never
money or stock), as are NaN, infinities, too many decimals and figures too large
for the columns (14 digits).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext_lazy

from salesadmin.errors import ApplicationError

QTY_PLACES = Decimal("0.001")
QTY_MAX = Decimal("99999999999.999")
MONEY_PLACES = Decimal("0.01")
MONEY_MAX = Decimal("999999999999.99")
_ID = re.compile(r"[0-9]{1,18}")


def parse_id(value) -> int | None:
    """A row id read from a query string or form: ASCII digits that fit a bigint,
    else None. (str.isdigit() also accepts "²", and int() refuses a 10,000-digit
    string: both were 500s.)"""
    text = str(value if value is not None else "")
    return int(text) if _ID.fullmatch(text) else None


MESSAGES = {
    "quantity": {
        "invalid": gettext_lazy("Enter a valid quantity."),
        "large": gettext_lazy("The quantity is too large (at most %(max)s)."),
        "places": gettext_lazy("A quantity has at most three decimal places."),
        "positive": gettext_lazy("Quantities must be positive."),
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


def parse_positive_quantity(value, *, code: str = "invalid_quantity") -> Decimal:
    """A quantity to move, issue, price or return: more than zero (a zero or a
    negative line is refused, never skipped)."""
    number = parse_quantity(value, code=code)
    if number <= 0:
        raise ApplicationError(str(MESSAGES["quantity"]["positive"]), code=code)
    return number


def round_money(value) -> Decimal:
    """An amount the product computes (quantity x price, a commission, a run
    rate), rounded to the cent half up (四舍五入): the one rounding of money."""
    return Decimal(value).quantize(MONEY_PLACES, rounding=ROUND_HALF_UP)


def parse_money(value, *, code: str = "invalid_amount") -> Decimal:
    return _parse(value, places=MONEY_PLACES, largest=MONEY_MAX, code=code, what="amount")


def plain_number(number: Decimal) -> str:
    """12.500 → "12.5", 10.000 → "10": what a clerk would type."""
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
