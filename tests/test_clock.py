"""The company day as a time range (Asia/Shanghai, UTC+8, in the settings)."""

from __future__ import annotations

import datetime as dt

from salesadmin.clock import company_day_bounds

UTC = dt.UTC


def test_a_company_day_runs_from_local_midnight_to_the_next():
    start, end = company_day_bounds(dt.date(2026, 11, 24))
    assert start == dt.datetime(2026, 11, 23, 16, 0, tzinfo=UTC)  # 00:00 in Shanghai
    assert end == dt.datetime(2026, 11, 24, 16, 0, tzinfo=UTC)
    inside = dt.datetime(2026, 11, 23, 16, 1, tzinfo=UTC)  # 00:01 on the 24th there
    before = dt.datetime(2026, 11, 23, 15, 59, tzinfo=UTC)  # 23:59 on the 23rd there
    assert start <= inside < end and not start <= before < end
