"""Permissions in one query per request instead of two.

Django's ModelBackend reads a user's own permissions and their groups'
permissions with two queries. Every page and API call checks permissions, so
this backend reads both at once (a UNION of the same two indexed lookups; one
OR across both paths made PostgreSQL scan the permission table) and keeps them
on the user object, which lives for one request. The rules are ModelBackend's:
inactive users have none, superusers have all.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission


class RoleBackend(ModelBackend):
    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_role_permissions"):
            names = ("content_type__app_label", "codename")
            if user_obj.is_superuser:
                rows = Permission.objects.values_list(*names)
            else:
                groups = get_user_model()._meta.get_field("groups").related_query_name()
                rows = (
                    Permission.objects.filter(**{f"group__{groups}": user_obj})
                    .values_list(*names)
                    .order_by()
                    .union(user_obj.user_permissions.values_list(*names).order_by())
                )
            user_obj._role_permissions = {f"{app}.{codename}" for app, codename in rows}
        return user_obj._role_permissions
