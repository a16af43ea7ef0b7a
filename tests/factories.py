"""factory_boy factories for the models the services work on."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from approvals.models import ApprovalAssignment, ApprovalLevel
from customers.enums import CreditTerms
from customers.models import Contact, Customer
from finance.enums import EntryKind, InvoiceStatus
from finance.models import Invoice, ReceivableEntry
from inventory.enums import Unit
from inventory.models import Batch, Product, Warehouse
from salesadmin.roles import Role, role_group_name


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("pw-for-tests")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        """``UserFactory(roles=[Role.MANAGER, ...])`` puts the user in those groups.

        The groups must already exist (created by migration), so a missing
        group fails loudly instead of being made up here.
        """
        if not create or not extracted:
            return
        self.groups.add(*(Group.objects.get(name=role_group_name(r)) for r in extracted))


def approver_at(level: ApprovalLevel | str, username: str, *, limit=None):
    """A manager assigned to an approval level (the level, or its code), with an
    optional personal limit."""
    if isinstance(level, str):
        level = ApprovalLevel.objects.get(code=level)
    user = UserFactory(username=username, roles=[Role.MANAGER])
    ApprovalAssignment.objects.create(user=user, level=level, personal_limit=limit)
    return user


class CustomerFactory(factory.django.DjangoModelFactory):
    """A customer written straight to the table (bypasses customer_create)."""

    class Meta:
        model = Customer

    code = factory.Sequence(lambda n: f"C{n:04d}")
    name = factory.Sequence(lambda n: f"Customer {n}")
    trading_since = dt.date(2020, 1, 1)
    credit_terms = CreditTerms.PREPAID
    credit_limit = Decimal("0.00")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    sku = factory.Sequence(lambda n: f"SKU-{n:04d}")
    name = factory.Sequence(lambda n: f"Product {n}")
    specification = "40L"
    unit = Unit.CYLINDER


class WarehouseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Warehouse

    code = factory.Sequence(lambda n: f"WH{n:02d}")
    name = factory.Sequence(lambda n: f"Warehouse {n}")


class BatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Batch

    product = factory.SubFactory(ProductFactory)
    number = factory.Sequence(lambda n: f"B{n:05d}")
    produced_on = dt.date(2026, 1, 5)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Sequence(lambda n: f"Contact {n}")
    email = factory.LazyAttribute(lambda c: f"{c.name.lower().replace(' ', '.')}@customer.example")
    is_primary = True


class InvoiceFactory(factory.django.DjangoModelFactory):
    """An invoice written straight to the table, for tests that need an invoice
    of a given amount, payment and due date and nothing else (invoicing from
    delivery notes is tested through the services)."""

    class Meta:
        model = Invoice
        skip_postgeneration_save = True

    number = factory.Sequence(lambda n: f"INV-T{n:06d}")
    customer = factory.SubFactory(CustomerFactory)
    period_start = dt.date(2026, 1, 1)
    period_end = dt.date(2026, 1, 31)
    issue_date = factory.LazyAttribute(lambda o: o.due_date - dt.timedelta(days=30))
    due_date = dt.date(2026, 2, 28)
    amount = Decimal("1000.00")
    paid_amount = Decimal("0.00")
    status = InvoiceStatus.OPEN

    @factory.post_generation
    def charged(self, create, extracted, **kwargs):
        """``InvoiceFactory(charged=True)`` also writes the ledger charge behind
        the invoice on its issue day, as dispatch and invoicing would."""
        if create and extracted:
            ReceivableEntry.objects.create(
                customer=self.customer,
                kind=EntryKind.CHARGE,
                amount=self.amount,
                entry_date=self.issue_date,
            )
