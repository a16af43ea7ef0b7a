"""Expected refusals are one line in the log.

Django logs a 403 (PermissionDenied), a 400 (BadRequest, SuspiciousOperation)
or a 404 raised in a view with the exception's traceback, as a warning. These
answers are the product working (a wrong role, a stale link), not bugs: the
line "Forbidden (Permission denied): /orders/1/" says all there is. Server
errors (5xx) keep their traceback.
"""

from __future__ import annotations

import logging


class OneLineRefusals(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", 500) < 500:
            record.exc_info = None
            record.exc_text = None
        return True
