"""What a page makes of a date it is given (salesadmin.pages.date_param): the
report filters and the production dates posted on contract pages."""

import datetime as dt

import pytest

from salesadmin.pages import date_param

DEFAULT = dt.date(2026, 12, 1)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-12-06", dt.date(2026, 12, 6)),
        (" 2026-12-06 ", dt.date(2026, 12, 6)),  # pasted with a space
        ("2026-02-30", None),  # well formed, impossible
        ("yesterday", None),
        ("", None),
        (None, None),
        ("2026-12-06T10:00", None),
    ],
)
def test_a_date_or_nothing(raw, expected):
    assert date_param(raw) == expected


@pytest.mark.parametrize("raw", ["2026-02-30", "words", "", None])
def test_anything_but_a_date_is_the_default(raw):
    assert date_param(raw, DEFAULT) == DEFAULT


def test_a_date_wins_over_the_default():
    assert date_param("2026-11-30", DEFAULT) == dt.date(2026, 11, 30)
