"""API test helpers (``api_for`` and ``personas`` come from tests/conftest.py)."""

from __future__ import annotations


def leaves(data):
    """Every scalar in a JSON answer (keys and values), for "never shows X" checks."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield key
            yield from leaves(value)
    elif isinstance(data, list):
        for item in data:
            yield from leaves(item)
    else:
        yield data
