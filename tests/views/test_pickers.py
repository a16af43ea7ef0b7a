"""The searchable pickers' endpoints: who may ask, what matches, and a query count
that stays the same from 10 to 10,000 rows."""

from __future__ import annotations

import copy

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from customers.models import Customer
from inventory.models import Batch, Product
from orders.models import DeliveryNote
from tests.chain import Chain
from tests.factories import BatchFactory, CustomerFactory, ProductFactory
from tests.imports.test_bad_rows import run as run_import

pytestmark = pytest.mark.django_db


def _queries(client, url: str) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries), response.json()


def _more_customers(n: int, tag: str) -> None:
    Customer.objects.bulk_create(
        (CustomerFactory.build(code=f"{tag}{i:05d}", name=f"批量客户{i}") for i in range(n)),
        batch_size=2000,
    )


def _more_products(n: int, tag: str) -> None:
    Product.objects.bulk_create(
        (ProductFactory.build(sku=f"{tag}-{i:05d}", name=f"批量产品{i}") for i in range(n)),
        batch_size=2000,
    )


def _more_batches(n: int, tag: str) -> None:
    product = ProductFactory()
    Batch.objects.bulk_create(
        (BatchFactory.build(product=product, number=f"BULK{tag}{i:05d}") for i in range(n)),
        batch_size=2000,
    )


def _more_notes(n: int, template: DeliveryNote, tag: str) -> None:
    clones = []
    for i in range(n):
        clone = copy.copy(template)
        clone.pk = None
        clone.number = f"DNBULK-{tag}{i:06d}"
        clone.pass_code = f"{tag}{i:08d}"
        clones.append(clone)
    DeliveryNote.objects.bulk_create(clones, batch_size=2000)


PICKERS = {
    "customers": ("/pickers/customers/?q=批量", _more_customers),
    "products": ("/pickers/products/?q=批量", _more_products),
    "batches": ("/pickers/batches/?q=BULK", _more_batches),
}


@pytest.mark.parametrize("kind", sorted(PICKERS))
def test_picker_query_count_is_the_same_at_10_and_10000_rows(kind, manager, client_for):
    url, grow = PICKERS[kind]
    client = client_for(manager)
    grow(10, "A")
    at_10, answer_10 = _queries(client, url)
    grow(9_990, "B")
    at_10000, answer_10000 = _queries(client, url)
    assert at_10 == at_10000
    assert len(answer_10["results"]) == 10
    assert len(answer_10000["results"]) == 20  # the first page of matches only


def test_note_picker_query_count_is_the_same_at_10_and_10000_notes(
    clerk, finance, keeper, manager, client_for
):
    chain = Chain(clerk=clerk, finance=finance, keeper=keeper, manager=manager)
    note = chain.note()
    client = client_for(clerk)
    _more_notes(10, note, "A")
    at_10, answer_10 = _queries(client, "/pickers/notes/?q=DNBULK")
    _more_notes(9_990, note, "B")
    at_10000, answer_10000 = _queries(client, "/pickers/notes/?q=DNBULK")
    assert at_10 == at_10000
    assert len(answer_10["results"]) == 10
    assert len(answer_10000["results"]) == 20


def test_customer_picker_finds_part_of_a_chinese_name_and_a_code(clerk, client_for):
    CustomerFactory(code="AJ001", name="安吉县孝丰大地气体有限公司")
    CustomerFactory(code="HZ002", name="杭州钢铁厂")
    client = client_for(clerk)
    by_name = client.get("/pickers/customers/?q=孝丰").json()["results"]
    assert [r["text"] for r in by_name] == ["AJ001 安吉县孝丰大地气体有限公司"]
    by_code = client.get("/pickers/customers/?q=hz0").json()["results"]
    assert [r["text"] for r in by_code] == ["HZ002 杭州钢铁厂"]


def test_inactive_customers_and_products_are_not_offered(clerk, client_for):
    CustomerFactory(code="OLD1", name="旧客户", active=False)
    ProductFactory(sku="OLD-P", name="旧产品", active=False)
    client = client_for(clerk)
    assert client.get("/pickers/customers/?q=旧").json()["results"] == []
    assert client.get("/pickers/products/?q=旧").json()["results"] == []


def test_product_picker_carries_the_unit(clerk, client_for):
    ProductFactory(sku="O2-40L", name="氧气", specification="40L")
    [row] = client_for(clerk).get("/pickers/products/?q=氧").json()["results"]
    assert row["text"] == "O2-40L 氧气 40L"
    assert row["unit"]


def test_batch_picker_narrows_to_one_product(keeper, client_for):
    one, other = ProductFactory(), ProductFactory()
    BatchFactory(product=one, number="20261101-01")
    BatchFactory(product=other, number="20261101-02")
    rows = client_for(keeper).get(f"/pickers/batches/?q=20261101&product={one.pk}").json()
    assert [r["text"].split(" · ")[0] for r in rows["results"]] == ["20261101-01"]


def test_note_picker_hides_the_customer_from_who_may_not_see_customers(
    clerk, finance, keeper, manager, client_for
):
    chain = Chain(clerk=clerk, finance=finance, keeper=keeper, manager=manager)
    note = chain.note()
    [for_clerk] = client_for(clerk).get("/pickers/notes/?q=保密").json()["results"]
    assert for_clerk == {"value": note.number, "text": f"{note.number} · 安吉县保密客户有限公司"}
    # The keeper sees notes but not customers: no name, and no search by name.
    assert client_for(keeper).get("/pickers/notes/?q=保密").json()["results"] == []
    [for_keeper] = client_for(keeper).get(f"/pickers/notes/?q={note.number}").json()["results"]
    assert for_keeper == {"value": note.number, "text": note.number}


def test_note_picker_filters_by_status(clerk, finance, keeper, manager, client_for):
    chain = Chain(clerk=clerk, finance=finance, keeper=keeper, manager=manager)
    chain.note()
    client = client_for(clerk)
    assert client.get("/pickers/notes/?status=exited").json()["results"] == []
    assert len(client.get("/pickers/notes/?status=issued,nonsense").json()["results"]) == 1


@pytest.mark.parametrize(
    "url",
    ["/pickers/customers/", "/pickers/products/", "/pickers/batches/", "/pickers/notes/"],
)
def test_the_gate_guard_may_not_use_the_pickers(url, guard, client_for):
    assert client_for(guard).get(url).status_code == 403


def test_anonymous_users_are_sent_to_log_in(client):
    response = client.get("/pickers/customers/?q=x")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_pickers_answer_only_get(clerk, client_for):
    assert client_for(clerk).post("/pickers/customers/").status_code == 405


def test_pickers_find_pinyin_initials(clerk, client_for):
    CustomerFactory(code="AJ001", name="安吉县孝丰大地气体有限公司")
    CustomerFactory(code="HZ002", name="杭州钢铁厂")
    CustomerFactory(code="CQ003", name="重庆长安气体")
    ProductFactory(sku="LOX", name="液氧", specification="")
    ProductFactory(sku="O2-40L", name="氧气")
    client = client_for(clerk)

    def texts(kind, q):
        return [r["text"] for r in client.get(f"/pickers/{kind}/?q={q}").json()["results"]]

    assert texts("customers", "ajx") == ["AJ001 安吉县孝丰大地气体有限公司"]
    assert texts("customers", "HZGT") == ["HZ002 杭州钢铁厂"]  # any case
    # A character with two readings is read in its phrase: 重庆 is Chongqing.
    assert texts("customers", "cqca") == ["CQ003 重庆长安气体"]
    assert texts("customers", "zqca") == []
    assert texts("products", "yy") == ["LOX 液氧"]


def test_initials_follow_a_renamed_customer_and_an_imported_product(manager):
    customer = CustomerFactory(name="杭州钢铁厂")
    customer.name = "宁波港"
    customer.save(update_fields=["name"])
    customer.refresh_from_db()
    assert customer.name_initials == "nbg"

    result = run_import("products", ["sku", "name", "unit"], [["P9", "二氧化碳", "kg"]], manager)
    assert not result.errors
    assert Product.objects.get(sku="P9").name_initials == "eyht"


def test_the_migration_fills_the_initials_of_existing_rows():
    from django.apps import apps

    from salesadmin.pinyin import fill_initials

    customer = CustomerFactory(name="宁波港")
    Customer.objects.filter(pk=customer.pk).update(name_initials="")  # a row from before

    fill_initials("customers", "Customer")(apps, None)

    customer.refresh_from_db()
    assert customer.name_initials == "nbg"
