"""Database faults answered as 503 with a code (salesadmin/db_faults.py).

``DatabaseFaultMiddleware`` catches what a view raises; ``server_error`` (the
project's handler500) catches the rest, e.g. a session that cannot be read or
saved in another middleware while PostgreSQL is down, and answers any other
crash on the API as JSON rather than Django's HTML page.
"""

from __future__ import annotations

import sys

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults

from salesadmin import db_faults


class DatabaseFaultMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        return db_faults.response_for(exception, request)


def server_error(request, *args, **kwargs):
    exc = sys.exc_info()[1]
    if exc is not None:
        response = db_faults.response_for(exc, request)
        if response is not None:
            return response
    if db_faults.is_api(request):
        return JsonResponse(
            {"code": "server_error", "detail": _("Something went wrong. Nothing was saved.")},
            status=500,
        )
    return defaults.server_error(request, *args, **kwargs)
