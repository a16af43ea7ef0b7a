"""Role checks for pages: anonymous users go to the login page, a logged-in
user without the permission gets 403."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


def role_required(*perms: str, any_of: bool = False) -> Callable:
    """Require the permissions (all of them, or ``any_of`` them) for a view."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            allowed = any(user.has_perm(p) for p in perms) if any_of else user.has_perms(perms)
            if not allowed:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.required_perms = perms  # read by the role coverage test
        return wrapped

    return decorator
