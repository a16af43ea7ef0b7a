"""Product groups, sales teams and commission rules kept in the browser by the
manager: the services refuse the wrong role and a broken rule, every change is
in the history, and the pages serve the right role and show a refusal as a
form error without changing anything."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from sales.enums import CommissionBasis
from sales.models import CommissionMonth, CommissionRule, ProductGroup, SalesTeam
from sales.services.setup import (
    product_group_create,
    product_group_update,
    sales_team_create,
    sales_team_update,
)
from sales.services.targets import TargetLineInput, sales_target_create, sales_target_lines_save
from salesadmin.clock import add_months, company_today
from salesadmin.errors import ApplicationError
from salesadmin.history import history_of

pytestmark = pytest.mark.django_db


# --- Services ---------------------------------------------------------------------
def test_a_manager_keeps_product_groups_with_their_history(chain, manager, clerk):
    o2, lox, ar = chain.products
    group = product_group_create(
        user=manager, code="BOT", name="瓶装气", unit="cyl", products=[o2, ar]
    )
    assert set(group.members.values_list("product_id", flat=True)) == {o2.pk, ar.pk}

    product_group_update(
        user=manager, group=group, code="BOT", name="瓶装气体", unit="cyl", products=[o2]
    )

    assert set(group.members.values_list("product_id", flat=True)) == {o2.pk}
    changes = {
        (c.field, c.old_value, c.new_value)
        for c in history_of(record_type="product_group", record_id=group.pk)
    }
    assert ("name", "瓶装气", "瓶装气体") in changes
    assert ("products", ", ".join(sorted([str(o2), str(ar)])), str(o2)) in changes
    with pytest.raises(PermissionDenied):
        product_group_create(user=clerk, code="LIQ", name="液体", products=[])
    with pytest.raises(PermissionDenied):
        product_group_update(user=clerk, group=group, code="BOT", name="x", products=[])


def test_a_product_counts_in_one_group_only(chain, manager):
    o2, lox, _ar = chain.products
    product_group_create(user=manager, code="BOT", name="瓶装气", products=[o2])

    with pytest.raises(ApplicationError) as refused:
        product_group_create(user=manager, code="LIQ", name="液体", products=[lox, o2])

    assert refused.value.code == "product_in_other_group"
    assert not ProductGroup.objects.filter(code="LIQ").exists()  # nothing half-saved


def test_a_groups_unit_stays_while_targets_set_quantities_in_it(chain, manager, clerk):
    group = product_group_create(
        user=manager, code="BOT", name="瓶装气", unit="cyl", products=[chain.products[0]]
    )
    target = sales_target_create(user=clerk, year=2031)
    line = TargetLineInput(
        month=1,
        salesperson_id=clerk.pk,
        amount=Decimal("100"),
        product_group=group,
        quantity=Decimal("5"),
    )
    sales_target_lines_save(user=clerk, target=target, product_group=group, lines=[line])

    with pytest.raises(ApplicationError) as refused:
        product_group_update(user=manager, group=group, code="BOT", name="瓶装气", unit="")

    assert refused.value.code == "unit_in_use"
    group.refresh_from_db()
    assert group.unit == "cyl"


def test_a_manager_keeps_teams_and_their_members_history(manager, clerk, finance):
    team = sales_team_create(user=manager, name="East", members=[clerk])
    sales_team_update(user=manager, team=team, name="East", members=[clerk, finance])

    assert set(team.members.all()) == {clerk, finance}
    changed, created = history_of(record_type="sales_team", record_id=team.pk).filter(
        field="members"
    )
    assert (created.old_value, created.new_value) == ("", clerk.username)
    assert changed.old_value == clerk.username
    assert changed.new_value == ", ".join(sorted([clerk.username, finance.username]))
    with pytest.raises(PermissionDenied):
        sales_team_create(user=clerk, name="West")
    with pytest.raises(ApplicationError) as refused:
        sales_team_create(user=manager, name="East")
    assert refused.value.code == "invalid"


# --- Pages ------------------------------------------------------------------------
def test_the_product_group_pages_save_through_the_service(chain, manager, clerk, client_for):
    o2 = chain.products[0]
    page = client_for(manager)
    answer = page.post(
        "/sales/product-groups/new/",
        {"code": "BOT", "name": "瓶装气", "unit": "cyl", "products": [o2.pk]},
    )
    assert answer.status_code == 302
    group = ProductGroup.objects.get(code="BOT")

    edit = page.get(f"/sales/product-groups/{group.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert edit.status_code == 200
    assert "变更记录" in edit.content.decode()

    # A clerk reads the group but may not change it.
    clerk_page = client_for(clerk)
    assert clerk_page.get(f"/sales/product-groups/{group.pk}/").status_code == 200
    refused = clerk_page.post(
        f"/sales/product-groups/{group.pk}/", {"code": "BOT", "name": "x", "unit": "cyl"}
    )
    assert refused.status_code == 403
    assert clerk_page.get("/sales/product-groups/new/").status_code == 403
    group.refresh_from_db()
    assert group.name == "瓶装气"


def test_a_product_in_another_group_is_a_form_error(chain, manager, client_for):
    o2 = chain.products[0]
    product_group_create(user=manager, code="BOT", name="瓶装气", products=[o2])

    answer = client_for(manager).post(
        "/sales/product-groups/new/", {"code": "LIQ", "name": "液体", "products": [o2.pk]}
    )

    assert answer.status_code == 400
    assert "already counts in the product group" in answer.content.decode()
    assert not ProductGroup.objects.filter(code="LIQ").exists()


def test_the_team_pages_are_the_managers(manager, clerk, finance, client_for):
    page = client_for(manager)
    answer = page.post("/sales/teams/new/", {"name": "East", "members": [clerk.pk]})
    assert answer.status_code == 302
    team = SalesTeam.objects.get(name="East")
    answer = page.post(f"/sales/teams/{team.pk}/", {"name": "East", "members": [finance.pk]})
    assert answer.status_code == 302
    assert list(team.members.all()) == [finance]
    assert "East" in page.get("/sales/teams/").content.decode()
    assert client_for(clerk).get("/sales/teams/").status_code == 403
    assert client_for(clerk).post("/sales/teams/new/", {"name": "West"}).status_code == 403


def test_a_rule_is_added_on_its_page_and_refused_in_a_closed_month(
    manager, clerk, finance, client_for
):
    this_month = company_today().replace(day=1)
    last_month = add_months(this_month, -1)
    CommissionMonth.objects.create(month=last_month, status="closed")
    page = client_for(manager)

    # A rule starting in the closed month: a form error, nothing saved.
    closed = page.post(
        "/sales/commission-rules/",
        {
            "salesperson": clerk.pk,
            "basis": CommissionBasis.SALES,
            "rate": "1.5",
            "valid_from": f"{last_month:%Y-%m}",
        },
    )
    assert closed.status_code == 400
    assert "A closed month cannot change" in closed.content.decode()
    assert not CommissionRule.objects.exists()

    # Neither a salesperson nor a team: refused by the service's rule.
    neither = page.post(
        "/sales/commission-rules/",
        {"basis": CommissionBasis.SALES, "rate": "1.5", "valid_from": f"{this_month:%Y-%m}"},
    )
    assert neither.status_code == 400 and not CommissionRule.objects.exists()

    saved = page.post(
        "/sales/commission-rules/",
        {
            "salesperson": clerk.pk,
            "basis": CommissionBasis.SALES,
            "rate": "1.5",
            "valid_from": f"{this_month:%Y-%m}",
        },
    )
    assert saved.status_code == 302
    rule = CommissionRule.objects.get()
    assert (rule.salesperson, rule.rate, rule.valid_from) == (clerk, Decimal("1.5"), this_month)
    assert rule.created_by == manager

    # Finance reads the rules (no form); a clerk may not open the page.
    shown = client_for(finance).get("/sales/commission-rules/")
    assert shown.status_code == 200 and "New commission rule" not in shown.content.decode()
    assert client_for(finance).post("/sales/commission-rules/", {}).status_code == 403
    assert client_for(clerk).get("/sales/commission-rules/").status_code == 403


def test_the_rule_list_reads_in_chinese_with_a_fixed_number_of_queries(
    manager, clerk, client_for, django_assert_max_num_queries
):
    from sales.services.commission import commission_rule_set

    page = client_for(manager)
    page.get("/sales/commission-rules/")  # warm the session and the permission cache
    for months in range(6):
        commission_rule_set(
            user=manager,
            salesperson=clerk,
            basis=CommissionBasis.COLLECTED,
            rate=Decimal("2"),
            valid_from=add_months(company_today().replace(day=1), months),
        )
    with django_assert_max_num_queries(12):
        answer = page.get("/sales/commission-rules/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert answer.status_code == 200
    assert "提成规则" in answer.content.decode() and "已回款" in answer.content.decode()
