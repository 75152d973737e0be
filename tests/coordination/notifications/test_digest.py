"""The daily digest: one e-mail a morning for those who chose it, with what came since the
previous one; urgent alerts are not in it (they went out at once).

Tor (the nurse) chose the digest; Leif (the leader) gets e-mail at once.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from celery.schedules import crontab
from django.conf import settings
from django.core import mail

from actors.models import User
from coordination.models import Delivery, Notification, NotificationPreference
from coordination.notifications.digest import digest_send
from coordination.notifications.notify import notify
from coordination.notifications.preference_services import notification_preference_save
from tests.conftest import Cast
from tests.factories import StaffFactory

MONDAY = dt.datetime(2026, 11, 23, 7, 0, tzinfo=dt.UTC)
# The module's rows and sessions are made on its own Monday, as its tests travel there.
pytestmark = [pytest.mark.django_db, pytest.mark.instant(MONDAY)]
Email = NotificationPreference.Email


def alert(user: User, occurrence: str, *, urgent: bool = False, message: str = "") -> None:
    notify(
        recipient=user,
        kind="phase_alert" if urgent else "task_due",
        team=None,
        occurrence=occurrence,
        message=message or f"Tiltak {occurrence} forfaller.",
        urgent=urgent,
    )


def digests() -> list[Delivery]:
    return list(Delivery.objects.filter(notification__isnull=True).order_by("pk"))


@pytest.fixture
def tor_digest(cast: Cast) -> User:
    with time_machine.travel(MONDAY - dt.timedelta(days=3), tick=False):
        notification_preference_save(actor=cast.member, email=Email.DIGEST, sms_urgent=False)
    return cast.member


def test_the_digest_lists_unread_ordinary_notifications_and_not_urgent_ones(
    cast: Cast, tor_digest: User, django_capture_on_commit_callbacks
):
    with time_machine.travel(MONDAY - dt.timedelta(hours=10), tick=False):
        alert(tor_digest, "a")
        alert(tor_digest, "b")
        alert(tor_digest, "rød", urgent=True, message="Rød fase for Kari.")
        alert(cast.leader, "c")  # Leif gets his at once, never in a digest
    mail.outbox.clear()
    with (
        time_machine.travel(MONDAY, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert digest_send(MONDAY.date()) == 1
    [digest] = digests()
    assert digest.key == f"digest:{tor_digest.pk}:2026-11-23"
    assert digest.recipient == tor_digest
    assert digest.status == Delivery.Status.SENT
    assert "Du har 2 nye varsler" in digest.body
    assert "Tiltak a forfaller." in digest.body
    assert "Rød fase" not in digest.body
    assert [m.to for m in mail.outbox] == [[tor_digest.email]]


def test_running_the_digest_twice_the_same_day_sends_one(
    cast: Cast, tor_digest: User, django_capture_on_commit_callbacks
):
    with time_machine.travel(MONDAY - dt.timedelta(hours=1), tick=False):
        alert(tor_digest, "a")
    with (
        time_machine.travel(MONDAY, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert digest_send(MONDAY.date()) == 1
    with (
        time_machine.travel(MONDAY + dt.timedelta(minutes=5), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        alert(tor_digest, "late")  # news after the first run waits for tomorrow's digest
        assert digest_send(MONDAY.date()) == 0
    assert len(digests()) == 1
    assert len(mail.outbox) == 1


def test_the_next_digest_holds_only_what_came_since_the_previous_one(cast: Cast, tor_digest: User):
    with time_machine.travel(MONDAY - dt.timedelta(hours=1), tick=False):
        alert(tor_digest, "old")
    with time_machine.travel(MONDAY, tick=False):
        digest_send(MONDAY.date())
    tuesday = MONDAY + dt.timedelta(days=1)
    with time_machine.travel(tuesday, tick=False):
        assert digest_send(tuesday.date()) == 0  # "old" is still unread, but was in Monday's
    with time_machine.travel(tuesday + dt.timedelta(hours=2), tick=False):
        alert(tor_digest, "new")
    wednesday = MONDAY + dt.timedelta(days=2)
    with time_machine.travel(wednesday, tick=False):
        assert digest_send(wednesday.date()) == 1
    body = digests()[-1].body
    assert "Tiltak new forfaller." in body
    assert "Tiltak old" not in body


def test_read_notifications_and_those_from_before_choosing_the_digest_are_left_out(
    cast: Cast,
):
    with time_machine.travel(MONDAY - dt.timedelta(days=2), tick=False):
        alert(cast.member, "sent-at-once")  # Tor still had e-mail at once
    with time_machine.travel(MONDAY - dt.timedelta(days=1), tick=False):
        notification_preference_save(actor=cast.member, email=Email.DIGEST, sms_urgent=False)
        alert(cast.member, "read")
    Notification.objects.filter(occurrence="read").update(read_at=MONDAY)
    with time_machine.travel(MONDAY, tick=False):
        assert digest_send(MONDAY.date()) == 0
    assert digests() == []


def test_the_digest_runs_at_seven_oslo_time_every_morning():
    entry = settings.CELERY_BEAT_SCHEDULE["digest-send"]
    assert entry["task"] == "coordination.tasks.digest_send_task"
    assert entry["schedule"] == crontab(hour=7, minute=0)
    assert settings.CELERY_TIMEZONE == "Europe/Oslo"


def test_the_digest_task_sends_the_digest(cast: Cast, tor_digest: User):
    from coordination.tasks import digest_send_task

    alert(tor_digest, "a")
    assert digest_send_task.delay().result == 1  # .result: see test_alerts' escalation task


# The digest, whatever the number of users: 1 the unread notifications of digest users with
# their preference, 2 their previous digests, 3 savepoint, 4 today's digests already there,
# 5 the insert, 6 the new rows' ids, 7 release. Users without a digest waiting cost nothing.
DIGEST_QUERIES = 7


@pytest.mark.parametrize("users", [2, 20])
def test_the_digest_uses_the_same_queries_for_2_and_20_users(
    cast: Cast, users: int, django_assert_num_queries
):
    with time_machine.travel(MONDAY - dt.timedelta(days=3), tick=False):
        people = [StaffFactory.create() for _ in range(users)]
        for person in people:
            notification_preference_save(actor=person, email=Email.DIGEST, sms_urgent=False)
        bystanders = [StaffFactory.create() for _ in range(users)]
    with time_machine.travel(MONDAY - dt.timedelta(hours=2), tick=False):
        for person in people + bystanders:
            alert(person, "a")
            alert(person, "b")
    with (
        time_machine.travel(MONDAY, tick=False),
        django_assert_num_queries(DIGEST_QUERIES),
    ):
        assert digest_send(MONDAY.date()) == users
