"""A user's permissions in one written-out query, per request.

Django's ModelBackend reads a user's own permissions and their groups'
permissions with two queries. Every page and API call checks permissions, so
this backend reads both at once: a UNION of the same two indexed lookups (one
OR across both paths made PostgreSQL scan the permission table). The query is
written out (a documented raw query) because building and compiling the
equivalent queryset cost more than running it, on every request; its table
and column names come from the models' ``_meta``, so a custom user model or a
renamed table still works. The rules are ModelBackend's: inactive users have
none, superusers have all. The set lives on the user object, which lives for
one request.
"""

from __future__ import annotations

import functools

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection


def _link(field, model) -> tuple[str, str]:
    """A many-to-many field's table and its column pointing at ``model``."""
    through = field.remote_field.through._meta
    (column,) = [f.column for f in through.concrete_fields if f.related_model is model]
    return through.db_table, column


@functools.cache
def permission_names_sql(user_id: str) -> str:
    """A user's permission names (``app_label.codename``) through their groups
    and given directly. ``user_id`` is an SQL expression: a placeholder (then
    it is passed twice) or a column of an outer query."""
    q = connection.ops.quote_name
    User = get_user_model()
    groups_table, groups_user = _link(User._meta.get_field("groups"), User)
    _, groups_group = _link(User._meta.get_field("groups"), Group)
    grants_table, grants_group = _link(Group._meta.get_field("permissions"), Group)
    _, grants_permission = _link(Group._meta.get_field("permissions"), Permission)
    own_table, own_user = _link(User._meta.get_field("user_permissions"), User)
    _, own_permission = _link(User._meta.get_field("user_permissions"), Permission)
    names = f"""SELECT ct.{q("app_label")} || '.' || p.{q("codename")}
          FROM {{links}}
          JOIN {q(Permission._meta.db_table)} p ON p.{q("id")} = {{permission}}
          JOIN {q(ContentType._meta.db_table)} ct ON ct.{q("id")} = p.{q("content_type_id")}
         WHERE {{user}} = {user_id}"""
    return (
        names.format(
            links=f"{q(groups_table)} ug JOIN {q(grants_table)} gp"
            f" ON gp.{q(grants_group)} = ug.{q(groups_group)}",
            permission=f"gp.{q(grants_permission)}",
            user=f"ug.{q(groups_user)}",
        )
        + "\n        UNION\n        "
        + names.format(
            links=f"{q(own_table)} up",
            permission=f"up.{q(own_permission)}",
            user=f"up.{q(own_user)}",
        )
    )


class RoleBackend(ModelBackend):
    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_role_permissions"):
            if user_obj.is_superuser:
                rows = Permission.objects.values_list("content_type__app_label", "codename")
                user_obj._role_permissions = {f"{app}.{codename}" for app, codename in rows}
            else:
                with connection.cursor() as cursor:
                    cursor.execute(permission_names_sql("%s"), [user_obj.pk, user_obj.pk])
                    user_obj._role_permissions = {name for (name,) in cursor.fetchall()}
        return user_obj._role_permissions
