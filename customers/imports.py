"""Customers with their contacts and credit terms, from a spreadsheet.

A customer is found by its code: a new code creates the customer, a known one
updates the fields the file gives (so importing the same file twice changes
nothing). A customer may take several rows, one per contact; its own fields
come from its first row. Terms and limit left blank follow tenure (DESIGN.md);
given, they are a manager's decision (only a manager may import them) and are
kept in the credit history like a change made on the customer's page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.validators import validate_email
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from customers.enums import CreditTerms
from customers.models import Contact, CreditChange, Customer
from customers.services import credit_defaults_for_tenure
from salesadmin import imports as sheet
from salesadmin.imports import Column, Counts, ImportKind, RowError, RowProblem

IMPORTED = gettext_noop("imported from a spreadsheet")

GENERAL = ("name", "tax_id", "bank_name", "bank_account", "address", "notes")


@dataclass
class ContactRow:
    name: str
    title: str
    phone: str
    email: str


@dataclass
class CustomerRow:
    row: int
    code: str
    fields: dict
    trading_since: dt.date
    salesperson: str
    credit_terms: str | None
    credit_limit: Decimal | None
    contacts: list[ContactRow] = field(default_factory=list)


COLUMNS = (
    Column("code", gettext_lazy("code"), True, "C001"),
    Column("name", gettext_lazy("name"), True, "示例客户有限公司"),
    Column("trading_since", gettext_lazy("trading since"), True, "2020-03-01"),
    Column("tax_id", gettext_lazy("tax ID"), False, "91330523MA2XXXXX1"),
    Column("bank_name", gettext_lazy("bank"), False, ""),
    Column("bank_account", gettext_lazy("bank account"), False, ""),
    Column("address", gettext_lazy("address"), False, "浙江省湖州市"),
    Column("salesperson", gettext_lazy("salesperson (login)"), False, ""),
    Column("credit_terms", gettext_lazy("credit terms"), False, ""),
    Column("credit_limit", gettext_lazy("credit limit"), False, ""),
    Column("notes", gettext_lazy("notes"), False, ""),
    Column("contact_name", gettext_lazy("contact name"), False, "张三"),
    Column("contact_title", gettext_lazy("contact title"), False, ""),
    Column("contact_phone", gettext_lazy("contact phone"), False, "13800000000"),
    Column("contact_email", gettext_lazy("contact email"), False, ""),
)

_MAX = sheet.max_lengths(Customer)

# Other imports name a customer by its code (opening receivables, agreed prices).
CUSTOMER_BY_CODE = sheet.Lookup(
    model=Customer,
    field_name="code",
    code="customer_code",
    target="customer",
    column="customer",
    message=gettext_lazy("No customer with this code."),
)


def _read(number: int, values: dict) -> CustomerRow:
    code = sheet.text(values, "code", required=True, max_length=_MAX["code"])
    fields = {
        "name": sheet.text(values, "name", required=True, max_length=_MAX["name"]),
        "notes": sheet.text(values, "notes", max_length=2000),
    }
    for key in ("tax_id", "bank_name", "bank_account", "address"):
        fields[key] = sheet.text(values, key, max_length=_MAX[key])
    terms = sheet.choice(values, "credit_terms", CreditTerms)
    limit = sheet.money(values, "credit_limit", required=False)
    if limit is not None and limit < 0:
        raise RowProblem(_("The credit limit cannot be negative."), "credit_limit")
    if (terms is None) != (limit is None):
        raise RowProblem(_("Give both the credit terms and the credit limit, or neither."))
    row = CustomerRow(
        row=number,
        code=code,
        fields=fields,
        trading_since=sheet.date(values, "trading_since"),
        salesperson=sheet.text(values, "salesperson", max_length=150),
        credit_terms=terms,
        credit_limit=limit,
    )
    contact_name = sheet.text(values, "contact_name", max_length=100)
    email = sheet.text(values, "contact_email", max_length=254)
    if email:
        try:
            validate_email(email)
        except Exception:
            raise RowProblem(_("Enter a valid e-mail address."), "contact_email") from None
    if contact_name:
        row.contacts.append(
            ContactRow(
                name=contact_name,
                title=sheet.text(values, "contact_title", max_length=100),
                phone=sheet.text(values, "contact_phone", max_length=40),
                email=email,
            )
        )
    elif email or sheet.text(values, "contact_phone"):
        raise RowProblem(_("A contact needs a name."), "contact_name")
    return row


def check(rows, errors: list[RowError], user) -> list[CustomerRow]:
    items = sheet.check_rows(rows, errors, _read)
    by_code: dict[str, CustomerRow] = {}
    for item in items:
        first = by_code.get(item.code)
        if first is None:
            by_code[item.code] = item
        else:
            first.contacts.extend(item.contacts)
    logins = {i.salesperson for i in by_code.values() if i.salesperson}
    known = set(
        get_user_model()
        .objects.filter(username__in=logins, is_active=True)
        .values_list("username", flat=True)
    )
    may_set_terms = user.has_perm("customers.change_credit_terms")
    kept = []
    for item in by_code.values():
        if item.credit_terms is not None and not may_set_terms:
            errors.append(
                RowError(item.row, "credit_terms", _("Only a manager may set credit terms."))
            )
            continue
        if item.salesperson and item.salesperson not in known:
            errors.append(RowError(item.row, "salesperson", _("No active user with this login.")))
            continue
        kept.append(item)
    return kept


def _set_terms(customer: Customer, item: CustomerRow, user, log: list[CreditChange]) -> bool:
    if item.credit_terms is not None:
        terms, limit, custom = item.credit_terms, item.credit_limit, True
    elif customer.pk is None or not customer.credit_terms_custom:
        terms, limit = credit_defaults_for_tenure(trading_since=item.trading_since)
        custom = False
    else:
        return False
    changed = False
    for name, new in (
        ("credit_terms", terms),
        ("credit_limit", limit),
        ("credit_terms_custom", custom),
    ):
        old = getattr(customer, name) if customer.pk else None
        if old != new:
            if customer.pk or name != "credit_terms_custom":
                log.append(
                    CreditChange(
                        field=name,
                        old_value="" if old is None else str(old),
                        new_value=str(new),
                        reason=IMPORTED,
                        changed_by=user,
                    )
                )
            setattr(customer, name, new)
            changed = True
    return changed


def apply(items: list[CustomerRow], user) -> Counts:
    sheet.require_perms(user, "customers.add_customer")
    if any(i.credit_terms is not None for i in items):
        sheet.require_perms(user, "customers.change_credit_terms")
    existing = Customer.objects.in_bulk([i.code for i in items], field_name="code")
    salespeople = dict(
        get_user_model()
        .objects.filter(username__in={i.salesperson for i in items if i.salesperson})
        .values_list("username", "pk")
    )
    new, changed, logs = [], [], []
    for item in items:
        customer = existing.get(item.code) or Customer(code=item.code)
        log: list[CreditChange] = []
        before = {f: getattr(customer, f) for f in (*GENERAL, "trading_since", "salesperson_id")}
        for name, value in item.fields.items():
            setattr(customer, name, value)
        customer.trading_since = item.trading_since
        customer.salesperson_id = salespeople.get(item.salesperson)
        terms_changed = _set_terms(customer, item, user, log)
        after = {f: getattr(customer, f) for f in before}
        logs.append((customer, log))
        if customer.pk is None:
            new.append(customer)
        elif terms_changed or before != after:
            changed.append(customer)
    for customer in (*new, *changed):
        customer.set_initials()  # bulk writes skip save()
    Customer.objects.bulk_create(new, batch_size=1000)
    Customer.objects.bulk_update(
        changed,
        [*GENERAL, "trading_since", "salesperson", "credit_terms", "credit_limit"]
        + ["credit_terms_custom", "name_initials"],
        batch_size=1000,
    )
    counts = Counts.of(items, new, changed)
    history = []
    for customer, log in logs:
        for entry in log:
            entry.customer = customer
            history.append(entry)
    CreditChange.objects.bulk_create(history, batch_size=1000)
    _import_contacts(items, {c.code: c for c, _log in logs})
    return counts


def _import_contacts(items: list[CustomerRow], customers: dict[str, Customer]) -> None:
    """Contacts by (customer, name): a known one is updated, a new one added; the
    customer's first contact becomes primary when it has none yet."""
    ids = [customers[i.code].pk for i in items if i.contacts]
    if not ids:
        return
    known: dict[tuple[int, str], Contact] = {}
    has_primary = set()
    for contact in Contact.objects.filter(Q(customer_id__in=ids)):
        known[(contact.customer_id, contact.name)] = contact
        if contact.is_primary:
            has_primary.add(contact.customer_id)
    new, changed = [], []
    for item in items:
        customer = customers[item.code]
        for row in item.contacts:
            contact = known.get((customer.pk, row.name))
            if contact is None:
                contact = Contact(customer=customer, name=row.name)
                contact.is_primary = customer.pk not in has_primary
                has_primary.add(customer.pk)
                known[(customer.pk, row.name)] = contact
                new.append(contact)
            elif (contact.title, contact.phone, contact.email) == (row.title, row.phone, row.email):
                continue
            elif contact.pk:
                changed.append(contact)
            contact.title, contact.phone, contact.email = row.title, row.phone, row.email
    Contact.objects.bulk_create(new, batch_size=1000)
    Contact.objects.bulk_update(changed, ["title", "phone", "email"], batch_size=1000)


KIND = ImportKind(
    key="customers",
    label=gettext_lazy("Customers and contacts"),
    permission="customers.add_customer",
    columns=COLUMNS,
    check=check,
    apply=apply,
    description=gettext_lazy(
        "One row per contact; a customer's own fields come from its first row. "
        "Credit terms and limit left blank follow tenure; only a manager may give them."
    ),
)
