from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 14, "decimal_places": 2}


class PriceList(models.Model):
    """The standard price list (常用规格价格表), effective between two dates."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("price list")
        verbose_name_plural = _("price lists")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="price_list_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class PriceListItem(models.Model):
    price_list = models.ForeignKey(
        PriceList, verbose_name=_("price list"), on_delete=models.CASCADE, related_name="items"
    )
    product = models.ForeignKey(
        "inventory.Product", verbose_name=_("product"), on_delete=models.PROTECT
    )
    standard_price = models.DecimalField(
        _("standard price"), **MONEY, validators=[MinValueValidator(0)]
    )
    # Below this, a manager must approve the order (DESIGN.md, sales order).
    minimum_price = models.DecimalField(
        _("minimum price"), **MONEY, validators=[MinValueValidator(0)]
    )

    class Meta:
        ordering = ["price_list", "product"]
        verbose_name = _("price list item")
        verbose_name_plural = _("price list items")
        constraints = [
            models.UniqueConstraint(
                fields=["price_list", "product"], name="price_list_item_unique"
            ),
            models.CheckConstraint(
                condition=Q(minimum_price__gte=0) & Q(minimum_price__lte=F("standard_price")),
                name="price_list_minimum_within_standard",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} {self.standard_price}"
