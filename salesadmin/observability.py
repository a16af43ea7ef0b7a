"""One log line and one latency sample per request.

The middleware gives each request an id (the proxy's ``X-Request-ID`` when it
sends a sane one, else a new one), answers it in ``X-Request-ID``, counts the
SQL statements the request ran on every database, and at the end logs
``request`` on the ``salesadmin.request`` logger with method, path, route,
status, duration_ms, sql_count and user. Every other log line written while the
request runs carries the same ``request_id`` (RequestContextFilter), so with
``LOG_FORMAT=json`` one id finds everything a request did.
"""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid

from django.db import connections

from salesadmin import metrics

logger = logging.getLogger("salesadmin.request")

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_SANE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestContextFilter(logging.Filter):
    """Put the current request's id on every log record (``-`` outside requests)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            # Django logs a request's 4xx/5xx after the middleware has returned,
            # with the request on the record.
            request = getattr(record, "request", None)
            record.request_id = getattr(request, "request_id", None) or request_id_var.get()
        return True


class _QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


class RequestObservabilityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SANE_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        counter = _QueryCounter()
        wrapped = []
        for alias in connections:
            connection = connections[alias]
            connection.execute_wrappers.append(counter)
            wrapped.append(connection)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
        finally:
            for connection in wrapped:
                connection.execute_wrappers.remove(counter)
            request_id_var.reset(token)
        duration = time.perf_counter() - started
        response["X-Request-ID"] = request_id
        match = request.resolver_match
        route = (match.route or match.view_name) if match else "unmatched"
        metrics.REQUEST_LATENCY.labels(request.method, route, str(response.status_code)).observe(
            duration
        )
        user = getattr(request, "user", None)
        username = user.get_username() if user and user.is_authenticated else None
        logger.info(
            "%s %s %s %.1fms sql=%d user=%s",
            request.method,
            request.path,
            response.status_code,
            duration * 1000,
            counter.count,
            username or "-",
            extra={
                "request_id": request_id,
                "method": request.method,
                "path": request.path,
                "route": route,
                "status": response.status_code,
                "duration_ms": round(duration * 1000, 1),
                "sql_count": counter.count,
                "user": username,
            },
        )
        return response
