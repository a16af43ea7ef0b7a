"""Prepare the database for bench/lifecycle.py: a customer with room for many
lifecycles and plenty of stock, on top of the demo data. Idempotent."""

import json
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from customers.models import Customer
from customers.services import customer_create, customer_set_credit_terms
from finance.services import payment_record
from inventory.enums import MoveKind
from inventory.models import Batch, Product, StockLevel, Warehouse
from inventory.services import stock_move_record
from salesadmin.clock import company_today

BENCH_PRODUCTS = ["CYL-O2-40L", "LO2-996", "CYL-AR-40L"]
STOCK = Decimal("100000000")
BENCH_CUSTOMERS = 8
PREPAYMENT = Decimal("1000000000.00")


class Command(BaseCommand):
    help = "Create the benchmark customer and stock (runs demo_data first)."

    def handle(self, *args, **options):
        call_command("demo_data", stdout=open("/dev/null", "w"))  # noqa: SIM115
        User = get_user_model()
        manager = User.objects.get(username="manager")
        keeper = User.objects.get(username="keeper")
        with transaction.atomic():
            # One customer per concurrent client (clerks serve different
            # customers at once); bench/lifecycle.py --one-customer shares one.
            customers = [
                self._customer(code, manager)
                for code in ["BENCH"] + [f"BENCH-{i}" for i in range(2, BENCH_CUSTOMERS + 1)]
            ]
            # One warehouse, so one note can carry all three lines.
            warehouses = dict.fromkeys(BENCH_PRODUCTS, "WH2")
            # Prepaid customers for the invoiced lifecycle (bench/lifecycle.py
            # --invoiced): each dispatch issues an invoice at once, settled
            # from a prepayment large enough for any run.
            finance = User.objects.get(username="finance")
            prepaid = [
                self._prepaid_customer(f"BENCH-PRE-{i}", manager, finance)
                for i in range(1, BENCH_CUSTOMERS + 1)
            ]
            out = {
                "customer": customers[0].pk,
                "customers": [c.pk for c in customers],
                "prepaid_customers": [c.pk for c in prepaid],
                "products": [],
            }
            for sku in BENCH_PRODUCTS:
                product = Product.objects.get(sku=sku)
                warehouse = Warehouse.objects.get(code=warehouses[sku])
                batch, _ = Batch.objects.get_or_create(
                    product=product, number="BENCH-STOCK", defaults={"produced_on": company_today()}
                )
                level = StockLevel.objects.filter(product=product, warehouse=warehouse).first()
                available = (level.on_hand - level.reserved) if level else Decimal("0")
                if available < STOCK / 2:
                    stock_move_record(
                        kind=MoveKind.PRODUCTION_RECEIPT,
                        product=product,
                        warehouse=warehouse,
                        batch=batch,
                        quantity=STOCK,
                        user=keeper,
                        reference="BENCH-STOCK",
                    )
                out["products"].append(
                    {"id": product.pk, "sku": sku, "warehouse": warehouse.pk, "batch": batch.pk}
                )
        # Start from a vacuumed, analysed database, as autovacuum keeps a live one:
        # earlier runs leave dead row versions behind (every transition rewrites a
        # row), and a server with autovacuum off (test machines) would measure them.
        if not connection.in_atomic_block:  # VACUUM cannot run in a transaction
            with connection.cursor() as cursor:
                cursor.execute("VACUUM (ANALYZE)")
        self.stdout.write(json.dumps(out))

    @staticmethod
    def _existing_or_new(code: str, manager, **fields) -> tuple[Customer, bool]:
        customer = Customer.objects.filter(code=code).first()
        if customer is not None:
            return customer, False
        return customer_create(user=manager, code=code, **fields), True

    def _customer(self, code: str, manager) -> Customer:
        customer, _new = self._existing_or_new(
            code,
            manager,
            name=f"基准测试客户有限公司 {code}",
            trading_since=company_today().replace(year=2015),
        )
        if customer.credit_limit < Decimal("900000000000"):
            customer_set_credit_terms(
                customer=customer,
                user=manager,
                terms="quarterly",
                limit=Decimal("999999999999.99"),
                reason="benchmark",
            )
        return customer

    def _prepaid_customer(self, code: str, manager, finance) -> Customer:
        # A new customer: prepaid by tenure (DESIGN.md, credit terms).
        customer, new = self._existing_or_new(
            code, manager, name=f"基准测试预付客户 {code}", trading_since=company_today()
        )
        if new:
            payment_record(
                customer=customer, amount=PREPAYMENT, user=finance, reference=f"{code}-PREPAY"
            )
        return customer
