"""Two sweeps at the same moment (two workers, a beat run and a retry): every reminder is
written once and queued for delivery once. Real transactions, one database connection per
thread."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction

from coordination.models import Delivery, Notification
from coordination.notifications.notify import notify
from coordination.reminders import reminders_sweep
from tests.concurrency import run_together
from tests.conftest import Cast
from tests.coordination.test_reminders import TODAY, coordinator_member, due_everything

OSLO = ZoneInfo("Europe/Oslo")


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2027, 3, 1, 6, 30, tzinfo=OSLO), tick=False):
        yield


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_two_sweeps_at_once_write_every_reminder_once(cast: Cast, attempt: int) -> None:
    due_everything(cast.team, coordinator_member(cast.team))

    first, second = run_together(lambda: reminders_sweep(TODAY), lambda: reminders_sweep(TODAY))

    assert isinstance(first, dict), first
    assert isinstance(second, dict), second
    keys = Counter(
        Notification.objects.values_list("kind", "recipient_id", "team_id", "occurrence")
    )
    assert keys and max(keys.values()) == 1
    # Between them the two sweeps wrote each reminder once: 9 reminders (the missing
    # evaluation goes to the coordinator and her leader) and the proposed evaluation
    # meeting's notice, each with one e-mail in the outbox.
    written = {k: first.get(k, 0) + second.get(k, 0) for k in first}
    assert sum(v for k, v in written.items() if k in Notification.Kind.values) == 9
    assert written["evaluation_meeting_proposed"] == 1
    assert Notification.objects.count() == 10
    deliveries = Counter(Delivery.objects.values_list("notification_id", "channel"))
    assert len(deliveries) == 10 and max(deliveries.values()) == 1
    # And a third run finds nothing left to do.
    assert not any(reminders_sweep(TODAY).values())


@pytest.mark.django_db(transaction=True)
def test_notify_racing_an_uncommitted_insert_of_the_same_key_returns_none(cast: Cast) -> None:
    """The race get_or_create must survive: both see no row, both insert. The second insert
    waits on the first's uncommitted row, fails on the unique key once it commits, and the
    read after the failure (a new snapshot under READ COMMITTED) finds the row."""
    inserted = threading.Event()
    waiting = threading.Event()

    def alert() -> Notification | None:
        return notify(
            recipient=cast.member,
            kind=Notification.Kind.TASK_DUE,
            team=cast.team,
            occurrence="task:race",
            message="Tiltaket har frist i dag.",
        )

    def first() -> Notification | None:
        with transaction.atomic():
            created = alert()
            inserted.set()
            waiting.wait(timeout=5)
            # Give the second thread time to block on our row before we commit.
            threading.Event().wait(0.5)
        return created

    def second() -> Notification | None:
        inserted.wait(timeout=5)
        waiting.set()
        with transaction.atomic():
            return alert()

    results = run_together(first, second)
    assert isinstance(results[0], Notification), results
    assert results[1] is None, results
    assert Notification.objects.filter(occurrence="task:race").count() == 1
    assert Delivery.objects.filter(notification__occurrence="task:race").count() == 1
