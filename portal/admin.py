"""Every document in the Django admin, read-only, for support staff.

The apps register the records people keep in the admin (products, price lists,
customers...). Every other model of the business apps (orders, notes, invoices,
ledgers, returns, logs...) is registered here, last, with an admin that can
only show: documents change only through their services, never by hand.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib import admin

from salesadmin.roles import SUPPORT_APPS


class ReadOnlyDocumentAdmin(admin.ModelAdmin):
    actions = None

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _admin_for(model) -> type[admin.ModelAdmin]:
    fields = [
        f.name
        for f in model._meta.concrete_fields
        if f.get_internal_type() not in ("TextField", "JSONField", "BinaryField")
    ][:6]
    searchable = [
        name
        for name in ("number", "code", "reference", "document_number", "record_label")
        if any(f.name == name for f in model._meta.concrete_fields)
    ]
    return type(
        f"{model.__name__}ReadOnlyAdmin",
        (ReadOnlyDocumentAdmin,),
        {"list_display": fields, "search_fields": searchable},
    )


for label in SUPPORT_APPS:
    for model in apps.get_app_config(label).get_models():
        if not admin.site.is_registered(model):
            admin.site.register(model, _admin_for(model))
