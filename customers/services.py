"""Every write to customers: one function per business action, one transaction each."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from customers.enums import CreditTerms
from customers.models import Contact, CreditChange, Customer
from salesadmin.clock import company_today, last_day_over_a_month_before, whole_years_between
from salesadmin.db import locked
from salesadmin.errors import ApplicationError

# Reasons the system writes into the credit history are stored in English and
# translated when shown, so the history reads in the viewer's language.
TENURE_DEFAULT = gettext_noop("tenure default")

# Fields a sales clerk may edit; credit terms, limit and hold are a manager's.
GENERAL_FIELDS = (
    "code",
    "name",
    "tax_id",
    "bank_name",
    "bank_account",
    "address",
    "salesperson",
    "trading_since",
    "active",
    "notes",
)


def credit_defaults_for_tenure(
    *, trading_since: dt.date, today: dt.date | None = None
) -> tuple[str, Decimal]:
    """Default terms and limit for a customer trading since ``trading_since``.

    The company regulation: under one year pay before delivery; from one year
    (一年以上) monthly with at most 15,000 outstanding; from three years
    (三年以上) quarterly with at most 50,000. The table is CREDIT_TERMS_BY_TENURE.
    """
    years = whole_years_between(trading_since, today or company_today())
    terms, limit = CreditTerms.PREPAID.value, Decimal("0.00")
    for min_years, row_terms, row_limit in sorted(settings.CREDIT_TERMS_BY_TENURE):
        if years >= min_years:
            terms, limit = row_terms, Decimal(row_limit)
    return terms, limit


def settable_or_refuse(user, perm: str, fields: dict, allowed, *, message: str = "") -> None:
    """A master-data write: the user holds ``perm`` and sets only ``allowed`` fields.
    ``message`` (with %(fields)s) names the refusal; by default, fields not set here."""
    if not user.has_perm(perm):
        raise PermissionDenied
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ApplicationError(
            (message or _("These fields cannot be set here: %(fields)s"))
            % {"fields": ", ".join(sorted(unknown))},
            code="field_not_allowed",
        )


def _log(customer: Customer, user, field: str, old, new, reason: str = "") -> None:
    CreditChange.objects.create(
        customer=customer,
        changed_by=user,
        field=field,
        old_value="" if old is None else str(old),
        new_value="" if new is None else str(new),
        reason=reason,
    )


@transaction.atomic
def customer_create(*, user, contacts: list[dict] | None = None, **fields) -> Customer:
    settable_or_refuse(user, "customers.add_customer", fields, GENERAL_FIELDS)
    customer = Customer(**fields)
    customer.credit_terms, customer.credit_limit = credit_defaults_for_tenure(
        trading_since=customer.trading_since
    )
    customer.full_clean()
    customer.save()
    _log(customer, user, "credit_terms", None, customer.credit_terms, TENURE_DEFAULT)
    _log(customer, user, "credit_limit", None, customer.credit_limit, TENURE_DEFAULT)
    for contact in contacts or []:
        Contact.objects.create(customer=customer, **contact)
    return customer


@transaction.atomic
def customer_update(*, customer: Customer, user, **fields) -> Customer:
    """Change a customer's general data. Credit is changed by its own services."""
    settable_or_refuse(
        user,
        "customers.change_customer",
        fields,
        GENERAL_FIELDS,
        message=_("These fields cannot be changed here: %(fields)s"),
    )
    customer = locked(Customer.objects).get(pk=customer.pk)
    tenure_changed = "trading_since" in fields and fields["trading_since"] != customer.trading_since
    for name, value in fields.items():
        setattr(customer, name, value)
    if tenure_changed and not customer.credit_terms_custom:
        _apply_tenure_defaults(customer, user, reason=gettext_noop("trading-since date changed"))
    customer.full_clean()
    customer.save()
    return customer


def _apply_tenure_defaults(
    customer: Customer, user, *, reason: str, today: dt.date | None = None
) -> bool:
    terms, limit = credit_defaults_for_tenure(trading_since=customer.trading_since, today=today)
    changed = False
    if terms != customer.credit_terms:
        _log(customer, user, "credit_terms", customer.credit_terms, terms, reason)
        customer.credit_terms, changed = terms, True
    if limit != customer.credit_limit:
        _log(customer, user, "credit_limit", customer.credit_limit, limit, reason)
        customer.credit_limit, changed = limit, True
    return changed


@transaction.atomic
def customer_set_credit_terms(
    *,
    customer: Customer,
    user,
    terms: str | None = None,
    limit: Decimal | None = None,
    follow_tenure: bool = False,
    reason: str,
) -> Customer:
    """A manager sets terms and limit by hand, or hands them back to tenure."""
    if not user.has_perm("customers.change_credit_terms"):
        raise PermissionDenied
    if not (reason or "").strip():
        raise ApplicationError(_("Give a reason for the change."), code="reason_required")
    customer = locked(Customer.objects).get(pk=customer.pk)
    if follow_tenure:
        if customer.credit_terms_custom:
            _log(customer, user, "credit_terms_custom", True, False, reason)
        customer.credit_terms_custom = False
        _apply_tenure_defaults(customer, user, reason=reason)
    else:
        if terms not in CreditTerms.values:
            raise ApplicationError(_("Unknown credit terms."), code="invalid_terms")
        if limit is None or limit < 0:
            raise ApplicationError(_("The credit limit cannot be negative."), code="invalid_limit")
        limit = Decimal(limit).quantize(Decimal("0.01"))
        if terms != customer.credit_terms:
            _log(customer, user, "credit_terms", customer.credit_terms, terms, reason)
        if limit != customer.credit_limit:
            _log(customer, user, "credit_limit", customer.credit_limit, limit, reason)
        if not customer.credit_terms_custom:
            _log(customer, user, "credit_terms_custom", False, True, reason)
        customer.credit_terms, customer.credit_limit = terms, limit
        customer.credit_terms_custom = True
    customer.save()
    return customer


MANUAL_HOLD_NOTICE = gettext_noop("%(user)s put %(customer)s on credit hold: %(reason)s")
MANUAL_RELEASE_NOTICE = gettext_noop(
    "%(user)s released the credit hold of %(customer)s: %(reason)s"
)


@transaction.atomic
def customer_set_credit_hold(
    *, customer: Customer, user, on_hold: bool, reason: str, today: dt.date | None = None
) -> Customer:
    """A manager puts a customer on credit hold (no further stamps) or releases it.

    A release also waives the invoices more than a month overdue today, so the
    daily job does not put the customer straight back on hold for them
    (finance/credit.py).
    """
    if user is not None and not user.has_perm("customers.set_credit_hold"):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(
            _("Give a reason for the hold or its release."), code="reason_required"
        )
    customer = locked(Customer.objects).get(pk=customer.pk)
    if customer.on_credit_hold == on_hold:
        raise ApplicationError(
            _("The customer is already on hold.") if on_hold else _("The customer is not on hold."),
            code="hold_unchanged",
        )
    who = (user.get_full_name() or user.username) if user is not None else ""
    params = {"user": who, "customer": customer.name, "reason": reason}
    return credit_hold_change(
        customer=customer,
        user=user,
        on_hold=on_hold,
        reason=reason,
        today=today,
        notice=(MANUAL_HOLD_NOTICE if on_hold else MANUAL_RELEASE_NOTICE, params),
    )


def credit_hold_change(
    *,
    customer: Customer,
    user,
    on_hold: bool,
    reason: str,
    automatic: bool = False,
    notice: tuple[str, dict] | None = None,
    today: dt.date | None = None,
) -> Customer:
    """Set or lift the hold of a customer the caller has locked: log it, tell the
    salesperson and the managers. ``automatic``: the daily overdue job."""
    from notices.selectors import managers
    from notices.services import notice_send

    _log(customer, user, "on_credit_hold", customer.on_credit_hold, on_hold, reason)
    customer.on_credit_hold = on_hold
    customer.credit_hold_reason = reason if on_hold else ""
    customer.credit_hold_since = timezone.now() if on_hold else None
    customer.credit_hold_auto = on_hold and automatic
    if not on_hold and not automatic:
        customer.credit_hold_waived_through = last_day_over_a_month_before(today or company_today())
    customer.save(
        update_fields=[
            "on_credit_hold",
            "credit_hold_reason",
            "credit_hold_since",
            "credit_hold_auto",
            "credit_hold_waived_through",
            "updated_at",
        ]
    )
    if notice is not None:
        message, params = notice
        notice_send(
            recipients=[customer.salesperson_id, *managers().values_list("pk", flat=True)],
            kind="credit_hold" if on_hold else "credit_release",
            message=message,
            params=params,
            link=reverse("customers:detail", args=[customer.pk]),
        )
    return customer


def credit_holds_set_automatic(
    *, customers: list[Customer], reason: str, message: str, params: dict[int, dict]
) -> int:
    """The daily job's holds, many customers at once: what credit_hold_change
    does for one (the hold, its history row, the salesperson's and managers'
    notices), written in a fixed number of statements whatever the number of
    customers. The caller has locked ``customers`` and checked that none is on
    hold; ``params`` maps a customer id to its notice's parameters."""
    from notices.models import Notice
    from notices.selectors import managers

    if not customers:
        return 0
    now = timezone.now()
    ids = [c.pk for c in customers]
    Customer.objects.filter(pk__in=ids).update(
        on_credit_hold=True,
        credit_hold_reason=reason,
        credit_hold_since=now,
        credit_hold_auto=True,
        updated_at=now,
    )
    CreditChange.objects.bulk_create(
        [
            CreditChange(
                customer_id=pk,
                changed_by=None,
                field="on_credit_hold",
                old_value=str(False),
                new_value=str(True),
                reason=reason,
            )
            for pk in ids
        ]
    )
    manager_ids = list(managers().values_list("pk", flat=True))
    notices = []
    for customer in customers:
        recipients = dict.fromkeys(
            pk for pk in (customer.salesperson_id, *manager_ids) if pk is not None
        )
        link = reverse("customers:detail", args=[customer.pk])
        notices += [
            Notice(
                recipient_id=pk,
                kind="credit_hold",
                message=message,
                params=params[customer.pk],
                link=link,
            )
            for pk in recipients
        ]
    Notice.objects.bulk_create(notices)
    return len(ids)


def customers_refresh_tenure_terms(*, today: dt.date | None = None) -> int:
    """Move customers who follow tenure to the terms their tenure now earns.

    Each customer is its own transaction, so one bad row does not hold back the rest.
    """
    today = today or company_today()
    updated = 0
    ids = Customer.objects.filter(credit_terms_custom=False, active=True).values_list(
        "pk", flat=True
    )
    for pk in ids.iterator():
        with transaction.atomic():
            # Check the flag again under the lock: a manager may have set
            # custom terms since the list was read, and those must stand.
            customer = locked(Customer.objects).filter(pk=pk, credit_terms_custom=False).first()
            if customer is None:
                continue
            if _apply_tenure_defaults(
                customer, None, reason=gettext_noop("tenure reached"), today=today
            ):
                customer.save()
                updated += 1
    return updated
