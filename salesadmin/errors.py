"""The domain error every service raises; pages show it, the API answers 4xx."""

from __future__ import annotations


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
