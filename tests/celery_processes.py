"""Real Celery processes for the end-to-end tests: a worker (or beat) started here, on a queue
of its own (so no other worker on the same Redis takes the test's tasks), pointed at the test
database pytest created, and living at the test's instant (``tests.celery_at_instant``).

Every start has a bounded wait and a stop for ``finally``; ``forget_queue`` leaves nothing of
the test's queue in Redis, not even the message of a worker the test killed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

# Start-up of Django and Celery takes about 3 to 5 seconds on a quiet machine.
DEADLINE_SECONDS = 30
PIDBOX_BINDINGS = "_kombu.binding.celery.pidbox"


def redis_broker() -> str:
    url = settings.CELERY_BROKER_URL
    if not url.startswith("redis://"):
        pytest.skip("needs REDIS_URL: the end-to-end test runs against the real Redis")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not reachable")
    return url


def database_url() -> str:
    """The test database pytest created (its NAME), with the same user, host and port."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}{port}/{db['NAME']}"


def start_celery(
    arguments: list[str], *, queue: str, log: Path, at: dt.datetime | None = None
) -> subprocess.Popen[bytes]:
    """``celery -A lkt <arguments>`` with its clock at ``at`` (the test's now by default)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lkt.settings",
        "DATABASE_URL": database_url(),
        "REDIS_URL": redis_broker(),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "SECRET_KEY": settings.SECRET_KEY or "end-to-end-test",
        "LKT_CELERY_INSTANT": (at or timezone.now()).isoformat(),
        "LKT_CELERY_QUEUE": queue,
    }
    command = [sys.executable, "-m", "tests.celery_at_instant", "-A", "lkt", *arguments]
    with log.open("wb") as out:
        return subprocess.Popen(  # noqa: S603 - a fixed command: this interpreter's celery
            command, cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT
        )


def start_worker(
    queue: str, log: Path, *, name: str = "", at: dt.datetime | None = None
) -> subprocess.Popen[bytes]:
    """One worker process (solo pool: killing it kills the job it runs) on ``queue`` only."""
    arguments = [
        *("worker", "--pool=solo", "-Q", queue, "-n", f"{name or queue}@%h", "--loglevel=INFO"),
        *("--without-gossip", "--without-mingle", "--without-heartbeat"),
    ]
    return start_celery(arguments, queue=queue, log=log, at=at)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def wait_for(
    condition: Callable[[], bool], *, process: subprocess.Popen[bytes] | None = None
) -> bool:
    """Poll ``condition`` until it holds, ``process`` ends or the deadline passes (real time:
    the test's own clock stands still)."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline:
        if condition():
            return True
        if process is not None and process.poll() is not None:
            return condition()
        time.sleep(0.2)
    return condition()


def tail(log: Path) -> str:
    return log.read_text(errors="replace")[-3000:] if log.exists() else "(no log)"


def forget_queue(queue: str) -> None:
    """Leave nothing of the test's queue in Redis: the queue, kombu's bindings to it, the
    remote-control binding of a worker that was killed (its node name starts with the queue's),
    and the messages such a worker had taken but not acknowledged (kombu's ``unacked`` hash),
    which any later worker on this Redis would otherwise put back on the queue."""
    url = settings.CELERY_BROKER_URL
    if not url.startswith("redis://"):
        return
    import redis

    with contextlib.suppress(redis.exceptions.RedisError):
        client = redis.Redis.from_url(url, socket_connect_timeout=1)
        client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
        for binding in client.smembers(PIDBOX_BINDINGS):
            if queue.encode() in binding:
                client.srem(PIDBOX_BINDINGS, binding)
        for tag, raw in client.hscan_iter("unacked"):
            with contextlib.suppress(ValueError, TypeError, IndexError):
                _message, _exchange, routing_key = json.loads(raw)
                if routing_key == queue:
                    client.hdel("unacked", tag)
                    client.zrem("unacked_index", tag)


@contextlib.contextmanager
def private_queue() -> Iterator[str]:
    """The test process's tasks really go to the broker, on a queue of their own."""
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
        forget_queue(queue)
