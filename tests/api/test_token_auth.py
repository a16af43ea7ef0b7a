"""Token authentication reads the token, its user and the user's permissions
in one query per request, and the role rules still hold: a role taken away, an
inactive user, a bad token, a permission given directly, a superuser."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from salesadmin.roles import Role

pytestmark = pytest.mark.django_db


def _client(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_a_call_reads_token_user_and_permissions_in_one_query(clerk):
    client = _client(clerk)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/api/v1/delivery-notes/")
    assert response.status_code == 200
    sqls = [q["sql"] for q in ctx.captured_queries]
    token_reads = [sql for sql in sqls if "authtoken_token" in sql]
    assert len(token_reads) == 1
    assert "auth_user" in token_reads[0]  # the user comes with the token
    assert "auth_permission" in token_reads[0]  # and so do the permissions
    assert len([sql for sql in sqls if "auth_permission" in sql]) == 1


def test_the_written_out_permissions_are_django_model_backends(django_user_model):
    """Given a user with two roles and a permission of their own, the one query
    (token or session) yields exactly what Django's ModelBackend would."""
    from django.contrib.auth.backends import ModelBackend
    from django.contrib.auth.models import Permission

    from salesadmin.auth_backends import RoleBackend

    user = django_user_model.objects.create_user("two-roles", password="pw")
    user.groups.add(*Group.objects.filter(name__in=[Role.SALES_CLERK, Role.GATE_GUARD]))
    user.user_permissions.add(Permission.objects.get(codename="view_pricelist"))
    expected = ModelBackend().get_all_permissions(django_user_model.objects.get(pk=user.pk))
    assert "orders.view_pricelist" in expected and len(expected) > 10
    assert RoleBackend().get_all_permissions(django_user_model.objects.get(pk=user.pk)) == expected
    response = _client(user).get("/api/v1/orders/")
    assert response.status_code == 200
    assert response.wsgi_request.user._role_permissions == expected


def test_permissions_are_not_kept_from_one_call_to_the_next(clerk):
    client = _client(clerk)
    for _ in range(2):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/api/v1/orders/").status_code == 200
        assert len([q for q in ctx.captured_queries if "auth_permission" in q["sql"]]) == 1


def test_role_taken_away_is_refused_on_the_next_call(clerk):
    client = _client(clerk)
    assert client.get("/api/v1/orders/").status_code == 200
    clerk.groups.remove(Group.objects.get(name=Role.SALES_CLERK))
    assert client.get("/api/v1/orders/").status_code == 403


def test_other_role_is_refused_with_a_token(keeper):
    assert _client(keeper).get("/api/v1/orders/").status_code == 403


def test_inactive_user_and_unknown_token_are_401(clerk):
    client = _client(clerk)
    clerk.is_active = False
    clerk.save(update_fields=["is_active"])
    assert client.get("/api/v1/orders/").status_code == 401
    stranger = APIClient()
    stranger.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    response = stranger.get("/api/v1/orders/")
    assert response.status_code == 401
    assert "token" in response.json()["detail"].lower()


def test_superuser_keeps_every_permission(django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.com", "pw")
    assert _client(root).get("/api/v1/orders/").status_code == 200


def test_a_permission_given_to_the_user_directly_counts_for_token_and_session(
    django_user_model,
):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("auditor", password="pw")
    assert _client(user).get("/api/v1/orders/").status_code == 403
    user.user_permissions.add(Permission.objects.get(codename="view_salesorder"))
    assert _client(user).get("/api/v1/orders/").status_code == 200
    session = APIClient()
    session.force_login(user)
    assert session.get("/api/v1/orders/").status_code == 200
