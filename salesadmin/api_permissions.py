"""The REST API's role check (kept apart from rest_framework.views to avoid an import cycle)."""

from rest_framework import permissions


class RolePermission(permissions.BasePermission):
    """Each API view names ``required_perms`` (all needed); none means staff only.

    Defaulting to refusal keeps a new endpoint closed until someone decides who
    may use it.
    """

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        required = getattr(view, "required_perms", None)
        if required is None:
            return bool(user.is_superuser)
        return user.has_perms(required)
