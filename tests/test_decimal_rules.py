"""The one rounding of money and the one positive-quantity rule
(salesadmin/decimal_input.py), which every service calls."""

from decimal import Decimal

import pytest

from salesadmin.decimal_input import parse_positive_quantity, round_money
from salesadmin.errors import ApplicationError


@pytest.mark.parametrize(
    ("computed", "rounded"),
    [
        ("0.005", "0.01"),  # half up (四舍五入), not half to even
        ("2.675", "2.68"),
        ("2.665", "2.67"),
        ("-0.005", "-0.01"),
        ("12.344", "12.34"),
        ("33.3333333", "33.33"),
        ("7", "7.00"),
    ],
)
def test_money_is_rounded_to_the_cent_half_up(computed, rounded):
    result = round_money(Decimal(computed))
    assert result == Decimal(rounded)
    assert result.as_tuple().exponent == -2


def test_quantity_times_price_rounds_once_at_the_end():
    # 3 × 3.335 = 10.005: the line's amount is 10.01, not 3 × 3.34 = 10.02.
    assert round_money(Decimal("3") * Decimal("3.335")) == Decimal("10.01")


@pytest.mark.parametrize("given", ["0", "-1", "-0.001", 0, Decimal("0.000")])
def test_zero_or_negative_quantities_are_refused(given):
    with pytest.raises(ApplicationError) as refused:
        parse_positive_quantity(given)
    assert refused.value.code == "invalid_quantity"
    assert "positive" in str(refused.value.message)


@pytest.mark.parametrize(("given", "parsed"), [("0.001", "0.001"), ("12.5", "12.5"), (3, "3")])
def test_positive_quantities_are_parsed(given, parsed):
    assert parse_positive_quantity(given) == Decimal(parsed)


def test_a_positive_quantity_is_still_a_valid_quantity():
    # The positive rule comes after the parse: a float or four decimals are refused as before.
    for given in (1.5, "1.0001", "abc"):
        with pytest.raises(ApplicationError) as refused:
            parse_positive_quantity(given)
        assert refused.value.code == "invalid_quantity"
        assert "positive" not in str(refused.value.message)
