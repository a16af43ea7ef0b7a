from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from customers.models import Customer
from inventory.models import Product
from reports.enums import GroupBy
from reports.selectors.sales_analysis import SalesQuery
from salesadmin.clock import company_today
from salesadmin.forms import PickerSelect, StyledFormMixin

# A year of days, or ten of months, is as much as one page or file needs.
MAX_DAYS = 3660


class SalesFilterForm(StyledFormMixin, forms.Form):
    date_from = forms.DateField(
        label=_("Dispatched from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=pgettext_lazy("period", "to"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    group_by = forms.ChoiceField(label=_("Group by"), choices=GroupBy.choices, required=False)
    customer = forms.ModelChoiceField(
        label=_("Customer code"),
        queryset=Customer.objects.all(),
        to_field_name="code",
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. C0001")}),
        error_messages={"invalid_choice": _("No customer has this code.")},
    )
    product = forms.ModelChoiceField(
        label=_("Product"),
        queryset=Product.objects.order_by("sku"),
        required=False,
        empty_label=_("All products"),
        widget=PickerSelect("picker_products"),
    )
    salesperson = forms.ChoiceField(label=_("Salesperson"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        people = (
            get_user_model()
            .objects.filter(customers__isnull=False)
            .distinct()
            .order_by("username")
            .only("username", "first_name", "last_name")
        )
        self.fields["salesperson"].choices = [
            ("", _("All salespeople")),
            ("none", _("(no salesperson)")),
            *((str(p.pk), p.get_full_name() or p.username) for p in people),
        ]

    def clean(self):
        data = super().clean()
        today = company_today()
        data["date_to"] = data.get("date_to") or today
        data["date_from"] = data.get("date_from") or data["date_to"].replace(day=1)
        if data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("The first day comes after the last."))
        if (data["date_to"] - data["date_from"]).days > MAX_DAYS:
            raise forms.ValidationError(_("Choose at most ten years."))
        data["group_by"] = data.get("group_by") or GroupBy.DAY
        return data

    def query(self) -> SalesQuery:
        return SalesQuery.from_filters(self.cleaned_data)


def parse_month(raw: str | None, today: dt.date | None = None) -> dt.date:
    """``YYYY-MM`` → its first day; anything else → this month."""
    today = today or company_today()
    try:
        year, month = (int(x) for x in (raw or "").split("-"))
        return dt.date(year, month, 1)
    except ValueError:
        return today.replace(day=1)
