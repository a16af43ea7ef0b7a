import uuid

from django import template
from django.utils.html import format_html

from salesadmin.idempotency.services import FORM_FIELD

register = template.Library()


@register.simple_tag
def idempotency_field():
    """A hidden field with a key made when the form renders: a double tap or a
    resend of this form acts once (salesadmin/idempotency)."""
    return format_html('<input type="hidden" name="{}" value="{}">', FORM_FIELD, uuid.uuid4())
