"""Error pages that answer the API in JSON with a code, and people with HTML.

Django's handler400/403/404/500 serve requests no DRF view answered (an unknown
/api/ path, a refused request before the view); DRF's own errors go through
salesadmin.api.exception_handler and already have this shape.
"""

from __future__ import annotations

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults


def _is_api(request) -> bool:
    return request.path_info.startswith("/api/")


def _json(status: int, code: str, detail: str) -> JsonResponse:
    return JsonResponse({"code": code, "detail": detail}, status=status)


def bad_request(request, exception, detail: str | None = None):
    if _is_api(request):
        return _json(400, "bad_request", detail or _("The request is malformed."))
    response = defaults.bad_request(request, exception)
    return response


def permission_denied(request, exception):
    if _is_api(request):
        return _json(403, "permission_denied", _("You do not have permission to do this."))
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception):
    if _is_api(request):
        return _json(404, "not_found", _("Not found."))
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _is_api(request):
        return _json(500, "server_error", _("Something went wrong on our side."))
    return defaults.server_error(request)
