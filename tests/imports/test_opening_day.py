"""A company's first day: customers, products, prices, opening stock and opening
receivables imported from hand-made workbooks, then balances, aging, holds and
stock checked as the rest of the system sees them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from customers.enums import CreditTerms
from customers.models import Contact, CreditChange, Customer, CustomerPrice
from finance.aging import aging_report
from finance.models import CustomerBalance, Invoice, ReceivableEntry
from inventory.enums import MoveKind
from inventory.models import BatchLevel, Product, StockLevel, StockMove
from orders.models import PriceList, PriceListItem
from orders.services.pricing import price_quote
from portal.imports import BY_KEY, import_file
from salesadmin.clock import company_today
from tests.factories import WarehouseFactory
from tests.imports.sheets import PRICE_LIST_COLUMNS, csv_bytes, xlsx

pytestmark = pytest.mark.django_db

TODAY = company_today()
DAY = dt.timedelta(days=1)


def run(kind: str, content: bytes, user, *, dry_run=False, name="sheet.xlsx"):
    return import_file(
        kind=BY_KEY[kind], content=content, filename=name, user=user, dry_run=dry_run
    )


CUSTOMERS = xlsx(
    [
        "code",
        "name",
        "trading_since",
        "address",
        "credit_terms",
        "credit_limit",
        "contact_name",
        "contact_phone",
        "contact_email",
    ],
    [
        # tenure defaults: over three years -> quarterly, 50,000
        [
            "C001",
            "湖州大地气体有限公司",
            dt.datetime(2019, 5, 1),
            "湖州",
            None,
            None,
            "王伟",
            "13800000001",
            "wang@example.com",
        ],
        # a second contact of C001
        [
            "C001",
            "湖州大地气体有限公司",
            dt.datetime(2019, 5, 1),
            "湖州",
            None,
            None,
            "李娜",
            "13800000002",
            None,
        ],
        # terms given by the manager: monthly, 20,000
        ["C002", "安吉焊接厂", "2024-01-15", "安吉", "monthly", 20000, "赵强", None, None],
        # a code typed as a number in Excel
        [3, "Prepaid Trading Co", TODAY - 30 * DAY, "", None, None, None, None, None],
    ],
)

PRODUCTS = xlsx(
    ["sku", "name", "specification", "unit", "standard", "unit_weight", "safety_stock", "weighed"],
    [
        ["O2-40L", "工业氧气", "40L 15MPa", "cyl", "GB/T 3863", 6.5, 50, "no"],
        ["LN2", "液氮", "", "吨", "", 1000, 2.5, "yes"],
    ],
)


def _price_lists():
    return xlsx(
        PRICE_LIST_COLUMNS,
        [
            ["PL2025", "2025 价格表", TODAY - 400 * DAY, TODAY - 1 * DAY, "O2-40L", 30, 28],
            ["PL2026", "2026 价格表", TODAY, None, "O2-40L", 35, 32.5],
            ["PL2026", "2026 价格表", TODAY, None, "LN2", "1200.00", None],
        ],
    )


def _stock(warehouse_code: str):
    return csv_bytes(
        ["warehouse", "sku", "batch", "produced_on", "quantity"],
        [
            [warehouse_code, "O2-40L", "B1", "2025-12-01", "120"],
            [warehouse_code, "O2-40L", "B2", "2025-12-10", "30"],
            [warehouse_code, "LN2", "L1", "2025-12-11", "12.345"],
        ],
    )


def _receivables():
    return xlsx(
        ["customer", "invoice_number", "invoice_date", "due_date", "amount"],
        [
            # C001: one current, one 45 days overdue (31–60, puts on hold: over a month)
            ["C001", "FP-0001", TODAY - 10 * DAY, TODAY + 20 * DAY, 1000],
            ["C001", "FP-0002", TODAY - 75 * DAY, TODAY - 45 * DAY, "2500.50"],
            # C002: 10 days overdue (1–30): aged but no hold
            ["C002", "FP-0003", TODAY - 40 * DAY, TODAY - 10 * DAY, 800],
        ],
    )


def test_a_first_day_import_gives_the_balances_aging_holds_and_stock(manager, finance, keeper):
    warehouse = WarehouseFactory(code="WH1")

    # customers: tenure defaults, a manager's terms, two contacts on one customer
    result = run("customers", CUSTOMERS, manager)
    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    c1, c2, c3 = (Customer.objects.get(code=c) for c in ("C001", "C002", "3"))
    assert (c1.credit_terms, c1.credit_limit, c1.credit_terms_custom) == (
        CreditTerms.QUARTERLY,
        Decimal("50000.00"),
        False,
    )
    assert (c2.credit_terms, c2.credit_limit, c2.credit_terms_custom) == (
        CreditTerms.MONTHLY,
        Decimal("20000.00"),
        True,
    )
    assert c3.credit_terms == CreditTerms.PREPAID
    assert [(c.name, c.is_primary) for c in c1.contacts.all()] == [("王伟", True), ("李娜", False)]
    assert CreditChange.objects.filter(customer=c2, changed_by=manager).count() == 2

    result = run("products", PRODUCTS, manager)
    assert result.ok, result.errors
    ln2 = Product.objects.get(sku="LN2")
    assert (ln2.unit, ln2.weighed, ln2.safety_stock) == ("t", True, Decimal("2.500"))

    result = run("price_lists", _price_lists(), manager)
    assert result.ok, result.errors
    assert PriceList.objects.count() == 2 and PriceListItem.objects.count() == 3
    o2 = Product.objects.get(sku="O2-40L")
    # the version in force today wins; yesterday the old list did
    assert price_quote(customer_id=c1.pk, product_id=o2.pk, on=TODAY).price == Decimal("35.00")
    assert price_quote(customer_id=c1.pk, product_id=o2.pk, on=TODAY - DAY).price == Decimal(
        "30.00"
    )
    assert PriceListItem.objects.get(product=ln2).minimum_price == Decimal("1200.00")

    prices = xlsx(["customer", "sku", "price", "valid_from"], [["C001", "O2-40L", 33, TODAY]])
    assert run("customer_prices", prices, manager).ok
    assert price_quote(customer_id=c1.pk, product_id=o2.pk, on=TODAY).price == Decimal("33.00")
    assert CustomerPrice.objects.count() == 1

    result = run("opening_stock", _stock("WH1"), keeper, name="stock.csv")
    assert result.ok, result.errors
    level = StockLevel.objects.get(product=o2, warehouse=warehouse)
    assert (level.on_hand, level.reserved) == (Decimal("150.000"), Decimal("0.000"))
    assert StockLevel.objects.get(product=ln2).on_hand == Decimal("12.345")
    assert sorted(
        BatchLevel.objects.filter(product=o2).values_list("batch__number", "on_hand")
    ) == [
        ("B1", Decimal("120.000")),
        ("B2", Decimal("30.000")),
    ]
    moves = StockMove.objects.filter(kind=MoveKind.OPENING)
    assert moves.count() == 3 and {m.created_by for m in moves} == {keeper}

    result = run("opening_receivables", _receivables(), finance)
    assert result.ok, result.errors
    assert CustomerBalance.objects.get(customer=c1).balance == Decimal("3500.50")
    assert CustomerBalance.objects.get(customer=c2).balance == Decimal("800.00")
    assert ReceivableEntry.objects.filter(reference="FP-0002", amount=Decimal("2500.50")).exists()
    report = {row.code: row for row in aging_report().rows}
    assert report["C001"].buckets["current"] == Decimal("1000.00")
    assert report["C001"].buckets["days_31_60"] == Decimal("2500.50")
    assert report["C002"].buckets["days_1_30"] == Decimal("800.00")
    c1.refresh_from_db()
    c2.refresh_from_db()
    assert c1.on_credit_hold and c1.credit_hold_auto
    assert not c2.on_credit_hold

    # every kind again: the same files change nothing
    for kind, content, user, name in [
        ("customers", CUSTOMERS, manager, "c.xlsx"),
        ("products", PRODUCTS, manager, "p.xlsx"),
        ("price_lists", _price_lists(), manager, "pl.xlsx"),
        ("customer_prices", prices, manager, "cp.xlsx"),
        ("opening_stock", _stock("WH1"), keeper, "s.csv"),
        ("opening_receivables", _receivables(), finance, "r.xlsx"),
    ]:
        again = run(kind, content, user, name=name)
        assert again.ok, (kind, again.errors)
        assert (again.created, again.updated) == (0, 0), kind
    assert StockLevel.objects.get(product=o2, warehouse=warehouse).on_hand == Decimal("150.000")
    assert CustomerBalance.objects.get(customer=c1).balance == Decimal("3500.50")
    assert Invoice.objects.count() == 3
    assert Contact.objects.count() == 3


def test_a_dry_run_imports_nothing_and_counts_what_the_real_run_would(manager):
    result = run("customers", CUSTOMERS, manager, dry_run=True)
    assert result.ok and result.dry_run and not result.imported
    assert result.created == 3
    assert not Customer.objects.exists()
    assert not CreditChange.objects.exists()


def test_a_change_in_the_file_updates_the_known_rows(manager):
    run("products", PRODUCTS, manager)
    changed = xlsx(["sku", "name", "unit", "safety_stock"], [["LN2", "液氮 (散装)", "t", 3]])
    result = run("products", changed, manager)
    assert (result.created, result.updated) == (0, 1)
    assert Product.objects.get(sku="LN2").safety_stock == Decimal("3.000")
