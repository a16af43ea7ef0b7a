"""API token authentication that reads the user's permissions in the same query.

Every API call authenticates and then checks permissions. DRF's
TokenAuthentication reads the token with its user, and the permission check
then reads the permissions: two queries a request, each built and compiled by
the ORM anew. Here one written-out query returns the token's user and the
user's permission names, and fills the set RoleBackend keeps for the request,
so the rules stay RoleBackend's (inactive users have none, superusers have
all). Table and column names come from the models' ``_meta`` (a custom user
model works), and the user is made with ``Model.from_db``, as Django makes a
loaded row into a model.
"""

from __future__ import annotations

import functools

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from salesadmin.auth_backends import permission_names_sql


@functools.cache
def _user_by_token() -> tuple[str, list[str]]:
    q = connection.ops.quote_name
    User = get_user_model()
    Token = TokenAuthentication().get_model()
    fields = User._meta.concrete_fields
    columns = ", ".join(f"u.{q(f.column)}" for f in fields)
    token_user = Token._meta.get_field("user").column
    sql = f"""SELECT {columns}, t.{q("created")},
           ARRAY({permission_names_sql(f"u.{q(User._meta.pk.column)}")})
      FROM {q(Token._meta.db_table)} t
      JOIN {q(User._meta.db_table)} u ON u.{q(User._meta.pk.column)} = t.{q(token_user)}
     WHERE t.{q(Token._meta.pk.column)} = %s"""
    return sql, [f.attname for f in fields]


class TokenWithPermissionsAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        sql, attnames = _user_by_token()
        with connection.cursor() as cursor:
            cursor.execute(sql, [key])
            row = cursor.fetchone()
        if row is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        *values, created, permission_names = row
        user = get_user_model().from_db(connection.alias, attnames, values)
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        if not user.is_superuser:
            user._role_permissions = set(permission_names)
        token = self.get_model()(key=key, user=user, created=created)
        return (user, token)
