"""Sales order pages through HTTP: entry with any number of lines, the manager's
decision, issuing a delivery note, and who may reach which page."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.utils import translation

from customers.models import CustomerPrice
from inventory.models import StockLevel
from orders.enums import ApprovalReason, OrderStatus, PriceSource
from orders.models import DeliveryNote, SalesOrder
from orders.services.sales_orders import sales_order_submit
from salesadmin.models import TransitionLog
from tests.factories import ProductFactory


def _order_form(chain, lines, **overrides):
    """POST data for the entry page; ``lines`` is a list of (index, product, qty, price)."""
    data = {
        "customer": str(chain.customer.pk),
        "pickup_mode": "self_pickup",
        "remarks": "",
        "lines-TOTAL_FORMS": str(max((i for i, *_ in lines), default=-1) + 1),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
    }
    for index, product, quantity, price in lines:
        data[f"lines-{index}-product"] = str(product.pk)
        data[f"lines-{index}-quantity"] = quantity
        data[f"lines-{index}-unit_price"] = price
    data.update(overrides)
    return data


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# Entry -------------------------------------------------------------------------------


def test_clerk_enters_an_order_with_three_lines_priced_from_the_list(chain, client_for):
    o2, lo2, ar = chain.products
    data = _order_form(chain, [(0, o2, "10", ""), (1, lo2, "100.5", ""), (2, ar, "5", "")])

    response = client_for(chain.clerk).post("/orders/new/", data)

    order = SalesOrder.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/orders/{order.pk}/"
    assert re.fullmatch(rf"LG{order.order_date.year}-\d{{3}}", order.number)
    assert order.status == OrderStatus.DRAFT
    assert order.created_by == chain.clerk
    lines = list(order.lines.order_by("position"))
    assert [(ln.product, ln.unit_price, ln.price_source) for ln in lines] == [
        (o2, Decimal("30.00"), PriceSource.LIST),
        (lo2, Decimal("1.50"), PriceSource.LIST),
        (ar, Decimal("80.00"), PriceSource.LIST),
    ]
    assert order.total == Decimal("300.00") + Decimal("150.75") + Decimal("400.00")


def test_a_row_removed_in_the_browser_is_left_out(chain, client_for):
    o2, lo2, ar = chain.products
    # Row 1 was added and removed again: the formset counts 3 rows but gets 2.
    data = _order_form(chain, [(0, o2, "2", ""), (2, ar, "1", "75.00")])

    client_for(chain.clerk).post("/orders/new/", data)

    order = SalesOrder.objects.get()
    assert [(ln.product, ln.quantity) for ln in order.lines.order_by("position")] == [
        (o2, Decimal("2.000")),
        (ar, Decimal("1.000")),
    ]
    assert order.lines.get(product=ar).price_source == PriceSource.MANUAL


def test_invalid_line_re_renders_the_form_keeping_every_line(chain, client_for):
    o2, lo2, ar = chain.products
    data = _order_form(chain, [(0, o2, "10", ""), (1, lo2, "", ""), (2, ar, "5", "")])

    response = client_for(chain.clerk).post("/orders/new/", data)

    assert response.status_code == 200
    assert not SalesOrder.objects.exists()
    assert response.context["formset"].forms[1].errors["quantity"]
    html = response.content.decode()
    for index, product in enumerate(chain.products):
        select = html.split(f'<select name="lines-{index}-product"')[1].split("</select>")[0]
        assert re.search(rf'<option value="{product.pk}"[^>]*selected', select), index


def test_service_refusal_is_shown_in_the_users_language(chain, client_for):
    client = client_for(chain.clerk)
    client.cookies["django_language"] = "zh-hans"
    data = _order_form(chain, [(0, chain.products[0], "0.0001", "")])
    response = client.post("/orders/new/", _order_form(chain, []))

    assert response.status_code == 200
    with translation.override("zh-hans"):
        expected = translation.gettext("Add at least one line.")
    assert expected in response.content.decode()
    assert not SalesOrder.objects.exists()
    # A quantity with more than 3 decimals is a form error, not a crash.
    response = client.post("/orders/new/", data)
    assert response.status_code == 200
    assert not SalesOrder.objects.exists()


def test_clerk_edits_a_draft_and_cannot_edit_a_submitted_order(chain, client_for):
    order = chain.order(submit=False)
    o2, _lo2, ar = chain.products
    client = client_for(chain.clerk)
    assert client.get(f"/orders/{order.pk}/edit/").status_code == 200

    response = client.post(
        f"/orders/{order.pk}/edit/",
        _order_form(chain, [(0, ar, "7", ""), (1, o2, "1", "")], pickup_mode="delivered"),
    )

    order.refresh_from_db()
    assert response.status_code == 302
    assert order.pickup_mode == "delivered"
    assert [(ln.product, ln.quantity) for ln in order.lines.order_by("position")] == [
        (ar, Decimal("7.000")),
        (o2, Decimal("1.000")),
    ]
    assert order.total == Decimal("590.00")

    sales_order_submit(order=order, user=chain.clerk)
    response = client.post(f"/orders/{order.pk}/edit/", _order_form(chain, [(0, ar, "1", "")]))
    assert response.status_code == 302
    assert order.lines.count() == 2


def test_below_minimum_price_waits_and_the_manager_sees_why(chain, client_for):
    o2, lo2, ar = chain.products
    data = _order_form(chain, [(0, o2, "10", "20.00"), (1, ar, "1", "")], submit_now="1")

    response = client_for(chain.clerk).post("/orders/new/", data)

    order = SalesOrder.objects.get()
    assert response.status_code == 302
    assert order.status == OrderStatus.SUBMITTED
    assert [r["code"] for r in order.approval_reasons] == [ApprovalReason.BELOW_MINIMUM]
    queue = client_for(chain.manager).get("/orders/approvals/")
    html = queue.content.decode()
    assert order.number in html
    assert str(ApprovalReason.BELOW_MINIMUM.label) in html
    assert f"/orders/{order.pk}/approve/" in html and f"/orders/{order.pk}/reject/" in html


def test_order_within_rules_is_approved_at_submit_and_not_queued(chain, client_for):
    order = chain.order()
    assert order.status == OrderStatus.APPROVED
    html = client_for(chain.manager).get("/orders/approvals/").content.decode()
    assert order.number not in html


# The manager's decision -------------------------------------------------------------


@pytest.fixture
def waiting(chain):
    """A submitted order waiting for a manager: its first line is below minimum."""
    order = chain.order(prices=[Decimal("20.00"), None, None])
    assert order.status == OrderStatus.SUBMITTED
    return order


def test_manager_approves_from_the_queue_and_returns_to_it(chain, waiting, client_for):
    response = client_for(chain.manager).post(
        f"/orders/{waiting.pk}/approve/", {"comment": "old friend", "next": "/orders/approvals/"}
    )

    waiting.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == "/orders/approvals/"
    assert waiting.status == OrderStatus.APPROVED
    assert (waiting.decided_by, waiting.decision_comment) == (chain.manager, "old friend")
    assert TransitionLog.objects.filter(
        document_type="sales_order", document_id=waiting.pk, transition="approve"
    ).exists()


def test_reject_without_comment_is_refused_and_nothing_changes(chain, waiting, client_for):
    client = client_for(chain.manager)

    response = client.post(f"/orders/{waiting.pk}/reject/", {"comment": "  "})

    waiting.refresh_from_db()
    assert response.status_code == 302
    assert waiting.status == OrderStatus.SUBMITTED
    assert waiting.decided_by is None
    assert "Say why the order is rejected." in _messages(response)

    client.post(f"/orders/{waiting.pk}/reject/", {"comment": "price too low"})
    waiting.refresh_from_db()
    assert waiting.status == OrderStatus.REJECTED
    assert waiting.decision_comment == "price too low"


def test_clerk_cannot_approve(chain, waiting, client_for):
    response = client_for(chain.clerk).post(f"/orders/{waiting.pk}/approve/", {"comment": ""})

    waiting.refresh_from_db()
    assert response.status_code == 403
    assert waiting.status == OrderStatus.SUBMITTED


def test_actions_are_post_only(chain, waiting, client_for):
    response = client_for(chain.manager).get(f"/orders/{waiting.pk}/approve/")
    waiting.refresh_from_db()
    assert response.status_code == 405
    assert waiting.status == OrderStatus.SUBMITTED


def test_detail_shows_only_the_buttons_the_user_may_use(chain, waiting, client_for):
    approve_url = f"/orders/{waiting.pk}/approve/"

    clerk_page = client_for(chain.clerk).get(f"/orders/{waiting.pk}/")
    manager_page = client_for(chain.manager).get(f"/orders/{waiting.pk}/")

    assert clerk_page.status_code == manager_page.status_code == 200
    assert approve_url not in clerk_page.content.decode()
    assert approve_url in manager_page.content.decode()
    assert str(ApprovalReason.BELOW_MINIMUM.label) in manager_page.content.decode()
    # The internal transitions never get a button.
    approved = chain.order()
    html = client_for(chain.manager).get(f"/orders/{approved.pk}/").content.decode()
    for internal in ("approve_automatically", "deliver_partly", "complete", "submit"):
        assert f"/orders/{approved.pk}/{internal}/" not in html
    assert f"/orders/{approved.pk}/issue/" in html
    assert f"/orders/{approved.pk}/cancel/" in html


def test_clerk_submits_a_draft_from_its_page(chain, client_for):
    draft = chain.order(submit=False)
    client = client_for(chain.clerk)
    assert f"/orders/{draft.pk}/submit/" in client.get(f"/orders/{draft.pk}/").content.decode()

    client.post(f"/orders/{draft.pk}/submit/")

    draft.refresh_from_db()
    assert draft.status == OrderStatus.APPROVED
    log = client.get(f"/orders/{draft.pk}/").context["log"]
    assert [e.transition for e in log] == ["submit", "approve_automatically"]


# Issuing a delivery note ----------------------------------------------------------------


def _issue_form(chain, order, quantities):
    data = {"warehouse": str(chain.warehouse.pk), "vehicle_plate": "浙E12345", "driver": "王师傅"}
    for line, qty in zip(order.lines.order_by("position"), quantities, strict=True):
        data[f"line-{line.pk}-quantity"] = qty
    return data


def _reserved(chain, product) -> Decimal:
    return StockLevel.objects.get(product=product, warehouse=chain.warehouse).reserved


def test_issuing_a_note_reserves_stock(chain, client_for):
    order = chain.order()
    client = client_for(chain.clerk)
    page = client.get(f"/orders/{order.pk}/issue/")
    assert page.status_code == 200
    assert [row["open"] for row in page.context["rows"]] == [
        Decimal("10"),
        Decimal("100"),
        Decimal("5"),
    ]

    response = client.post(f"/orders/{order.pk}/issue/", _issue_form(chain, order, ["4", "0", "5"]))

    note = DeliveryNote.objects.get(order=order)
    assert response.status_code == 302
    assert [(nl.product_id, nl.quantity) for nl in note.lines.order_by("id")] == [
        (chain.products[0].pk, Decimal("4.000")),
        (chain.products[2].pk, Decimal("5.000")),
    ]
    assert _reserved(chain, chain.products[0]) == Decimal("4")
    assert _reserved(chain, chain.products[1]) == Decimal("0")
    assert _reserved(chain, chain.products[2]) == Decimal("5")
    assert note.vehicle_plate == "浙E12345"
    # The second visit shows what is still open.
    rows = client.get(f"/orders/{order.pk}/issue/").context["rows"]
    assert [row["open"] for row in rows] == [Decimal("6"), Decimal("100"), Decimal("0")]


def test_over_issue_is_refused_with_a_message_and_reserves_nothing(chain, client_for):
    order = chain.order()

    response = client_for(chain.clerk).post(
        f"/orders/{order.pk}/issue/", _issue_form(chain, order, ["11", "0", "0"])
    )

    assert response.status_code == 200
    assert not DeliveryNote.objects.exists()
    assert _reserved(chain, chain.products[0]) == Decimal("0")
    errors = response.context["form"].non_field_errors()
    assert any("is still open on this order" in e for e in errors)
    assert "is still open on this order" in response.content.decode()


def test_issue_beyond_available_stock_is_refused(chain, client_for):
    order = chain.order(("10", "100", "5"))
    StockLevel.objects.filter(product=chain.products[2], warehouse=chain.warehouse).update(
        reserved=Decimal("998")
    )

    response = client_for(chain.clerk).post(
        f"/orders/{order.pk}/issue/", _issue_form(chain, order, ["0", "0", "5"])
    )

    assert response.status_code == 200
    assert not DeliveryNote.objects.exists()
    assert response.context["form"].non_field_errors()
    assert response.context["rows"][2]["available"] == Decimal("2")


def test_an_order_all_on_notes_offers_no_issue_button(chain, client_for):
    order = chain.order()
    chain.note(order)
    client = client_for(chain.clerk)

    detail = client.get(f"/orders/{order.pk}/").content.decode()
    page = client.get(f"/orders/{order.pk}/issue/")

    assert f"/orders/{order.pk}/issue/" not in detail
    assert page.context["nothing_open"] is True


def test_approving_twice_is_refused_with_a_message(chain, waiting, client_for):
    client = client_for(chain.manager)
    client.post(f"/orders/{waiting.pk}/approve/", {"comment": "first"})

    response = client.post(f"/orders/{waiting.pk}/approve/", {"comment": "again"})

    waiting.refresh_from_db()
    assert response.status_code == 302
    assert waiting.decision_comment == "first"
    assert any("Not possible while the document is" in m for m in _messages(response))


def test_a_draft_cannot_be_issued(chain, client_for):
    draft = chain.order(submit=False)
    response = client_for(chain.clerk).get(f"/orders/{draft.pk}/issue/")
    assert response.status_code == 302
    assert response["Location"] == f"/orders/{draft.pk}/"


# The htmx partials -----------------------------------------------------------------------


def test_add_line_returns_the_next_row_and_counts_it(chain, client_for):
    response = client_for(chain.clerk).get(
        "/orders/new/line/", {"lines-TOTAL_FORMS": "3"}, HTTP_HX_REQUEST="true"
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="lines-3-product"' in html
    assert 'name="lines-3-quantity"' in html
    assert re.search(r'name="lines-TOTAL_FORMS"[^>]*value="4"[^>]*hx-swap-oob', html)
    assert "<html" not in html


def test_price_quote_tells_where_the_price_comes_from(chain, client_for):
    o2, lo2, _ar = chain.products
    unlisted = ProductFactory(sku="T-N2")
    CustomerPrice.objects.create(
        customer=chain.customer, product=o2, price=Decimal("28.50"), valid_from=dt.date(2020, 1, 1)
    )
    client = client_for(chain.clerk)

    def quote(product):
        return client.get(
            "/orders/new/price/",
            {"customer": chain.customer.pk, "prefix": "lines-0", "lines-0-product": product.pk},
        )

    customer_price = quote(o2).content.decode()
    list_price = quote(lo2).content.decode()
    not_on_list = quote(unlisted).content.decode()
    assert 'data-source="customer"' in customer_price and 'data-price="28.50"' in customer_price
    assert 'data-min="27.00"' in customer_price  # the list's minimum still shows
    assert 'data-source="list"' in list_price and 'data-price="1.50"' in list_price
    assert 'data-source="none"' in not_on_list and 'data-price=""' in not_on_list


# Lists and access ---------------------------------------------------------------------------


def test_order_list_filters_by_status_and_searches(chain, client_for):
    draft = chain.order(submit=False)
    approved = chain.order()
    client = client_for(chain.clerk)

    drafts = client.get("/orders/", {"status": "draft"}).context["page"].object_list
    found = client.get("/orders/", {"q": approved.number}).context["page"].object_list

    assert list(drafts) == [draft]
    assert list(found) == [approved]
    partial = client.get("/orders/", {"q": draft.number}, HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode()
    assert draft.number in partial.content.decode()
    assert approved.number not in partial.content.decode()


def _list_queries(client, django_assert_max_num_queries, budget):
    with django_assert_max_num_queries(budget):
        response = client.get("/orders/")
    assert response.status_code == 200
    return response


def test_order_list_queries_do_not_grow_with_rows(chain, client_for, django_assert_max_num_queries):
    client = client_for(chain.clerk)
    for _ in range(3):
        chain.order(("1",), submit=False)
    # Measure the small page, then hold the big one to the same number.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get("/orders/")
    for _ in range(27):
        chain.order(("1",), submit=False)

    response = _list_queries(client, django_assert_max_num_queries, len(small.captured_queries))

    assert len(response.context["page"].object_list) == 25


def test_approval_queue_queries_do_not_grow_with_rows(
    chain, client_for, django_assert_max_num_queries
):
    client = client_for(chain.manager)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):
        chain.order(("1",), prices=[Decimal("1.00")])
    with CaptureQueriesContext(connection) as small:
        client.get("/orders/approvals/")
    for _ in range(10):
        chain.order(("1",), prices=[Decimal("1.00")])
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get("/orders/approvals/")
    assert len(response.context["page"].object_list) == 12


ORDER_PAGES = [
    ("get", "/orders/"),
    ("get", "/orders/new/"),
    ("get", "/orders/new/line/?lines-TOTAL_FORMS=1"),
    ("get", "/orders/new/price/?customer={c}&product={p}"),
    ("get", "/orders/approvals/"),
    ("get", "/orders/{o}/"),
    ("get", "/orders/{o}/edit/"),
    ("get", "/orders/{a}/issue/"),
    ("post", "/orders/{a}/issue/"),
    ("post", "/orders/{o}/submit/"),
    ("post", "/orders/{o}/cancel/"),
    ("post", "/orders/{w}/approve/"),
    ("post", "/orders/{w}/reject/"),
]


@pytest.mark.parametrize("method,url", ORDER_PAGES)
@pytest.mark.parametrize("role", ["guard", "keeper"])
def test_guard_and_keeper_are_refused_every_order_page(method, url, role, chain, guard, client_for):
    draft = chain.order(submit=False)
    approved = chain.order()
    waiting = chain.order(prices=[Decimal("1.00")])
    user = {"guard": guard, "keeper": chain.keeper}[role]
    url = url.format(
        c=chain.customer.pk, p=chain.products[0].pk, o=draft.pk, a=approved.pk, w=waiting.pk
    )

    response = getattr(client_for(user), method)(url)

    assert response.status_code == 403
    assert SalesOrder.objects.get(pk=draft.pk).status == OrderStatus.DRAFT
    assert SalesOrder.objects.get(pk=waiting.pk).status == OrderStatus.SUBMITTED
    assert not DeliveryNote.objects.exists()


@pytest.mark.parametrize(
    "url,allowed",
    [
        ("/orders/", {"clerk", "finance", "manager"}),
        ("/orders/new/", {"clerk", "manager"}),
        ("/orders/approvals/", {"manager"}),
        ("/orders/{o}/", {"clerk", "finance", "manager"}),
        ("/orders/{o}/issue/", {"clerk", "manager"}),
    ],
)
def test_each_role_reaches_only_its_order_pages(url, allowed, chain, guard, client_for):
    order = chain.order()
    users = {
        "clerk": chain.clerk,
        "finance": chain.finance,
        "keeper": chain.keeper,
        "guard": guard,
        "manager": chain.manager,
    }
    for role, user in users.items():
        response = client_for(user).get(url.format(o=order.pk))
        assert response.status_code == (200 if role in allowed else 403), role


def test_anonymous_user_is_sent_to_log_in(chain, client):
    order = chain.order()
    for url in ("/orders/", f"/orders/{order.pk}/", "/orders/approvals/", "/orders/new/line/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")


# Issue 12: a price below the minimum is approved only with a comment; a prepaid
# customer's uncovered order is told at submit.


def test_approving_below_the_minimum_without_a_comment_is_refused(chain, waiting, client_for):
    client = client_for(chain.manager)
    page = client.get(f"/orders/{waiting.pk}/").content.decode()
    assert "Comment (required: a price is below the minimum)" in page

    response = client.post(f"/orders/{waiting.pk}/approve/", {"comment": " "})

    waiting.refresh_from_db()
    assert response.status_code == 302
    assert waiting.status == OrderStatus.SUBMITTED
    assert "A price is below the minimum: say why you approve it." in _messages(response)

    client.post(f"/orders/{waiting.pk}/approve/", {"comment": "老客户"})
    waiting.refresh_from_db()
    assert waiting.status == OrderStatus.APPROVED


def test_the_approval_queue_asks_for_a_comment_below_the_minimum(chain, waiting, client_for):
    html = client_for(chain.manager).get("/orders/approvals/").content.decode()
    assert "Comment (required: a price is below the minimum)" in html


def test_submit_page_says_a_prepaid_customer_must_still_pay(chain, client_for):
    from customers.enums import CreditTerms
    from tests.factories import CustomerFactory

    prepaid = CustomerFactory(credit_terms=CreditTerms.PREPAID, credit_limit=Decimal("0.00"))
    order = chain.order(customer=prepaid, submit=False)

    response = client_for(chain.clerk).post(f"/orders/{order.pk}/submit/")

    order.refresh_from_db()
    assert order.status == OrderStatus.APPROVED
    assert any(
        "the prepayment does not cover this order: 850.00 more must be paid" in m
        for m in _messages(response)
    )


def test_the_issue_form_proposes_the_warehouse_that_has_the_goods(chain, client_for):
    from tests.chain import receive_stock
    from tests.factories import WarehouseFactory

    # Given an empty warehouse first by code, and one with only part of the oxygen.
    WarehouseFactory(code="A-EMPTY", name="空仓库")
    partial = WarehouseFactory(code="B-PART", name="部分仓库")
    receive_stock(product=chain.products[0], warehouse=partial, quantity="3", user=chain.keeper)
    order = chain.order()  # 10 oxygen, 100 kg liquid oxygen, 5 argon

    response = client_for(chain.clerk).get(f"/orders/{order.pk}/issue/")

    assert response.context["form"]["warehouse"].value() == chain.warehouse.pk
    table = response.context["availability"]
    assert [w["warehouse"].code for w in table] == [chain.warehouse.code, "B-PART", "A-EMPTY"]
    assert [c["enough"] for c in table[1]["cells"]] == [False, False, False]
    assert table[0]["covers_all"] is True
    html = response.content.decode()
    assert 'id="warehouse-availability"' in html and "部分仓库" in html


def test_the_issue_form_keeps_the_warehouse_the_clerk_chose(chain, client_for):
    from tests.factories import WarehouseFactory

    other = WarehouseFactory(code="Z-OTHER")
    order = chain.order()

    response = client_for(chain.clerk).post(
        f"/orders/{order.pk}/issue/", {"warehouse": other.pk, "vehicle_plate": "", "driver": ""}
    )

    # Nothing is in stock there: refused, and the form still shows the clerk's choice.
    assert response.status_code == 200
    assert response.context["form"]["warehouse"].value() == str(other.pk)
