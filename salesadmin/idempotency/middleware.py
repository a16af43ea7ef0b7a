"""Where safe retries apply: every write under /api/v1/ that carries an
``Idempotency-Key`` header, and every page form post that carries an
``idempotency_key`` field (added to each form by static/js/idempotency.js, and
rendered into the gate's let-out form). Requests without a key, reads and
anonymous requests pass through untouched.

Last in MIDDLEWARE: the user is known (the session's, or the API token's,
checked with the API's own authentication classes) and everything below it
(the view) runs inside the transaction that stores its answer.
"""

from __future__ import annotations

import hashlib

from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from salesadmin.idempotency import services

API_PREFIX = "/api/v1/"
_FORM_IGNORED = frozenset({"csrfmiddlewaretoken", services.FORM_FIELD})


def _api_user(request):
    """The API caller, authenticated as DRF will (a bad token: None, and the
    view answers 401 itself)."""
    from rest_framework.exceptions import APIException
    from rest_framework.request import Request
    from rest_framework.settings import api_settings

    drf_request = Request(
        request, authenticators=[auth() for auth in api_settings.DEFAULT_AUTHENTICATION_CLASSES]
    )
    try:
        user = drf_request.user
    except APIException:
        return None
    return user if user is not None and user.is_authenticated else None


def _form_hash(request) -> str:
    """The form's fields, without the CSRF token (it may change between a post
    and its resend) and the key itself."""
    digest = hashlib.sha256()
    for name in sorted(request.POST):
        if name in _FORM_IGNORED:
            continue
        for value in request.POST.getlist(name):
            digest.update(f"{name}\x1f{value}\x1e".encode())
    for name in sorted(request.FILES):
        for upload in request.FILES.getlist(name):
            digest.update(f"{name}\x1f{upload.name}\x1f{upload.size}\x1e".encode())
    return digest.hexdigest()


def _view_takes(request) -> bool:
    """Whether a view answers this path with this method: a key on a request
    that will be 404 or 405 is not kept (nor checked), so the client gets that
    answer, not an idempotency one."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    view_class = getattr(match.func, "view_class", None) or getattr(match.func, "cls", None)
    if view_class is None:  # a function view: it decides
        return True
    # As the view's own allowed_methods: a method it names and defines.
    method = request.method.lower()
    return method in getattr(view_class, "http_method_names", (method,)) and hasattr(
        view_class, method
    )


class IdempotencyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in services.WRITE_METHODS:
            return self.get_response(request)
        api = request.path.startswith(API_PREFIX)
        key = request.headers.get(services.HEADER, "")
        if (
            not key
            and not api
            and request.content_type
            in (
                "application/x-www-form-urlencoded",
                "multipart/form-data",
            )
        ):
            key = request.POST.get(services.FORM_FIELD, "")
        key = key.strip()
        if not key or not _view_takes(request):
            return self.get_response(request)
        if not services.valid_key(key):
            return services.refusal(
                api=api,
                status=400,
                code="invalid_idempotency_key",
                detail=_("An Idempotency-Key is 1 to 255 visible ASCII characters."),
            )
        if api:
            user = _api_user(request)
            digest = services.body_hash(request.body) if user else ""
        else:
            user = request.user if request.user.is_authenticated else None
            digest = _form_hash(request) if user else ""
        if user is None:
            return self.get_response(request)
        fingerprint = services.Fingerprint(request.method, request.path, digest)
        return services.run_once(
            user_id=user.pk,
            key=key,
            fingerprint=fingerprint,
            respond=lambda: self.get_response(request),
            api=api,
        )
