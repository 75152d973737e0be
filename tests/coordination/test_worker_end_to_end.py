"""End to end with a real Celery worker and the real Redis: the coordinator confirms a proposal
of rød through the view, the named night contact's alert is in the database at once (written
with the phase change), and a worker started here sends its e-mail from the outbox.

The worker is a separate process on a queue of its own (so no other worker on the same Redis
takes the task), pointed at the test database pytest created; it is stopped in ``finally``.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from careplans.models import Phase
from careplans.phase_selectors import current_phase
from coordination.models import Delivery, Notification, Observation
from coordination.observation_services import observation_report
from tests.conftest import Cast, client_for
from tests.coordination.alert_helpers import crisis_plan

# Start-up (Django and Celery, about 3 to 5 seconds) plus the delivery itself.
DEADLINE_SECONDS = 30


def _redis_broker() -> str:
    url = settings.CELERY_BROKER_URL
    if not url.startswith("redis://"):
        pytest.skip("needs REDIS_URL: the end-to-end test runs against the real Redis")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not reachable")
    return url


def _database_url() -> str:
    """The test database pytest created (its NAME), with the same user, host and port."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}{port}/{db['NAME']}"


def _start_worker(queue: str, broker: str, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lkt.settings",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": broker,
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "SECRET_KEY": settings.SECRET_KEY or "end-to-end-test",
    }
    command = [
        *(sys.executable, "-m", "celery", "-A", "lkt", "worker"),
        *("--pool=solo", "-Q", queue, "-n", f"{queue}@%h", "--loglevel=INFO"),
        *("--without-gossip", "--without-mingle", "--without-heartbeat"),
    ]
    with log.open("wb") as out:
        return subprocess.Popen(  # noqa: S603 - a fixed command: this interpreter's celery
            command, cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT
        )


def _stop(worker: subprocess.Popen[bytes]) -> None:
    worker.terminate()
    try:
        worker.wait(timeout=10)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait(timeout=5)


def _forget_queue(queue: str) -> None:
    """Leave nothing of the test's queue behind in Redis (the queue and kombu's binding)."""
    url = settings.CELERY_BROKER_URL
    if not url.startswith("redis://"):
        return
    import redis

    with contextlib.suppress(redis.exceptions.RedisError):
        redis.Redis.from_url(url, socket_connect_timeout=1).delete(
            queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}"
        )


@pytest.fixture
def worker_queue():
    """Tasks really go to the broker, on a queue of their own, for this test only."""
    from lkt.celery import app

    queue = f"lkt-e2e-{uuid.uuid4().hex[:12]}"
    routes = app.conf.task_routes
    router = app.amqp.router
    app.conf.task_always_eager = False
    app.conf.task_routes = {"coordination.tasks.*": {"queue": queue}}
    app.amqp.flush_routes()
    app.amqp.router = app.amqp.Router()  # type: ignore[misc]  # it has a setter
    try:
        yield queue
    finally:
        app.conf.task_routes = routes
        app.amqp.flush_routes()
        app.amqp.router = router  # type: ignore[misc]
        _forget_queue(queue)


@pytest.mark.django_db(transaction=True)
def test_a_confirmed_red_proposal_reaches_the_night_contact_by_e_mail_through_a_worker(
    cast: Cast, worker_queue: str, tmp_path: Path
):
    broker = _redis_broker()
    plan = crisis_plan(cast)
    observation = observation_report(
        actor=cast.member, team=cast.team, text="Kari snakker om å gi opp", proposed_phase="red"
    )
    log = tmp_path / "worker.log"
    started = time.monotonic()
    worker = _start_worker(worker_queue, broker, log)
    try:
        url = reverse("coordination:observation-decide", args=[cast.team.pk, observation.pk])
        response = client_for(cast.coordinator).post(url, {"decision": "confirm"})
        assert response.status_code == 302

        # At once, written with the phase change: the alert in the night contact's inbox and
        # the e-mail waiting in the outbox.
        assert current_phase(cast.team) == Phase.RED
        observation.refresh_from_db()
        assert observation.status == Observation.Status.CONFIRMED
        alert = Notification.objects.get(recipient=plan.nils_user, kind="phase_alert")
        assert alert.urgent
        email = Delivery.objects.get(notification=alert, channel=Delivery.Channel.EMAIL)

        # The worker sends it.
        while time.monotonic() - started < DEADLINE_SECONDS:
            email.refresh_from_db()
            if email.status != Delivery.Status.PENDING or worker.poll() is not None:
                break
            time.sleep(0.25)
        assert email.status == Delivery.Status.SENT, log.read_text(errors="replace")[-3000:]
        assert email.sent_at is not None
        assert email.attempts == 1
    finally:
        _stop(worker)
