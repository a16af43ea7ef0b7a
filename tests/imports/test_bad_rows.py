"""Every reason a row is refused: the dry run and the real run list each bad
row with its row number, column and reason, and import nothing at all."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from customers.models import Customer
from finance.models import Invoice
from inventory.models import Product, StockLevel, StockMove
from orders.models import PriceList
from portal.imports import BY_KEY, import_file
from salesadmin.clock import company_today
from salesadmin.errors import ApplicationError
from tests.factories import BatchFactory, CustomerFactory, ProductFactory, WarehouseFactory
from tests.imports.sheets import csv_bytes, xlsx

pytestmark = pytest.mark.django_db

TODAY = company_today()
DAY = dt.timedelta(days=1)


def run(kind, header, rows, user, *, dry_run=False):
    return import_file(
        kind=BY_KEY[kind],
        content=xlsx(header, rows),
        filename="x.xlsx",
        user=user,
        dry_run=dry_run,
    )


CUSTOMER = ["code", "name", "trading_since", "credit_terms", "credit_limit", "salesperson"]
CUSTOMER += ["contact_name", "contact_phone", "contact_email"]
GOOD_CUSTOMER = ["C100", "Good Co", "2020-01-01", None, None, None, "A", None, None]

CUSTOMER_CASES = [
    (["", "No code", "2020-01-01"], "code", "This column is required."),
    (["C1", "", "2020-01-01"], "name", "This column is required."),
    (["C1", "X" * 201, "2020-01-01"], "name", "At most 200 characters."),
    (["C1", "Bad date", "31/12/2020x"], "trading_since", "Enter the date as YYYY-MM-DD."),
    (["C1", "X", "2020-01-01", "weekly", 100], "credit_terms", "Unknown value; use one of"),
    (["C1", "X", "2020-01-01", "monthly"], "", "Give both the credit terms and the credit limit"),
    (["C1", "X", "2020-01-01", "monthly", "1.234"], "credit_limit", "at most two decimal"),
    (["C1", "X", "2020-01-01", "monthly", -5], "credit_limit", "cannot be negative"),
    (["C1", "X", "2020-01-01", None, None, "nobody"], "salesperson", "No active user"),
    (["C1", "X", "2020-01-01", *[None] * 5, "not-an-email"], "contact_email", "valid e-mail"),
    (["C1", "X", "2020-01-01", *[None] * 4, "138"], "contact_name", "A contact needs a name."),
]


@pytest.mark.parametrize(("row", "column", "reason"), CUSTOMER_CASES)
@pytest.mark.parametrize("dry_run", [True, False])
def test_a_bad_customer_row_is_listed_and_nothing_imported(manager, row, column, reason, dry_run):
    result = run("customers", CUSTOMER, [GOOD_CUSTOMER, row], manager, dry_run=dry_run)
    assert [(e.row, e.column) for e in result.errors] == [(3, column)]
    assert reason in result.errors[0].message
    assert not result.imported
    assert not Customer.objects.exists()


def test_only_a_manager_imports_credit_terms(clerk):
    rows = [GOOD_CUSTOMER, ["C2", "Terms", "2020-01-01", "monthly", 1000]]
    result = run("customers", CUSTOMER, rows, clerk)
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (3, "credit_terms", "Only a manager may set credit terms.")
    ]
    result = run("customers", CUSTOMER, [GOOD_CUSTOMER], clerk)
    assert result.imported and Customer.objects.get().credit_terms_custom is False


PRODUCT = ["sku", "name", "unit", "unit_weight", "weighed"]
PRODUCT_CASES = [
    (["P2", "X", ""], "unit", "This column is required."),
    (["P2", "X", "box"], "unit", "Unknown value"),
    (["P2", "X", "kg", -1], "unit_weight", "Cannot be negative."),
    (["P2", "X", "kg", 1.5, "maybe"], "weighed", "Enter yes or no."),
    (["P1", "Again", "kg"], "", "The same SKU as row 2."),
]


@pytest.mark.parametrize(("row", "column", "reason"), PRODUCT_CASES)
def test_a_bad_product_row_is_listed_and_nothing_imported(manager, row, column, reason):
    result = run("products", PRODUCT, [["P1", "Good", "kg"], row], manager)
    assert [(e.row, e.column) for e in result.errors] == [(3, column)]
    assert reason in result.errors[0].message
    assert not Product.objects.exists()


STOCK = ["warehouse", "sku", "batch", "produced_on", "quantity"]


@pytest.fixture
def stock_world(db):
    WarehouseFactory(code="WH1")
    closed = WarehouseFactory(code="OLD", active=False)
    WarehouseFactory(code="HELD", holds_for=WarehouseFactory(code="WH2"))
    product = ProductFactory(sku="P1")
    BatchFactory(product=product, number="KNOWN", produced_on=dt.date(2025, 1, 1))
    return closed


STOCK_CASES = [
    (["NOPE", "P1", "B2", "2025-01-01", 1], "warehouse", "No warehouse with this code."),
    (["OLD", "P1", "B2", "2025-01-01", 1], "warehouse", "closed or a held location"),
    (["HELD", "P1", "B2", "2025-01-01", 1], "warehouse", "closed or a held location"),
    (["WH1", "NOPE", "B2", "2025-01-01", 1], "sku", "No product with this SKU."),
    (["WH1", "P1", "B2", "2025-01-01", 0], "quantity", "must be positive"),
    (["WH1", "P1", "B2", "2025-01-01", "1.0005"], "quantity", "three decimal places"),
    (["WH2", "P1", "B1", "2025-02-02", 1], "produced_on", "Row 2 gives this batch another"),
    (["WH1", "P1", "KNOWN", "2025-02-02", 1], "produced_on", "was produced on 2025-01-01"),
    (["WH1", "P1", "B1", "2025-01-01", 5], "", "The same warehouse, SKU and batch as row 2."),
]


@pytest.mark.parametrize(("row", "column", "reason"), STOCK_CASES)
def test_a_bad_stock_row_is_listed_and_nothing_imported(keeper, stock_world, row, column, reason):
    result = run("opening_stock", STOCK, [["WH1", "P1", "B1", "2025-01-01", 10], row], keeper)
    assert [(e.row, e.column) for e in result.errors] == [(3, column)]
    assert reason in result.errors[0].message
    assert not StockMove.objects.exists()
    assert not StockLevel.objects.filter(on_hand__gt=0).exists()


def test_opening_stock_imported_again_with_another_quantity_is_refused(keeper, stock_world):
    assert run("opening_stock", STOCK, [["WH1", "P1", "B1", "2025-01-01", 10]], keeper).imported
    result = run("opening_stock", STOCK, [["WH1", "P1", "B1", "2025-01-01", 12]], keeper)
    assert [(e.row, e.column) for e in result.errors] == [(2, "quantity")]
    assert "already imported as 10" in result.errors[0].message
    assert StockLevel.objects.get().on_hand == Decimal("10.000")


PRICE_LIST = ["list_code", "list_name", "valid_from", "valid_to", "sku", "standard_price"]
PRICE_LIST += ["minimum_price"]
PRICE_LIST_CASES = [
    (["L1", "List", "2026-01-01", None, "NOPE", 1], "sku", "No product with this SKU."),
    (["L1", "List", "2026-01-01", "2025-01-01", "P2", 1], "valid_to", "before the start"),
    (["L1", "List", "2026-01-01", None, "P2", 10, 11], "minimum_price", "above the standard"),
    (["L1", "List", "2026-01-01", None, "P2", -1], "", "cannot be negative"),
    (["L1", "Other", "2026-01-01", None, "P2", 1], "", "Row 2 gives this price list another"),
    (["L1", "List", "2026-01-01", None, "P1", 1], "", "The same price list and SKU as row 2."),
]


@pytest.mark.parametrize(("row", "column", "reason"), PRICE_LIST_CASES)
def test_a_bad_price_list_row_is_listed_and_nothing_imported(manager, row, column, reason):
    ProductFactory(sku="P1")
    ProductFactory(sku="P2")
    good = ["L1", "List", "2026-01-01", None, "P1", 10, 9]
    result = run("price_lists", PRICE_LIST, [good, row], manager)
    assert [(e.row, e.column) for e in result.errors] == [(3, column)]
    assert reason in result.errors[0].message
    assert not PriceList.objects.exists()


CUSTOMER_PRICE = ["customer", "sku", "price", "valid_from", "valid_to"]
CUSTOMER_PRICE_CASES = [
    (["NOPE", "P1", 5, "2026-01-01"], "customer", "No customer with this code."),
    (["C1", "NOPE", 5, "2026-01-01"], "sku", "No product with this SKU."),
    (["C1", "P1", -5, "2026-02-01"], "price", "cannot be negative"),
    (["C1", "P1", 5, "2026-02-01", "2026-01-01"], "valid_to", "before the start"),
    (["C1", "P1", 6, "2026-01-01"], "", "The same customer, SKU and start date as row 2."),
]


@pytest.mark.parametrize(("row", "column", "reason"), CUSTOMER_PRICE_CASES)
def test_a_bad_customer_price_row_is_listed(manager, row, column, reason):
    CustomerFactory(code="C1")
    ProductFactory(sku="P1")
    result = run("customer_prices", CUSTOMER_PRICE, [["C1", "P1", 5, "2026-01-01"], row], manager)
    assert [(e.row, e.column) for e in result.errors] == [(3, column)]
    assert reason in result.errors[0].message


RECEIVABLE = ["customer", "invoice_number", "invoice_date", "due_date", "amount"]
RECEIVABLE_CASES = [
    (["NOPE", "F2", TODAY, TODAY, 5], "customer", "No customer with this code."),
    (["C1", "F2", TODAY, TODAY, 0], "amount", "must be positive"),
    (["C1", "F2", TODAY, TODAY - DAY, 5], "due_date", "before the invoice date"),
    (["C1", "F2", TODAY + DAY, TODAY + DAY, 5], "invoice_date", "in the future"),
    (["C1", "F1", TODAY, TODAY, 5], "", "The same invoice number as row 2."),
    (["C1", "INV-OLD", TODAY, TODAY, 5], "invoice_number", "already exists with other"),
]


@pytest.mark.parametrize(("row", "column", "reason"), RECEIVABLE_CASES)
def test_a_bad_receivable_row_is_listed_and_nothing_booked(finance, row, column, reason):
    customer = CustomerFactory(code="C1")
    Invoice.objects.create(
        number="INV-OLD",
        customer=customer,
        period_start=TODAY,
        period_end=TODAY,
        issue_date=TODAY,
        due_date=TODAY,
        amount=Decimal("9.00"),
    )
    result = run("opening_receivables", RECEIVABLE, [["C1", "F1", TODAY, TODAY, 5], row], finance)
    assert [(e.row, e.column) for e in result.errors] == [(3, column)]
    assert reason in result.errors[0].message
    assert Invoice.objects.count() == 1


def test_all_bad_rows_are_listed_at_once(manager):
    rows = [["", "X", "2020-01-01"], ["C2", "", "2020-01-01"], ["C3", "X", "bad"]]
    result = run("customers", CUSTOMER, rows, manager, dry_run=True)
    assert [(e.row, e.column) for e in result.errors] == [
        (2, "code"),
        (3, "name"),
        (4, "trading_since"),
    ]


@pytest.mark.parametrize(
    ("content", "name", "code"),
    [
        (b"not a workbook", "x.xlsx", "unreadable"),
        (b"a,b\n", "x.pdf", "unsupported_format"),
        (b"", "x.csv", "empty_file"),
        (b"code,name\nC1,X\n", "x.csv", "missing_columns"),
        (b"\xff\xfe\xfa\xfb\x00\xff", "x.csv", "unreadable"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_with_a_code(manager, content, name, code):
    with pytest.raises(ApplicationError) as refused:
        import_file(
            kind=BY_KEY["customers"], content=content, filename=name, user=manager, dry_run=True
        )
    assert refused.value.code == code


def test_a_file_with_only_a_header_has_no_rows_to_import(manager):
    result = run("customers", CUSTOMER, [], manager)
    assert not result.ok and "no data rows" in result.errors[0].message


def test_csv_from_a_chinese_excel_and_chinese_headers_are_read(manager):
    """Excel in China saves CSV as GB18030; the header may be the Chinese labels."""
    with translation.override("zh-hans"):
        labels = [str(c.label) for c in BY_KEY["customers"].columns[:3]]
    content = csv_bytes(labels, [["C9", "湖州客户", "2021-03-04"]], "gb18030")
    result = import_file(
        kind=BY_KEY["customers"], content=content, filename="k.CSV", user=manager, dry_run=False
    )
    assert result.imported, result.errors
    assert Customer.objects.get(code="C9").name == "湖州客户"


def test_product_flags_and_cost_are_imported_and_kept_when_absent(manager):
    header = [*PRODUCT[:3], "non_standard", "never_produced", "is_tool", "standard_cost"]
    result = run("products", header, [["T1", "模具", "pc", "yes", "yes", "yes", 85.5]], manager)
    assert not result.errors
    tool = Product.objects.get(sku="T1")
    assert (tool.non_standard, tool.never_produced, tool.is_tool) == (True, True, True)
    assert tool.standard_cost == Decimal("85.50")

    # A later sheet without those columns renames it and leaves the flags and cost alone.
    assert not run("products", PRODUCT[:3], [["T1", "模具A", "pc"]], manager).errors
    tool.refresh_from_db()
    assert tool.name == "模具A"
    assert (tool.non_standard, tool.never_produced, tool.is_tool) == (True, True, True)
    assert tool.standard_cost == Decimal("85.50")


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [("is_tool", "perhaps", "Enter yes or no."), ("standard_cost", -1, "Cannot be negative.")],
)
def test_a_bad_product_flag_or_cost_is_listed(manager, column, value, reason):
    result = run("products", [*PRODUCT[:3], column], [["T2", "X", "pc", value]], manager)
    assert [(e.row, e.column) for e in result.errors] == [(2, column)]
    assert reason in result.errors[0].message
    assert not Product.objects.exists()
