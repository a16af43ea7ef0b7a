"""Small things the orders pages share: a link that may not exist yet and
a safe "back to" address."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme


def url_or_none(name: str, *args) -> str | None:
    """A page another module builds may not exist yet; link to it only when it does."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def next_url(request) -> str | None:
    url = request.POST.get("next", "")
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return None
