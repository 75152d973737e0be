"""The outbox's guarantees: nothing sent for a change that did not happen, nothing lost when
Redis (the broker) is down, nothing sent twice by two workers, and failures retried with
backoff until they are given up. Real PostgreSQL; the tests with threads or real commits use
``transaction=True``.

Leif (the leader) is Cecilie's line leader: he is alerted when a leave date is recorded for
her, which is the real view that notifies in the broker test.
"""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.core import mail
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from actors.models import Role, User
from coordination.models import Delivery, Notification
from coordination.notifications import outbox
from coordination.notifications.notify import notify
from coordination.tasks import outbox_flush_task
from lkt.celery import app
from tests.conftest import Cast, client_for
from tests.factories import StaffFactory

DEAD_BROKER = "redis://127.0.0.1:1/0"


class Boom(Exception):
    pass


class FailingEmailBackend:
    """A mail server that refuses everything."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        pass

    def send_messages(self, messages: object) -> int:
        raise Boom("550 mailbox unavailable")


def pending(user: User, n: int) -> Delivery:
    return Delivery.objects.create(
        recipient=user,
        channel=Delivery.Channel.EMAIL,
        key=f"test:{user.pk}:{n}",
        subject="Test",
        body=f"Melding {n}",
    )


@pytest.mark.django_db
def test_a_notification_in_a_rolled_back_transaction_leaves_nothing_and_sends_nothing(
    cast: Cast, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Boom),
        transaction.atomic(),
    ):
        notify(recipient=cast.leader, kind="task_due", team=None, occurrence="x", message="Hei")
        assert Delivery.objects.count() == 1
        raise Boom
    assert callbacks == []
    assert not Notification.objects.exists()
    assert not Delivery.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_the_view_answers_at_once_and_the_sweep_sends_later(cast: Cast):
    cecilie = cast.team.members.get(user=cast.coordinator)
    url = reverse("actors:member-edit", args=[cast.team.pk, cecilie.pk])
    data = {
        "role": Role.COORDINATOR,
        "level": cecilie.level,
        "closeness": cecilie.closeness,
        "involvement": cecilie.involvement,
        "organisation": cecilie.organisation_id,
        "expected_leave_on": (timezone.localdate() + dt.timedelta(days=40)).isoformat(),
    }
    broker = app.conf.broker_url
    app.conf.update(task_always_eager=False, broker_url=DEAD_BROKER)
    try:
        started = time.monotonic()
        response = client_for(cast.coordinator).post(url, data)
        elapsed = time.monotonic() - started
    finally:
        app.conf.update(task_always_eager=True, broker_url=broker)
    assert response.status_code in (200, 302)
    # kombu's default connect policy would hold the request for about six seconds.
    assert elapsed < 3
    [delivery] = Delivery.objects.all()
    assert delivery.recipient == cast.leader
    assert delivery.status == Delivery.Status.PENDING
    assert mail.outbox == []

    # .result, not .get(): get() refuses when an earlier test left celery in "inside a task".
    assert outbox_flush_task.delay().result == 1
    assert outbox.deliver() == 0
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    assert delivery.attempts == 1
    assert [m.to for m in mail.outbox] == [[cast.leader.email]]


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_send_each_row_exactly_once(monkeypatch):
    people = [StaffFactory.create() for _ in range(4)]
    rows = [pending(people[n % 4], n) for n in range(24)]
    sent_pks: list[int] = []
    lock = threading.Lock()
    real_send = outbox._send

    def slow_send(delivery: Delivery) -> None:
        time.sleep(0.01)  # long enough that the two sweeps overlap
        real_send(delivery)
        with lock:
            sent_pks.append(delivery.pk)

    monkeypatch.setattr(outbox, "_send", slow_send)
    start = threading.Barrier(2)
    results: list[int] = []

    def sweep() -> None:
        try:
            start.wait()
            results.append(outbox.deliver())
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(sent_pks) == sorted(r.pk for r in rows)  # each once, none twice
    assert sum(results) == 24
    assert all(results), "both sweeps took a share (SKIP LOCKED, not waiting)"
    assert len(mail.outbox) == 24
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.SENT}


@pytest.mark.django_db
def test_a_failing_send_is_retried_later_and_given_up_after_max_attempts(cast: Cast, settings):
    settings.EMAIL_BACKEND = f"{__name__}.FailingEmailBackend"
    delivery = pending(cast.leader, 1)
    before = timezone.now()
    assert outbox.deliver() == 0
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.PENDING
    assert delivery.attempts == 1
    assert "550 mailbox unavailable" in delivery.last_error
    assert delivery.available_at >= before + dt.timedelta(minutes=2)
    assert outbox.deliver() == 0  # not due yet: untouched
    delivery.refresh_from_db()
    assert delivery.attempts == 1

    for _ in range(outbox.MAX_ATTEMPTS - 1):
        Delivery.objects.filter(pk=delivery.pk).update(available_at=timezone.now())
        outbox.deliver()
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.attempts == outbox.MAX_ATTEMPTS
    Delivery.objects.filter(pk=delivery.pk).update(available_at=timezone.now())
    outbox.deliver()
    delivery.refresh_from_db()
    assert delivery.attempts == outbox.MAX_ATTEMPTS  # failed rows are left alone


@pytest.mark.django_db
def test_a_row_that_fails_does_not_stop_the_others(cast: Cast, monkeypatch):
    bad = pending(cast.leader, 1)
    good = pending(cast.member, 2)
    real_send = outbox._send

    def send(delivery: Delivery) -> None:
        if delivery.pk == bad.pk:
            raise Boom("timeout")
        real_send(delivery)

    monkeypatch.setattr(outbox, "_send", send)
    assert outbox.deliver() == 1
    good.refresh_from_db()
    bad.refresh_from_db()
    assert good.status == Delivery.Status.SENT
    assert bad.status == Delivery.Status.PENDING
    assert bad.last_error == "timeout"


@pytest.mark.django_db
def test_deliver_with_ids_sends_only_those(cast: Cast):
    mine = pending(cast.leader, 1)
    other = pending(cast.member, 2)
    assert outbox.deliver([mine.pk]) == 1
    other.refresh_from_db()
    assert other.status == Delivery.Status.PENDING


@pytest.mark.django_db
def test_nothing_is_sent_to_someone_deactivated_while_the_row_waited(cast: Cast):
    delivery = pending(cast.leader, 1)
    User.objects.filter(pk=cast.leader.pk).update(is_active=False)
    assert outbox.deliver() == 0
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_deactivated_person_gets_the_notification_but_no_e_mail(cast: Cast):
    User.objects.filter(pk=cast.leader.pk).update(is_active=False)
    cast.leader.refresh_from_db()
    notify(recipient=cast.leader, kind="task_due", team=None, occurrence="x", message="Hei")
    assert Notification.objects.filter(recipient=cast.leader).exists()
    assert not Delivery.objects.exists()
