"""The company's "today": the company time zone decides validity and aging."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def company_today() -> dt.date:
    return timezone.localdate()  # TIME_ZONE is the company time zone


def company_day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of a company day as aware datetimes: a range an index on a
    timestamp column can serve (``__date=`` converts every row's time zone)."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end


def whole_years_between(start: dt.date, end: dt.date) -> int:
    years = end.year - start.year
    if (end.month, end.day) < (start.month, start.day):
        years -= 1
    return max(years, 0)
