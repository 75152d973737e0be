"""The login lock-out (django-axes): keyed on the username and the address it is tried from, the
same answer for real and unknown names, a cool-off on the clock, the attempts kept in tables
an auditor reads in the admin.

Nils (``night``) is the legevakt doctor; a stranger at another address tries his name.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp

from lkt.login import admin_totp_enrol
from tests.conftest import Cast, Client, admin_client_for
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
ADMIN_LOGIN = reverse("admin:login")
NILS = "nils-legevakt"
UNKNOWN = "nina-legevakt"  # nobody has this name
HIS_ADDRESS = "198.51.100.7"
STRANGER = "203.0.113.66"
LIMIT = settings.AXES_FAILURE_LIMIT
COOL_OFF = settings.AXES_COOLOFF_TIME
LOCKED = "For mange mislykkede innlogginger med dette brukernavnet herfra"
WRONG = "feil-passord-igjen"
# The CSRF token, masked anew for every page: in the form and in htmx's headers on <body>.
CSRF = re.compile(rb'(name="csrfmiddlewaretoken" value=|"X-CSRFToken": )"[^"]+"')


def attempt(client: Client, username: str, password: str, address: str, url: str = LOGIN):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


def comparable(response: HttpResponse, username: str) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body, with the two things that differ on purpose between any two
    answers written out: the per-request CSRF mask and the name the person typed back."""
    body = CSRF.sub(rb'\1"CSRF"', response.content)
    body = body.replace(username.encode(), b"USERNAME")
    headers = {k: v for k, v in response.headers.items() if k.lower() != "set-cookie"}
    return response.status_code, headers, body


def test_the_doctor_logs_in_from_her_address_after_a_stranger_failed_with_her_name(cast: Cast):
    stranger = Client()
    for _ in range(LIMIT):
        attempt(stranger, NILS, WRONG, STRANGER)
    locked = attempt(stranger, NILS, PASSWORD, STRANGER)
    assert locked.status_code == 429, "the stranger's address is locked, even with the password"
    assert LOCKED in locked.content.decode()

    nils = Client()
    response = attempt(nils, NILS, PASSWORD, HIS_ADDRESS)
    assert response.status_code == 302
    assert nils.get(reverse("coordination:crisis-lookup")).status_code == 200


def test_a_forged_forwarded_for_header_gives_a_stranger_no_fresh_tries(cast: Cast):
    stranger = Client()
    for n in range(LIMIT):
        stranger.post(
            LOGIN,
            {"username": NILS, "password": WRONG},
            REMOTE_ADDR=STRANGER,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        )
    response = stranger.post(
        LOGIN,
        {"username": NILS, "password": PASSWORD},
        REMOTE_ADDR=STRANGER,
        HTTP_X_FORWARDED_FOR="192.0.2.200",
    )
    assert response.status_code == 429


def test_behind_a_trusted_proxy_the_address_the_proxy_saw_counts(cast: Cast, settings):
    settings.AXES_IPWARE_PROXY_COUNT = 1
    settings.AXES_IPWARE_PROXY_ORDER = "right-most"
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    proxy = "10.0.0.2"
    stranger = Client()
    for n in range(LIMIT):
        # The stranger writes a new address of his own first; the proxy appends his real one.
        stranger.post(
            LOGIN,
            {"username": NILS, "password": WRONG},
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, {STRANGER}",
        )
    assert AccessAttempt.objects.get().ip_address == STRANGER
    nils = Client().post(
        LOGIN,
        {"username": NILS, "password": PASSWORD},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR=HIS_ADDRESS,
    )
    assert nils.status_code == 302


def test_a_real_and_an_unknown_username_get_the_same_answer_on_failure_and_lockout(cast: Cast):
    real, unknown = Client(), Client()
    for n in range(LIMIT + 2):
        answers = [
            comparable(attempt(real, NILS, WRONG, STRANGER), NILS),
            comparable(attempt(unknown, UNKNOWN, WRONG, STRANGER), UNKNOWN),
        ]
        assert answers[0] == answers[1], f"attempt {n + 1}"
        status = answers[0][0]
        assert status == (200 if n + 1 < LIMIT else 429), f"attempt {n + 1}"
    assert answers[0][1]["Retry-After"] == str(int(COOL_OFF.total_seconds()))
    assert LOCKED.encode() in answers[0][2]
    assert b"Kontoen" not in answers[0][2], "nothing says an account exists"


def test_while_locked_the_right_password_gets_the_same_answer_as_a_wrong_one(cast: Cast):
    client = Client()
    for _ in range(LIMIT):
        attempt(client, NILS, WRONG, STRANGER)
    right = comparable(attempt(client, NILS, PASSWORD, STRANGER), NILS)
    wrong = comparable(attempt(client, NILS, WRONG, STRANGER), NILS)
    assert right == wrong
    assert right[0] == 429
    assert "_auth_user_id" not in client.session


def test_the_lockout_ends_after_the_cool_off_and_tries_during_it_do_not_extend_it(cast: Cast):
    start = timezone.now()
    client = Client()
    for _ in range(LIMIT):
        attempt(client, NILS, WRONG, STRANGER)
    with time_machine.travel(start + COOL_OFF - dt.timedelta(minutes=1), tick=False):
        assert attempt(client, NILS, WRONG, STRANGER).status_code == 429
        assert attempt(client, NILS, PASSWORD, STRANGER).status_code == 429
    with time_machine.travel(start + COOL_OFF + dt.timedelta(seconds=1), tick=False):
        assert attempt(client, NILS, PASSWORD, STRANGER).status_code == 302


def test_a_successful_login_forgets_the_failures_before_it(cast: Cast):
    for _ in range(LIMIT - 1):
        attempt(Client(), NILS, WRONG, HIS_ADDRESS)
    assert attempt(Client(), NILS, PASSWORD, HIS_ADDRESS).status_code == 302
    for _ in range(LIMIT - 1):
        attempt(Client(), NILS, WRONG, HIS_ADDRESS)
    assert attempt(Client(), NILS, PASSWORD, HIS_ADDRESS).status_code == 302


def test_the_admin_login_is_locked_out_the_same_way(cast: Cast):
    device = admin_totp_enrol(UserFactory(username="drift", is_staff=True, is_superuser=True))
    client = Client()
    for _ in range(LIMIT):
        attempt(client, "drift", WRONG, STRANGER, ADMIN_LOGIN)
    response = attempt(client, "drift", PASSWORD, STRANGER, ADMIN_LOGIN)
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    with_code = Client().post(
        ADMIN_LOGIN,
        {"username": "drift", "password": PASSWORD, "otp_token": f"{totp(device.bin_key):06d}"},
        REMOTE_ADDR=HIS_ADDRESS,
    )
    assert with_code.status_code == 302


def test_the_attempts_are_rows_an_auditor_reads_in_the_admin(cast: Cast):
    client = Client()
    for _ in range(LIMIT):
        attempt(client, UNKNOWN, WRONG, STRANGER)
    row = AccessAttempt.objects.get()
    assert (row.username, row.ip_address, row.failures_since_start) == (UNKNOWN, STRANGER, LIMIT)
    assert WRONG not in row.post_data, "the passwords tried are not kept"
    assert AccessFailureLog.objects.filter(username=UNKNOWN).count() == LIMIT
    assert AccessFailureLog.objects.filter(username=UNKNOWN, locked_out=True).count() == 1

    admin = admin_client_for(UserFactory(is_staff=True, is_superuser=True))
    page = admin.get(reverse("admin:axes_accessattempt_changelist"))
    assert page.status_code == 200
    assert STRANGER in page.content.decode()
    assert admin.get(reverse("admin:axes_accessfailurelog_changelist")).status_code == 200


def test_the_test_clients_login_and_force_login_still_work(cast: Cast):
    assert Client().login(username=NILS, password=PASSWORD)
    assert not Client().login(username=NILS, password=WRONG)
    client = Client()
    client.force_login(cast.night)
    assert client.get(reverse("coordination:crisis-lookup")).status_code == 200
