"""Help per role, the first-login hint (closed once, stays closed), and the
manager's menu grouped to fit one row."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from portal.context_processors import navigation
from portal.models import HintDismissal

pytestmark = pytest.mark.django_db


def test_each_role_gets_its_help(client_for, clerk, guard):
    page = client_for(clerk).get("/help/").content.decode()
    assert 'id="sales_clerk"' in page and "help/clerk.en.png" in page
    assert 'id="gate_guard"' not in page
    assert 'id="gate_guard"' in client_for(guard).get("/help/").content.decode()


def test_the_help_speaks_chinese(client_for, clerk):
    client = client_for(clerk)
    page = client.get("/help/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "销售内勤" in page


def test_the_first_login_hint_shows_until_closed(client_for, clerk):
    client = client_for(clerk)
    assert 'id="hint-sales_clerk"' in client.get("/").content.decode()
    closed = client.post("/help/hint/sales_clerk/close/")
    assert closed.status_code == 302
    assert HintDismissal.objects.filter(user=clerk, role="sales_clerk").exists()
    # Remembered: a new session does not bring it back.
    assert 'id="hint-sales_clerk"' not in client_for(clerk).get("/").content.decode()


def test_a_hint_for_a_role_one_does_not_hold_is_ignored(client_for, clerk):
    client_for(clerk).post("/help/hint/manager/close/")
    assert not HintDismissal.objects.exists()
    assert client_for(clerk).get("/help/hint/sales_clerk/close/").status_code == 405


def _menu(user):
    request = RequestFactory().get("/")
    request.user = user
    return navigation(request)["nav_items"]


def test_the_managers_menu_is_grouped_to_fit_one_row(manager):
    items = _menu(manager)
    assert len(items) <= 9
    labels = [str(i["label"]) for i in items]
    assert {"Sales", "Delivery", "Finance", "Stock", "Master data", "Control"} <= set(labels)
    master = next(i for i in items if str(i["label"]) == "Master data")
    assert [str(c["label"]) for c in master["children"]] == [
        "Customers",
        "Products",
        "Warehouses",
        "Price lists",
        "Agreed prices",
        "Import",
    ]


def test_a_group_with_one_page_is_a_plain_link(guard):
    items = _menu(guard)
    assert all("children" not in i for i in items)
    assert [str(i["label"]) for i in items] == ["Home", "Gate", "Help"]
