"""The session and its user, read by statements compiled once (lkt.core.sessions, lkt.login):
what Django's own reads answer, for a session in force, one expired, one unknown and a user
who may no longer log in."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from actors.models import User
from tests.conftest import client_for
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

HOME = reverse("workspace:team-list")


def _logged_in() -> tuple[User, Client]:
    user = StaffFactory.create()
    client = client_for(user)
    assert client.get(HOME).status_code == 200
    return user, client


def _is_sent_to_login(client: Client) -> bool:
    response = client.get(HOME)
    return response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_session_in_force_keeps_its_user_logged_in() -> None:
    user, client = _logged_in()
    response = client.get(HOME)
    assert response.status_code == 200
    assert response.wsgi_request.user.pk == user.pk


def test_an_expired_session_is_no_login() -> None:
    _, client = _logged_in()
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    assert _is_sent_to_login(client)


def test_a_session_the_database_does_not_hold_is_no_login() -> None:
    _, client = _logged_in()
    Session.objects.all().delete()
    assert _is_sent_to_login(client)


def test_a_user_who_may_no_longer_log_in_loses_the_session() -> None:
    user, client = _logged_in()
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert _is_sent_to_login(client)
