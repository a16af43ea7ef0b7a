"""The domain error every service raises; pages show it, the API answers 4xx."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class ApplicationError(Exception):
    """A business rule refused the action. ``code`` is stable for API clients."""

    status_code = 400

    def __init__(self, message: str, *, code: str = "invalid", extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.extra = extra or {}

    def __str__(self) -> str:
        return str(self.message)


class ConflictError(ApplicationError):
    """The action lost a race or the document changed underneath it."""

    status_code = 409


def full_clean_or_refuse(instance) -> None:
    """Model validation (lengths, uniqueness, choices, non-negative figures) as
    a domain error naming the first field, for the master-data services."""
    try:
        instance.full_clean()
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise ApplicationError(
            " ".join(messages), code="invalid", extra={"field": field, **exc.message_dict}
        ) from exc
