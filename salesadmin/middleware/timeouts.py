"""Report pages get the ``report`` statement timeout (salesadmin/db_timeouts.py)."""

from __future__ import annotations

from django.conf import settings

from salesadmin.db_timeouts import REPORT, use_timeouts


class ReportTimeoutsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(settings.DB_REPORT_PATHS):
            with use_timeouts(REPORT):
                return self.get_response(request)
        return self.get_response(request)
