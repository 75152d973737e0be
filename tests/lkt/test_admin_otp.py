"""The admin asks a local admin account for a TOTP code after the password (django-otp), and
passwords are for local admin accounts only once ID-porten and HelseID log people in."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from lkt.login import admin_totp_enrol
from tests.conftest import Cast, Client, admin_client_for
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


def _admin_login(client: Client, *, token: str):
    return client.post(
        reverse("admin:login"),
        {"username": "admin", "password": PASSWORD, "otp_token": token, "next": "/admin/"},
        REMOTE_ADDR="10.1.2.3",
    )


def test_an_admin_logged_in_with_a_password_alone_is_sent_to_the_admin_login(admin):
    client = Client()
    client.force_login(admin)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_the_admin_login_asks_for_the_code_and_lets_in_with_the_right_one(admin):
    device = admin_totp_enrol(admin)
    client = Client()

    page = client.get(reverse("admin:login"))
    assert 'name="otp_token"' in page.content.decode()
    response = _admin_login(client, token=f"{totp(device.bin_key):06d}")

    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_wrong_code_keeps_the_admin_out(admin):
    device = admin_totp_enrol(admin)
    wrong = f"{(totp(device.bin_key) + 1) % 1_000_000:06d}"
    client = Client()

    response = _admin_login(client, token=wrong)

    assert response.status_code == 200
    assert client.get(reverse("admin:index")).status_code == 302


def test_an_admin_with_a_code_reads_the_admin(admin):
    assert admin_client_for(admin).get(reverse("admin:index")).status_code == 200


def test_totp_enrol_prints_the_key_and_keeps_one_device(admin, capsys):
    call_command("totp_enrol", "admin")
    call_command("totp_enrol", "admin")
    assert TOTPDevice.objects.filter(user=admin).count() == 1
    assert "TOTP-nøkkel for admin" in capsys.readouterr().out

    old_key = TOTPDevice.objects.get(user=admin).key
    call_command("totp_enrol", "admin", "--reset")
    assert TOTPDevice.objects.get(user=admin).key != old_key


def test_totp_enrol_refuses_an_account_that_is_no_admin(cast: Cast):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("totp_enrol", cast.coordinator.username)


@pytest.mark.parametrize("role", ["coordinator", "patient", "relative"])
def test_without_password_login_patients_relatives_and_staff_cannot_use_a_password(
    cast: Cast, settings, role: str
):
    settings.LKT_PASSWORD_LOGIN = False
    user = cast.user(role)
    assert user is not None

    assert not Client().login(username=user.username, password=PASSWORD)
    response = Client().post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 200, "the form again, not logged in"


def test_without_password_login_a_session_a_password_opened_ends(cast: Cast, settings):
    client = Client()
    assert client.login(username=cast.coordinator.username, password=PASSWORD)
    settings.LKT_PASSWORD_LOGIN = False

    assert client.get(reverse("workspace:team-list")).status_code == 302


def test_without_password_login_a_local_admin_still_uses_one(admin, settings):
    settings.LKT_PASSWORD_LOGIN = False
    assert Client().login(username="admin", password=PASSWORD)


def test_the_login_page_without_password_login_shows_no_password_form(client, settings):
    settings.LKT_PASSWORD_LOGIN = False
    page = client.get(reverse("login")).content.decode()
    assert 'name="password"' not in page
    assert reverse("admin:login") in page
