"""Production refuses to start with a weak SECRET_KEY (imported by settings)."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

MIN_LENGTH = 50
# Keys that have been printed somewhere: our dev default, Django's template
# prefix, placeholders people paste from examples.
KNOWN_DEFAULTS = {
    "dev-only-insecure-key-do-not-use-in-production",
    "changeme",
    "change-me",
    "secret",
    "build-only",
}


def check_secret_key(key: str | None) -> str:
    if not key:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    if key in KNOWN_DEFAULTS or key.startswith("django-insecure-") or "insecure" in key:
        raise ImproperlyConfigured("SECRET_KEY is a known default; generate a new one.")
    if len(key) < MIN_LENGTH or len(set(key)) < 5:
        raise ImproperlyConfigured(
            f"SECRET_KEY is too short or too plain: at least {MIN_LENGTH} random characters."
        )
    return key
