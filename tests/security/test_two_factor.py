"""Optional TOTP two-factor sign-in for finance and managers: set up with a QR
code, then asked at every sign-in (the page and the API token)."""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from salesadmin.security.models import LoginEvent, LoginEventKind

pytestmark = pytest.mark.django_db
PASSWORD = "pw-for-tests"


def _code(device) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture
def finance_2fa(finance):
    TOTPDevice.objects.create(user=finance, name="phone", confirmed=True)
    return finance


def _login(client, username, password=PASSWORD, code=""):
    return client.post(
        "/accounts/login/", {"username": username, "password": password, "otp_token": code}
    )


def test_setup_shows_a_qr_code_and_a_right_code_turns_it_on(finance, client_for):
    client = client_for(finance)
    page = client.get("/security/two-factor/")
    assert page.status_code == 200
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=finance, confirmed=False)

    wrong = client.post("/security/two-factor/", {"code": "000000"})
    assert wrong.status_code == 200
    assert "wrong or expired" in wrong.content.decode()
    device.refresh_from_db()
    device.throttle_reset()  # django-otp's own back-off after the wrong code

    response = client.post("/security/two-factor/", {"code": _code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed


@pytest.mark.parametrize("role", ["clerk", "keeper", "guard"])
def test_other_roles_have_no_two_factor_page(role, request, client_for):
    assert client_for(request.getfixturevalue(role)).get("/security/two-factor/").status_code == 403


def test_manager_may_set_it_up(manager, client_for):
    assert client_for(manager).get("/security/two-factor/").status_code == 200


def test_login_needs_the_code_once_set_up(finance_2fa):
    response = _login(Client(), "finance")
    assert response.status_code == 200
    assert "Enter the 6-digit code" in response.content.decode()
    assert "_auth_user_id" not in response.client.session
    assert LoginEvent.objects.filter(kind=LoginEventKind.FAILED, username="finance").exists()


def test_login_with_a_wrong_code_is_refused(finance_2fa):
    response = _login(Client(), "finance", code="123456")
    assert response.status_code == 200
    assert "wrong or expired" in response.content.decode()


def test_login_with_the_right_code_signs_in(finance_2fa):
    device = TOTPDevice.objects.get(user=finance_2fa)
    response = _login(Client(), "finance", code=_code(device))
    assert response.status_code == 302
    assert response.client.session["_auth_user_id"] == str(finance_2fa.pk)


def test_users_without_a_device_sign_in_as_before(finance):
    assert _login(Client(), "finance").status_code == 302


def test_token_endpoint_needs_the_code_too(finance_2fa):
    client = Client()
    url = "/api/v1/auth/token/"
    body = {"username": "finance", "password": PASSWORD}
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "otp_required"
    device = TOTPDevice.objects.get(user=finance_2fa)
    response = client.post(
        url, {**body, "otp_token": _code(device)}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["token"]


def test_turning_it_off_needs_a_code(finance_2fa, client_for):
    client = client_for(finance_2fa)
    device = TOTPDevice.objects.get(user=finance_2fa)
    assert "Turn two-factor sign-in off" in client.get("/security/two-factor/").content.decode()
    response = client.post("/security/two-factor/", {"code": _code(device)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=finance_2fa).exists()
