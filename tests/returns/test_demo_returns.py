"""The demo data has returns and allowances in different states, each waiting
for its role, loaded once."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.http import HttpRequest

from returns.enums import AllowanceStatus, ReturnStatus
from returns.models import Allowance, ReturnApplication

pytestmark = pytest.mark.django_db


def test_demo_returns_and_allowances_in_each_state(client):
    call_command("demo_data", stdout=io.StringIO())
    first = (ReturnApplication.objects.count(), Allowance.objects.count())
    call_command("demo_data", stdout=io.StringIO())
    assert (ReturnApplication.objects.count(), Allowance.objects.count()) == first

    assert set(ReturnApplication.objects.values_list("status", flat=True)) == {
        ReturnStatus.DRAFT,
        ReturnStatus.SUBMITTED,
        ReturnStatus.INSPECTED,
        ReturnStatus.RECEIVED,
        ReturnStatus.CLOSED,
    }
    assert {AllowanceStatus.DRAFT, AllowanceStatus.SUBMITTED, AllowanceStatus.APPROVED} <= set(
        Allowance.objects.values_list("status", flat=True)
    )
    client.login(request=HttpRequest(), username="inspector", password="demo1234")
    assert "Returned goods to inspect" in client.get("/").content.decode()
    client.login(request=HttpRequest(), username="manager", password="demo1234")
    home = client.get("/").content.decode()
    assert "Returns to approve" in home
    client.login(request=HttpRequest(), username="keeper", password="demo1234")
    assert client.get("/returns/").status_code == 200
