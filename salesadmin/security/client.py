"""Who is asking: the client's address, also behind our own reverse proxies.

``X-Forwarded-For`` is believed only when the request comes from a proxy listed
in ``TRUSTED_PROXIES`` (addresses or networks); otherwise anyone could pick the
address their failures are counted against. Walking the header from the right,
the first address that is not one of our proxies is the client.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in proxies if p.strip())


def _is_trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in _networks(tuple(settings.TRUSTED_PROXIES)))


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    remote = _valid(request.META.get("REMOTE_ADDR", "") or "")
    if remote is None or not _is_trusted(remote):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed([h for h in forwarded.split(",") if h.strip()]):
        address = _valid(hop)
        if address is None:
            return remote  # a garbled header: count it against the proxy's peer
        if not _is_trusted(address):
            return address
    return remote
