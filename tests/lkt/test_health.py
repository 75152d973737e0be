"""/helse/ answers for the web alone (the load balancer's question); /helse/?full=1 also says
whether a Celery worker answers and beat is alive, so a stopped beat (no reminders, digests or
escalations) is reported instead of silent. With a real worker and a real beat started here."""

from __future__ import annotations

import datetime as dt
import io
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lkt import health
from lkt.core import beat
from tests.celery_processes import redis_broker, start_celery, start_worker, stop, tail, wait_for

pytestmark = pytest.mark.django_db

FULL = {"full": "1"}


@pytest.fixture(autouse=True)
def _no_heartbeat() -> Iterator[None]:
    """Each test starts with no heartbeat in Redis and leaves none behind."""
    redis = beat.redis_client()  # before a test empties REDIS_URL
    redis_broker()
    redis.delete(beat.HEARTBEAT_KEY)
    yield
    redis.delete(beat.HEARTBEAT_KEY)


def _full(client: Client) -> tuple[int, dict[str, object]]:
    response = client.get(reverse("health"), FULL)
    return response.status_code, response.json()


def test_the_load_balancers_check_asks_only_whether_the_web_can_serve(client: Client):
    response = client.get(reverse("health"))

    # No worker and no beat run here, yet the web is healthy: pages work without them.
    assert response.status_code == 200
    assert response.json() == {"ok": True, "database": True, "redis": True}


def test_a_fresh_beat_heartbeat_is_reported_alive(client: Client):
    beat.heartbeat_write()

    almost_stale = timezone.now() + health.BEAT_STALE_AFTER - dt.timedelta(seconds=1)
    with time_machine.travel(almost_stale, tick=False):
        _status, body = _full(client)

    assert body["beat"] is True


def test_a_stale_beat_heartbeat_is_reported_and_fails_the_full_check(client: Client):
    beat.heartbeat_write()

    with time_machine.travel(timezone.now() + health.BEAT_STALE_AFTER, tick=False):
        status, body = _full(client)
        plain = client.get(reverse("health"))

    assert (status, body["ok"], body["beat"]) == (503, False, False)
    assert (body["database"], body["redis"]) == (True, True)
    assert plain.status_code == 200  # the web stays in rotation


def test_a_beat_that_never_ticked_is_reported(client: Client):
    status, body = _full(client)

    assert (status, body["beat"]) == (503, False)


def test_no_worker_is_reported_within_about_a_second(client: Client):
    started = time.monotonic()
    status, body = _full(client)
    elapsed = time.monotonic() - started

    assert (status, body["worker"]) == (503, False)
    assert elapsed < health.PING_TIMEOUT_SECONDS + 1.5, elapsed


def test_in_the_demo_worker_and_beat_do_not_apply(client: Client, settings):
    settings.REDIS_URL = ""

    status, body = _full(client)

    assert status == 200
    assert body == {"ok": True, "database": True, "redis": None, "worker": None, "beat": None}


def test_a_worker_that_answers_is_reported_alive(client: Client, worker_queue: str, tmp_path: Path):
    log = tmp_path / "worker.log"
    # The ping expires a second after it is sent by the sender's clock, so both clocks run
    # here: the worker's from the instant it is started at, a moment after this one.
    with time_machine.travel(timezone.now(), tick=True):
        worker = start_worker(worker_queue, log)
        try:
            assert wait_for(lambda: _full(client)[1]["worker"] is True, process=worker), tail(log)
            started = time.monotonic()
            _status, body = _full(client)
            answered_in = time.monotonic() - started
        finally:
            stop(worker)

    assert body["worker"] is True
    assert answered_in < health.PING_TIMEOUT_SECONDS, answered_in  # the first answer suffices


def test_beat_writes_its_heartbeat_as_it_ticks_and_a_stopped_beat_is_reported(
    client: Client, worker_queue: str, tmp_path: Path
):
    log = tmp_path / "beat.log"
    arguments = ["beat", "--schedule", str(tmp_path / "schedule"), "--loglevel=INFO"]
    process = start_celery(arguments, queue=worker_queue, log=log)
    try:
        assert wait_for(lambda: beat.heartbeat_at() is not None, process=process), tail(log)
        assert _full(client)[1]["beat"] is True
    finally:
        stop(process)
    last = beat.heartbeat_at()
    assert last is not None

    with time_machine.travel(last + health.BEAT_STALE_AFTER, tick=False):
        status, body = _full(client)
    assert (status, body["beat"]) == (503, False)


def test_beat_ticks_at_least_once_a_minute_so_three_minutes_without_a_heartbeat_is_stopped():
    from lkt.celery import app

    scheduler = app.conf.beat_scheduler
    assert scheduler == "lkt.core.beat:HeartbeatScheduler"
    ticks_within = beat.HeartbeatScheduler(app=app, lazy=True).max_interval
    assert ticks_within is not None
    assert ticks_within + beat.WRITE_EVERY_SECONDS < health.BEAT_STALE_AFTER.total_seconds() / 2


def test_the_health_command_exits_with_1_when_a_named_part_fails():
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_status:
        call_command("health", "beat", stdout=out)

    assert exit_status.value.code == 1
    assert out.getvalue().strip() == '{"beat": false}'

    beat.heartbeat_write()
    call_command("health", "database", "redis", "beat", stdout=out)
    assert out.getvalue().splitlines()[-1] == '{"database": true, "redis": true, "beat": true}'
