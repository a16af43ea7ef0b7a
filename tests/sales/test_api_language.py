"""API refusals for a bad month, date, period or id speak the client's
language: English by default, Chinese with Accept-Language: zh-hans; the
refusal code is the same in both."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

CASES = [
    (
        "/api/v1/target-progress/?first=2026-13-01",
        "invalid_date",
        "first: enter a date as YYYY-MM-DD.",
        "first：请按 YYYY-MM-DD 格式输入日期。",
    ),
    (
        "/api/v1/target-progress/?first=2026-05-01&last=2026-04-01",
        "invalid_period",
        "The period must end after it starts and last at most a year.",
        "期间的结束日期须晚于开始日期，且最长一年。",
    ),
    (
        "/api/v1/commission-statements/?month=2026-1x",
        "invalid_month",
        "month: enter a month as YYYY-MM.",
        "month：请按 YYYY-MM 格式输入月份。",
    ),
    (
        "/api/v1/commission-statements/?month=2026-01&salesperson=abc",
        "invalid_salesperson",
        "salesperson: enter a user id (a whole number).",
        "salesperson：请输入用户编号（整数）。",
    ),
    (
        "/api/v1/reports/sales/?salesperson=abc",
        "invalid",
        'salesperson: Enter a user id or "none".',
        'salesperson: 请输入用户编号或 "none"。',
    ),
    (
        "/api/v1/reports/sales/?date_from=2026-05-02&date_to=2026-05-01",
        "invalid",
        "date_from comes after date_to.",
        "date_from 晚于 date_to。",
    ),
    (
        "/api/v1/reports/sales/?date_from=2000-01-01&date_to=2026-05-01",
        "invalid",
        "The period can last at most ten years.",
        "期间最长十年。",
    ),
]


@pytest.mark.parametrize(("url", "code", "english", "chinese"), CASES)
def test_a_bad_month_date_or_id_is_refused_in_the_clients_language(
    manager, url, code, english, chinese
):
    client = APIClient()
    client.force_authenticate(manager)

    default = client.get(url)
    assert (default.status_code, default.json()["code"]) == (400, code)
    assert default.json()["detail"] == english

    zh = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert (zh.status_code, zh.json()["code"]) == (400, code)
    assert zh.json()["detail"] == chinese
