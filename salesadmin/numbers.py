"""One home for reading quantities and money from users and API clients.

Decimal only: a bool or a float is refused (True is not 1, and floats are never
money or stock), as are NaN, infinities, too many decimals and figures too large
for the columns (14 digits).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from salesadmin.errors import ApplicationError

QTY_PLACES = Decimal("0.001")
QTY_MAX = Decimal("99999999999.999")
MONEY_PLACES = Decimal("0.01")
MONEY_MAX = Decimal("999999999999.99")


def _parse(value, *, places: Decimal, largest: Decimal, code: str, what: str) -> Decimal:
    invalid = ApplicationError(_("Enter a valid %(what)s.") % {"what": what}, code=code)
    if isinstance(value, bool | float) or value is None:
        raise invalid
    try:
        number = Decimal(value.strip() if isinstance(value, str) else value)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise invalid from exc
    if not number.is_finite():
        raise invalid
    if abs(number) > largest:
        raise ApplicationError(
            _("The %(what)s is too large (at most %(max)s).") % {"what": what, "max": largest},
            code=code,
        )
    if number != number.quantize(places):
        raise ApplicationError(
            _("A %(what)s has at most %(n)s decimal places.")
            % {"what": what, "n": -places.as_tuple().exponent},
            code=code,
        )
    return number


def parse_quantity(value, *, code: str = "invalid_quantity") -> Decimal:
    return _parse(value, places=QTY_PLACES, largest=QTY_MAX, code=code, what=_("quantity"))


def parse_money(value, *, code: str = "invalid_amount") -> Decimal:
    return _parse(value, places=MONEY_PLACES, largest=MONEY_MAX, code=code, what=_("amount"))
