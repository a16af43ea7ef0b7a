from django.db import models
from django.utils.translation import gettext_lazy as _


class Unit(models.TextChoices):
    KG = "kg", _("kg")
    TONNE = "t", _("tonne")
    CUBIC_METRE = "m3", _("m³")
    CYLINDER = "cyl", _("cylinder")
    PIECE = "pc", _("piece")


# Printed documents name the unit in Chinese and English whatever the reader's language.
PRINTED_UNIT_LABELS = {
    Unit.KG: "千克 kg",
    Unit.TONNE: "吨 t",
    Unit.CUBIC_METRE: "立方米 m³",
    Unit.CYLINDER: "瓶 cyl.",
    Unit.PIECE: "件 pc",
}


class MoveKind(models.TextChoices):
    PRODUCTION_RECEIPT = "receipt", _("Production receipt")
    DISPATCH = "dispatch", _("Dispatch")
    RETURN = "return", _("Return")
    ADJUSTMENT = "adjustment", _("Adjustment")
    # The stock a company has on the day it starts on salesadmin (期初库存), imported once.
    OPENING = "opening", _("Opening stock")
