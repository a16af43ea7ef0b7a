from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from customers.enums import CreditTerms, PriceApproval
from salesadmin.pinyin import NameInitials


class Customer(NameInitials, models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    tax_id = models.CharField(_("tax ID"), max_length=30, blank=True)
    bank_name = models.CharField(_("bank"), max_length=100, blank=True)
    bank_account = models.CharField(_("bank account"), max_length=40, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("salesperson"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="customers",
    )
    trading_since = models.DateField(_("trading since"))
    credit_terms = models.CharField(
        _("credit terms"), max_length=20, choices=CreditTerms.choices, default=CreditTerms.PREPAID
    )
    credit_limit = models.DecimalField(
        _("credit limit"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    # False: terms and limit follow tenure (DESIGN.md) and move up as the
    # customer ages. True: a manager set them by hand and they stay put.
    credit_terms_custom = models.BooleanField(_("terms set by a manager"), default=False)
    on_credit_hold = models.BooleanField(_("on credit hold"), default=False)
    credit_hold_reason = models.CharField(_("credit hold reason"), max_length=300, blank=True)
    credit_hold_since = models.DateTimeField(_("on hold since"), null=True, blank=True)
    # True: the daily overdue job set the hold and lifts it when paid. A hold a
    # manager set stays until a manager releases it.
    credit_hold_auto = models.BooleanField(_("hold set by the overdue job"), default=False)
    # A manager released the hold: invoices due on or before this date no longer
    # put the customer on hold automatically; one falling due later still does.
    credit_hold_waived_through = models.DateField(
        _("overdue invoices due up to this date waived"), null=True, blank=True
    )
    active = models.BooleanField(_("active"), default=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        permissions = [
            ("change_credit_terms", _("Can change a customer's credit terms and limit")),
            ("set_credit_hold", _("Can set or release a customer's credit hold")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(credit_limit__gte=0), name="customer_credit_limit_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(on_credit_hold=False) | ~Q(credit_hold_reason=""),
                name="customer_hold_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def salesperson_name(self) -> str:
        person = self.salesperson
        return (person.get_full_name() or person.username) if person else ""

    @property
    def credit_hold_reason_display(self) -> str:
        """The hold's reason in the reader's language (the overdue job writes English)."""
        from django.utils.translation import gettext

        return gettext(self.credit_hold_reason) if self.credit_hold_reason else ""

    @property
    def primary_contact(self):
        contacts = list(self.contacts.all())
        return next((c for c in contacts if c.is_primary), contacts[0] if contacts else None)


class Contact(models.Model):
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=100)
    title = models.CharField(_("title"), max_length=100, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)

    class Meta:
        ordering = ["-is_primary", "name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            models.UniqueConstraint(
                fields=["customer"], condition=Q(is_primary=True), name="one_primary_contact"
            )
        ]

    def __str__(self) -> str:
        return self.name


class CustomerPrice(models.Model):
    """A customer's own agreed price (老客户价格表); wins over the price list."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="prices"
    )
    product = models.ForeignKey(
        "inventory.Product", verbose_name=_("product"), on_delete=models.PROTECT
    )
    price = models.DecimalField(
        _("unit price"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    # Only an approved price applies: one below the price list waits for a
    # manager (pricing ignores it until then).
    approval = models.CharField(
        _("approval"),
        max_length=10,
        choices=PriceApproval.choices,
        default=PriceApproval.APPROVED,
        db_index=True,
    )
    # The list price when the price was set: what the manager compares against.
    list_price = models.DecimalField(
        _("list price"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_comment = models.CharField(_("comment"), max_length=300, blank=True)

    class Meta:
        ordering = ["customer", "product", "-valid_from"]
        verbose_name = _("customer price")
        verbose_name_plural = _("customer prices")
        permissions = [
            ("approve_customerprice", _("Can approve an agreed price below the price list")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "product", "valid_from"], name="customer_price_unique_start"
            ),
            models.CheckConstraint(condition=Q(price__gte=0), name="customer_price_not_negative"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="customer_price_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer.code} {self.product} {self.price}"


CREDIT_FIELD_LABELS = {
    "credit_terms": _("credit terms"),
    "credit_limit": _("credit limit"),
    "credit_terms_custom": _("terms set by a manager"),
    "on_credit_hold": _("on credit hold"),
}


class CreditChange(models.Model):
    """Append-only trace of every change to a customer's terms, limit or hold."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="credit_changes")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    field = models.CharField(_("field"), max_length=40)
    old_value = models.CharField(_("old value"), max_length=300, blank=True)
    new_value = models.CharField(_("new value"), max_length=300, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("credit change")
        verbose_name_plural = _("credit changes")

    def __str__(self) -> str:
        return f"{self.customer_id} {self.field}: {self.old_value} → {self.new_value}"

    @property
    def field_label(self) -> str:
        return str(CREDIT_FIELD_LABELS.get(self.field, self.field))

    def _display(self, value: str) -> str:
        if self.field == "credit_terms" and value:
            return str(CreditTerms(value).label)
        if value in ("True", "False"):
            return str(_("yes") if value == "True" else _("no"))
        return value

    @property
    def old_display(self) -> str:
        return self._display(self.old_value)

    @property
    def new_display(self) -> str:
        return self._display(self.new_value)
