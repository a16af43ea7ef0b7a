"""The company's "today": the company time zone decides validity and aging."""

from __future__ import annotations

import calendar
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


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, clamped to the end of a shorter month
    (a month after 31 January is 28/29 February)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def last_day_over_a_month_before(today: dt.date) -> dt.date:
    """The latest day more than one month before ``today``: the day ``d`` with
    ``today > add_months(d, 1)`` that is closest to today.

    The credit hold's line (finance/credit.py: an invoice due on or before it
    is more than a month overdue), and what a manager's release waives
    (customers/services.py). ``add_months`` never decreases as the day grows,
    so every earlier day is past the line too: one indexed range.
    """
    day = add_months(today, -1) + dt.timedelta(days=3)
    while not today > add_months(day, 1):
        day -= dt.timedelta(days=1)
    return day
