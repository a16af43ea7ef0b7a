"""Brute force: the login page, the admin and the API token lock out after the
configured number of failures, refuse even the right password while locked,
wait longer each series, and a manager can lift the lock."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt, AccessAttemptExpiration
from django.test import Client, override_settings
from django.utils import timezone

from salesadmin.security.models import LoginEvent, LoginEventKind

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests"  # tests/factories.UserFactory
LIMIT = 5


def _login(client, username, password, **extra):
    return client.post("/accounts/login/", {"username": username, "password": password}, **extra)


def _token(client, username, password, **extra):
    return client.post(
        "/api/v1/auth/token/",
        {"username": username, "password": password},
        content_type="application/json",
        **extra,
    )


def _fail(call, client, username, times, **extra):
    for _ in range(times):
        response = call(client, username, "wrong-password", **extra)
        assert response.status_code in (200, 400, 429)
    return response


@override_settings(AXES_FAILURE_LIMIT=LIMIT)
def test_login_page_locks_after_the_limit_and_refuses_the_right_password(guard):
    client = Client()
    # Given four failures: still allowed, and the right password works then...
    _fail(_login, client, "guard", LIMIT - 1)
    response = _login(Client(), "guard", PASSWORD, REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 302
    # ...when the fifth failure comes, the username is locked
    response = _fail(_login, client, "guard", 1)
    assert response.status_code == 429
    # then even the right password is refused, from any address, with the wait
    response = _login(Client(), "guard", PASSWORD, REMOTE_ADDR="10.0.0.10")
    assert response.status_code == 429
    assert "Too many failed sign-ins. Try again in 15 minutes" in response.content.decode()
    assert int(response["Retry-After"]) > 14 * 60
    assert "_auth_user_id" not in response.client.session


@override_settings(AXES_FAILURE_LIMIT=LIMIT)
def test_lockout_message_is_translated(guard):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    response = _fail(_login, client, "guard", LIMIT)
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()


@override_settings(AXES_FAILURE_LIMIT=LIMIT)
def test_one_address_trying_many_usernames_is_locked(clerk, guard):
    client = Client(REMOTE_ADDR="10.1.1.1")
    for n in range(LIMIT):
        _login(client, f"nobody{n}", "x")
    response = _login(client, "clerk", PASSWORD)
    assert response.status_code == 429
    # the same user from another address is not locked: only the address is
    assert _login(Client(REMOTE_ADDR="10.1.1.2"), "clerk", PASSWORD).status_code == 302


@override_settings(AXES_FAILURE_LIMIT=LIMIT)
def test_the_wait_doubles_with_each_series_of_failures(guard):
    client = Client()
    first = _fail(_login, client, "guard", LIMIT)
    assert 14 * 60 < int(first["Retry-After"]) <= 15 * 60
    second = _fail(_login, client, "guard", LIMIT)
    assert 29 * 60 < int(second["Retry-After"]) <= 30 * 60
    third = _fail(_login, client, "guard", LIMIT)
    assert 59 * 60 < int(third["Retry-After"]) <= 60 * 60


@override_settings(AXES_FAILURE_LIMIT=LIMIT)
def test_lock_lifts_by_itself_after_the_wait(guard):
    client = Client()
    _fail(_login, client, "guard", LIMIT)
    assert _login(Client(), "guard", PASSWORD).status_code == 429
    AccessAttemptExpiration.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))
    assert _login(Client(), "guard", PASSWORD).status_code == 302


@override_settings(AXES_FAILURE_LIMIT=LIMIT)
def test_manager_sees_and_lifts_the_lockout(guard, manager, client_for):
    _fail(_login, Client(), "guard", LIMIT)
    page = client_for(manager).get("/security/lockouts/")
    assert page.status_code == 200
    assert "guard" in page.content.decode()
    assert "Lift the lock" in page.content.decode()

    response = client_for(manager).post("/security/lockouts/release/", {"username": "guard"})
    assert response.status_code == 302

    assert _login(Client(), "guard", PASSWORD).status_code == 302
    released = LoginEvent.objects.get(kind=LoginEventKind.RELEASED)
    assert (released.username, released.actor) == ("guard", manager)


@pytest.mark.parametrize("role", ["clerk", "finance", "keeper", "guard"])
def test_only_managers_see_or_lift_lockouts(role, request, client_for):
    client = client_for(request.getfixturevalue(role))
    assert client.get("/security/lockouts/").status_code == 403
    assert client.post("/security/lockouts/release/", {"username": "x"}).status_code == 403


@override_settings(AXES_FAILURE_LIMIT=LIMIT)
def test_token_endpoint_locks_out_too_and_answers_json(guard):
    client = Client()
    for _ in range(LIMIT - 1):
        response = _token(client, "guard", "wrong")
        assert response.status_code == 400
        assert response.json()["code"] == "invalid_credentials"
    response = _token(client, "guard", "wrong")
    assert response.status_code == 429
    response = _token(Client(REMOTE_ADDR="10.2.2.2"), "guard", PASSWORD)
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "locked_out"
    assert int(response["Retry-After"]) == body["retry_after"] > 14 * 60
    # a lock taken through the API holds on the login page as well
    assert _login(Client(REMOTE_ADDR="10.2.2.3"), "guard", PASSWORD).status_code == 429


@override_settings(AXES_FAILURE_LIMIT=LIMIT)
def test_token_endpoint_released_by_a_manager(guard, manager, client_for):
    _fail(_token, Client(), "guard", LIMIT)
    client_for(manager).post("/security/lockouts/release/", {"username": "guard"})
    response = _token(Client(REMOTE_ADDR="10.3.3.3"), "guard", PASSWORD)
    assert response.status_code == 200
    assert response.json()["token"]


@override_settings(AXES_FAILURE_LIMIT=LIMIT)
def test_admin_signs_in_through_the_login_page(manager):
    response = Client().get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2F"


def test_sign_ins_failures_and_lockouts_are_in_the_audit_log(guard):
    with override_settings(AXES_FAILURE_LIMIT=2):
        _login(Client(), "guard", PASSWORD)
        _fail(_login, Client(), "guard", 2)
    kinds = list(LoginEvent.objects.order_by("id").values_list("kind", "username"))
    # axes reports the lockout while it handles the failure that caused it
    assert kinds == [
        (LoginEventKind.SUCCEEDED, "guard"),
        (LoginEventKind.FAILED, "guard"),
        (LoginEventKind.LOCKED_OUT, "guard"),
        (LoginEventKind.FAILED, "guard"),
    ]
    assert LoginEvent.objects.filter(ip_address="127.0.0.1").count() == 4
