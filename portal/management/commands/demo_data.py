"""Load a realistic demo data set: users for every role, products, the 2026
price list, customers with their own prices, opening stock and a few months of
receivables history (the data itself is in portal/demo/).

Safe to run again: every row is keyed on its natural key (username, code, SKU,
batch number), so a second run finds everything in place and changes nothing.
Customers, credit and stock go through the real services, so the credit log
and the stock ledger look exactly as if people had entered them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from customers.models import Customer, CustomerPrice
from customers.services import (
    customer_create,
    customer_set_credit_hold,
    customer_set_credit_terms,
)
from inventory.enums import MoveKind, Unit
from inventory.models import Location, Product, StockMove, Warehouse
from inventory.selectors import stock_overview
from inventory.services import production_receipt_record
from orders.models import PriceList, PriceListItem
from portal.demo.catalogue import (
    BULK_WAREHOUSE,
    CYLINDER_WAREHOUSE,
    LOCATIONS,
    OPENING_STOCK_NOTE,
    PRICE_LIST_CODE,
    PRICE_LIST_NAME,
    PRICES,
    PRICES_VALID_FROM,
    PRODUCTS,
    STOCK,
    WAREHOUSES,
)
from portal.demo.customers import (
    CREDIT_HOLD_CODES,
    CREDIT_HOLD_REASON,
    CUSTOM_TERMS,
    CUSTOMER_PRICES,
    CUSTOMERS,
)
from portal.demo.people import PASSWORD, ROLE_TITLES, USERS, site_url
from portal.demo.receivables import demo_receivables
from sales.demo import load_demo_quotations, load_demo_targets
from salesadmin.clock import company_today
from salesadmin.roles import Role, role_group_name


def _batch_produced_on(batch_number: str) -> dt.date:
    return dt.datetime.strptime(batch_number[:8], "%Y%m%d").date()


class Command(BaseCommand):
    help = "Load demo users, products, prices, customers and opening stock (safe to re-run)."

    def handle(self, *args, **options):
        # One transaction: a failure leaves the database as it was.
        with transaction.atomic():
            users = self._users()
            warehouses = self._warehouses()
            products = self._products()
            self._price_list(products)
            self._customers(users)
            self._customer_prices(products)
            self._opening_stock(products, warehouses, keeper=users["keeper"])
            demo_receivables(self, users, products, warehouses)
            self._returns(users)
            self._contracts(users)
            self._outbound(users, warehouses)
            quotations = load_demo_quotations()
            self._report("Quotations", quotations, quotations)
            targets = load_demo_targets()
            self._report("Sales targets", targets, targets)
        self._print_logins()

    def _returns(self, users: dict) -> None:
        """Returns and allowances in each state (issue 10); the demo manager is
        a department head, ``gm`` the general manager."""
        from portal.demo.returns import demo_approvers, demo_returns

        demo_approvers(manager=users["manager"], general_manager=users["gm"])
        made, allowances = demo_returns(
            clerk=users["clerk"],
            inspector=users["inspector"],
            manager=users["manager"],
            keeper=users["keeper"],
        )
        self._report("Returns", made, made)
        self._report("Allowances", allowances, allowances)

    def _contracts(self, users: dict) -> None:
        """Contracts of each type with production tasks, reviews and calls (issue 11)."""
        from portal.demo.contracts import demo_contracts

        made = demo_contracts(
            clerk=users["clerk"],
            manager=users["manager"],
            general_manager=users["gm"],
            inspector=users["inspector"],
        )
        self._report("Contracts", made, made)

    def _outbound(self, users: dict, warehouses: dict) -> None:
        """Samples and non-sale outbound in several states (issue 11)."""
        from portal.demo.catalogue import CYLINDER_WAREHOUSE
        from portal.demo.outbound import demo_outbound

        samples, requests = demo_outbound(users=users, warehouse=warehouses[CYLINDER_WAREHOUSE])
        self._report("Samples", samples, samples)
        self._report("Non-sale outbound requests", requests, requests)

    def _report(self, label: str, total: int, created: int) -> None:
        self.stdout.write(f"{label}: {total} ({created} new)")

    def _users(self) -> dict:
        User = get_user_model()
        created_count = 0
        for username, role, last_name, first_name in USERS:
            try:
                group = Group.objects.get(name=role_group_name(role))
            except Group.DoesNotExist as exc:
                raise CommandError(f"Group {role} is missing; run `manage.py migrate`.") from exc
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    # Chinese order, family name first: get_full_name() shows 王丽.
                    "first_name": f"{last_name}{first_name}",
                    "last_name": "",
                    "email": f"{username}@example.com",
                    "is_staff": role == Role.MANAGER,
                },
            )
            # A password someone has changed since is theirs to keep.
            if created:
                user.set_password(PASSWORD)
                user.save(update_fields=["password"])
                created_count += 1
            user.groups.add(group)
        admin, created = User.objects.get_or_create(
            username="admin",
            defaults={"email": "admin@example.com", "is_staff": True, "is_superuser": True},
        )
        if created:
            admin.set_password(PASSWORD)
            admin.save(update_fields=["password"])
            created_count += 1
        self._report("Users", len(USERS) + 1, created_count)
        # Fresh instances: has_perm() caches permissions on the instance, and
        # the group memberships above came after it was loaded.
        usernames = [username for username, *_ in USERS]
        return {user.username: user for user in User.objects.filter(username__in=usernames)}

    def _warehouses(self) -> dict[str, Warehouse]:
        warehouses, created_count = {}, 0
        for code, name in WAREHOUSES:
            warehouse, created = Warehouse.objects.get_or_create(code=code, defaults={"name": name})
            warehouses[code] = warehouse
            created_count += created
        self._report("Warehouses", len(warehouses), created_count)
        made = 0
        for code, location, name in LOCATIONS:
            _, created = Location.objects.get_or_create(
                warehouse=warehouses[code], code=location, defaults={"name": name}
            )
            made += created
        self._report("Storage locations", len(LOCATIONS), made)
        return warehouses

    def _products(self) -> dict[str, Product]:
        products, created_count = {}, 0
        for sku, name, specification, unit, standard, unit_weight, safety_stock in PRODUCTS:
            product, created = Product.objects.update_or_create(
                sku=sku,
                defaults={
                    "name": name,
                    "specification": specification,
                    "unit": unit,
                    "standard": standard,
                    "unit_weight": Decimal(unit_weight),
                    "weighed": unit in (Unit.KG, Unit.TONNE),
                    "safety_stock": Decimal(safety_stock),
                },
            )
            products[sku] = product
            created_count += created
        self._report("Products", len(products), created_count)
        return products

    def _price_list(self, products: dict[str, Product]) -> None:
        price_list, _ = PriceList.objects.update_or_create(
            code=PRICE_LIST_CODE,
            defaults={"name": PRICE_LIST_NAME, "valid_from": PRICES_VALID_FROM},
        )
        created_count = 0
        for sku, (standard_price, minimum_price) in PRICES.items():
            _, created = PriceListItem.objects.update_or_create(
                price_list=price_list,
                product=products[sku],
                defaults={
                    "standard_price": Decimal(standard_price),
                    "minimum_price": Decimal(minimum_price),
                },
            )
            created_count += created
        self._report(f"Price list {PRICE_LIST_CODE} items", len(PRICES), created_count)

    def _customers(self, users: dict) -> None:
        today, manager = company_today(), users["manager"]
        existing = set(Customer.objects.values_list("code", flat=True))
        created_count = 0
        for row in CUSTOMERS:
            if row["code"] in existing:
                continue
            fields = dict(row)
            contacts = [
                {"name": name, "title": title, "email": email, "phone": phone, "is_primary": i == 0}
                for i, (name, title, email, phone) in enumerate(fields.pop("contacts"))
            ]
            fields["trading_since"] = today - dt.timedelta(days=fields.pop("tenure_days"))
            fields["salesperson"] = users[fields["salesperson"]]
            # Through the service, so tenure decides the default terms and the
            # credit log records them.
            customer_create(user=manager, contacts=contacts, **fields)
            created_count += 1
        self._report("Customers", len(CUSTOMERS), created_count)

        for code in CREDIT_HOLD_CODES:
            customer = Customer.objects.get(code=code)
            if not customer.on_credit_hold:
                customer_set_credit_hold(
                    customer=customer, user=manager, on_hold=True, reason=CREDIT_HOLD_REASON
                )
        code, terms, limit, reason = CUSTOM_TERMS
        customer = Customer.objects.get(code=code)
        if not customer.credit_terms_custom:
            customer_set_credit_terms(
                customer=customer, user=manager, terms=terms, limit=limit, reason=reason
            )

    def _customer_prices(self, products: dict[str, Product]) -> None:
        customers = Customer.objects.in_bulk(
            {code for code, _, _ in CUSTOMER_PRICES}, field_name="code"
        )
        created_count = 0
        for code, sku, price in CUSTOMER_PRICES:
            _, created = CustomerPrice.objects.update_or_create(
                customer=customers[code],
                product=products[sku],
                valid_from=PRICES_VALID_FROM,
                defaults={"price": Decimal(price)},
            )
            created_count += created
        self._report("Customer prices", len(CUSTOMER_PRICES), created_count)

    def _opening_stock(
        self, products: dict[str, Product], warehouses: dict[str, Warehouse], *, keeper
    ) -> None:
        created_count = total = 0
        for sku, batches in STOCK.items():
            product = products[sku]
            warehouse = warehouses[BULK_WAREHOUSE if product.weighed else CYLINDER_WAREHOUSE]
            for batch_number, quantity in batches:
                total += 1
                already_received = StockMove.objects.filter(
                    product=product,
                    batch__number=batch_number,
                    kind=MoveKind.PRODUCTION_RECEIPT,
                ).exists()
                if already_received:
                    continue
                production_receipt_record(
                    product=product,
                    warehouse=warehouse,
                    batch_number=batch_number,
                    produced_on=_batch_produced_on(batch_number),
                    quantity=Decimal(quantity),
                    user=keeper,
                    note=OPENING_STOCK_NOTE,
                )
                created_count += 1
        self._report("Opening stock receipts", total, created_count)
        below = stock_overview(below_safety=True).values_list("sku", flat=True)
        self.stdout.write(f"Below safety stock: {', '.join(below) or 'none'}")

    def _print_logins(self) -> None:
        url = site_url()
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Demo logins (open {url}):"))
        for username, role, *_ in USERS:
            english, chinese = ROLE_TITLES[role]
            self.stdout.write(f"  {username:<8} / {PASSWORD} — {english} {chinese}")
        self.stdout.write(
            f"  {'admin':<8} / {PASSWORD} — Superuser 系统管理员 (Django admin: {url}admin/)"
        )
