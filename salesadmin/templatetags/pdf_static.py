"""{% pdf_static %}: a static file's address for printed documents.

``{% static %}`` asks the storage, and production's manifest storage raises
for a name missing from its manifest (no collectstatic, a stale manifest):
every letter would fail. WeasyPrint's fetcher (salesadmin/pdf.py) finds static
files by their plain name itself, so PDFs link to the plain name and print
whether or not a manifest exists.
"""

from django import template
from django.conf import settings

from salesadmin.pdf import PDF_ORIGIN

register = template.Library()


@register.simple_tag
def pdf_static(name: str) -> str:
    static_url = settings.STATIC_URL or "/static/"
    if "://" in static_url:
        return static_url + name
    return f"{PDF_ORIGIN}/{static_url.lstrip('/')}{name}"
