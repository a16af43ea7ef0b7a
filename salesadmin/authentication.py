"""API token authentication that reads the user's permissions in the same query.

Every API call authenticates and then checks permissions; DRF's
TokenAuthentication reads the token and user, and the permission check reads
the permissions: two round trips per request. Here one query returns the
token, its user and the user's permission names (through groups and directly),
and fills the cache RoleBackend reads (``_perm_cache``), so the rules stay
RoleBackend's: inactive users have none, superusers have all.
"""

from django.contrib.auth.models import Permission
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import F, OuterRef, Q, Value
from django.db.models.functions import Concat
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication


def _permission_names(user_ref):
    return ArraySubquery(
        Permission.objects.filter(Q(group__user=user_ref) | Q(user=user_ref))
        .order_by()
        .values(perm=Concat(F("content_type__app_label"), Value("."), F("codename")))
    )


class TokenWithPermissionsAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        model = self.get_model()
        token = (
            model.objects.select_related("user")
            .annotate(permission_names=_permission_names(OuterRef("user_id")))
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
