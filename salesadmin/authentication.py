"""API token authentication that reads the user's permissions in the same query.

Every API call authenticates and then checks permissions; DRF's
TokenAuthentication reads the token and user, and the permission check reads
the permissions: two round trips per request. Here one query returns the
token, its user and the user's permission names (through groups and directly),
and fills the cache RoleBackend reads (``_perm_cache``), so the rules stay
RoleBackend's: inactive users have none, superusers have all.
"""

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from salesadmin.auth_backends import permission_names_sql

# Written out rather than built by the ORM: this runs before every API call,
# and compiling the equivalent queryset cost more than running it.
USER_BY_TOKEN = f"""
    SELECT u.*, t.created AS token_created,
           ARRAY({permission_names_sql("u.id")}) AS permission_names
      FROM authtoken_token t
      JOIN auth_user u ON u.id = t.user_id
     WHERE t.key = %s"""


class TokenWithPermissionsAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        # A cursor and from_db rather than raw(): RawQuerySet resolves its
        # columns against the model on every call, a quarter of this query's cost.
        with connection.cursor() as cursor:
            cursor.execute(USER_BY_TOKEN, [key])
            row = cursor.fetchone()
            columns = [col.name for col in cursor.description]
        if row is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        values = dict(zip(columns, row, strict=True))
        User = get_user_model()
        fields = [f.attname for f in User._meta.concrete_fields]
        user = User.from_db(connection.alias, fields, [values[name] for name in fields])
        user.token_created = values["token_created"]
        user.permission_names = values["permission_names"]
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        if not user.is_superuser:
            user._perm_cache = set(user.permission_names)
        token = self.get_model()(key=key, user=user, created=user.token_created)
        return (user, token)
