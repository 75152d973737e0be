"""Health endpoint: ``/helse/`` for the load balancer and docker-compose, ``/helse/?full=1`` for
monitoring.

``/helse/`` answers whether this web process can serve: the database and Redis reachable
(503 if not). It never depends on the workers or beat: a load balancer must not take the web
out of rotation because beat died, when the pages still work.

``/helse/?full=1`` adds ``worker`` (a Celery worker answers a ping within a second) and
``beat`` (beat's heartbeat, ``lkt.core.beat``, is under three minutes old) and is 503 when any part
fails, so a monitor raises the alarm when reminders, digests and the escalation of rød alerts
would stop silently. Each field is ``true``, ``false``, or ``null`` where it does not apply:
the embedded demo has no Redis and runs tasks in the web process.

``manage.py health [part …]`` runs the same checks from a shell (the containers' health checks).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from lkt.celery import app
from lkt.core.beat import heartbeat_at

# Beat ticks at least once a minute (CELERY_BEAT_MAX_LOOP_INTERVAL): three minutes without a
# heartbeat is a stopped beat, not a slow one.
BEAT_STALE_AFTER = dt.timedelta(minutes=3)
# How long a full check waits for a worker's answer; a worker that is up answers in
# milliseconds, so only a missing one costs the full second.
PING_TIMEOUT_SECONDS = 1.0


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:  # noqa: BLE001 – any failure means "not healthy"
        return False


def _redis_ok() -> bool | None:
    if not settings.REDIS_URL:
        return None  # the embedded demo runs without Redis
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2
        )
        return bool(client.ping())
    except redis.RedisError:
        return False


def _worker_ok() -> bool | None:
    """Some worker answers (every worker serves every queue); the first answer is enough."""
    if not settings.REDIS_URL:
        return None  # the demo runs its tasks eagerly, in the web process
    try:
        # One connection attempt, as the outbox's publish: kombu's default retries for seconds.
        with app.connection_for_write(transport_options={"max_retries": 0}) as broker:
            replies = app.control.ping(timeout=PING_TIMEOUT_SECONDS, limit=1, connection=broker)
    except Exception:  # noqa: BLE001 – the broker's errors vary by transport: "no answer"
        return False
    return bool(replies)


def _beat_ok() -> bool | None:
    if not settings.REDIS_URL:
        return None  # the demo runs no beat
    try:
        last = heartbeat_at()
    except redis.RedisError:
        return False
    return last is not None and timezone.now() - last < BEAT_STALE_AFTER


WEB_CHECKS: dict[str, Callable[[], bool | None]] = {
    "database": _database_ok,
    "redis": _redis_ok,
}
CHECKS: dict[str, Callable[[], bool | None]] = {
    **WEB_CHECKS,
    "worker": _worker_ok,
    "beat": _beat_ok,
}


def run_checks(names: list[str] | tuple[str, ...]) -> dict[str, bool | None]:
    return {name: CHECKS[name]() for name in names}


def all_ok(results: dict[str, bool | None]) -> bool:
    """Healthy unless a part that applies failed (``None``: does not apply)."""
    return all(result is not False for result in results.values())


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    full = request.GET.get("full") == "1"
    checks = run_checks(tuple(CHECKS if full else WEB_CHECKS))
    healthy = all_ok(checks)
    return JsonResponse({"ok": healthy, **checks}, status=200 if healthy else 503)
