"""The company's "today": the company time zone decides validity and aging."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def company_today() -> dt.date:
    return timezone.localdate()  # TIME_ZONE is the company time zone


def whole_years_between(start: dt.date, end: dt.date) -> int:
    years = end.year - start.year
    if (end.month, end.day) < (start.month, start.day):
        years -= 1
    return max(years, 0)
