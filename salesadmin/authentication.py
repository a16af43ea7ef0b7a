"""API token authentication that reads the user's permissions in the same query.

Every API call authenticates and then checks permissions; DRF's
TokenAuthentication reads the token and user, and the permission check reads
the permissions: two round trips per request. Here one query returns the
token, its user and the user's permission names (through groups and directly),
and fills the cache RoleBackend reads (``_perm_cache``), so the rules stay
RoleBackend's: inactive users have none, superusers have all.
"""

from django.contrib.postgres.fields import ArrayField
from django.db.models import CharField
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from salesadmin.auth_backends import permission_names_sql

PERMISSION_NAMES = RawSQL(
    f"ARRAY({permission_names_sql('authtoken_token.user_id')})",
    [],
    output_field=ArrayField(CharField()),
)


class TokenWithPermissionsAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        model = self.get_model()
        token = (
            model.objects.select_related("user")
            .annotate(permission_names=PERMISSION_NAMES)
            .filter(key=key)
            .first()
        )
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        if not token.user.is_superuser:
            token.user._perm_cache = set(token.permission_names)
        return (token.user, token)
