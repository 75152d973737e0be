"""Beat's heartbeat: the scheduler writes the time into Redis as it ticks, and /helse/?full=1
reports beat as stopped when the time there is old (``lkt.health``).

If beat dies, nothing else says so: reminders, the digests and the escalation of rød alerts
just stop. The heartbeat is written by the scheduler itself rather than by a scheduled task, so
it measures beat alone: a task's heartbeat would stop too when only the workers are down, and
the health check would blame beat for it. ``CELERY_BEAT_SCHEDULER`` in settings names the
scheduler, so ``celery -A lkt beat`` uses it without a command-line option.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from typing import Any

import redis
from celery.beat import PersistentScheduler
from django.conf import settings
from django.utils import timezone

log = logging.getLogger(__name__)

HEARTBEAT_KEY = "lkt:beat:heartbeat"
# Beat ticks at least once a minute (CELERY_BEAT_MAX_LOOP_INTERVAL), more often when entries
# fall due; one write in ten seconds is plenty and spares Redis a write at every tick.
WRITE_EVERY_SECONDS = 10.0
# Kept a day, so a beat stopped overnight still shows as stopped (not as never started).
KEEP_SECONDS = 24 * 60 * 60


def redis_client() -> redis.Redis:
    # Short timeouts: neither beat nor a health check may hang on a Redis that hangs.
    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1)


def heartbeat_write(client: redis.Redis | None = None) -> None:
    (client or redis_client()).set(HEARTBEAT_KEY, str(timezone.now().timestamp()), ex=KEEP_SECONDS)


def heartbeat_at(client: redis.Redis | None = None) -> dt.datetime | None:
    """When beat last ticked, or None if it never has (within ``KEEP_SECONDS``)."""
    raw = (client or redis_client()).get(HEARTBEAT_KEY)
    if raw is None:
        return None
    try:
        return dt.datetime.fromtimestamp(float(raw), tz=dt.UTC)
    except (TypeError, ValueError, OverflowError):
        return None  # not written by us: as good as no heartbeat


class HeartbeatScheduler(PersistentScheduler):
    """Celery's default scheduler (the schedule file of ``--schedule``), plus the heartbeat."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._heartbeat_written = -WRITE_EVERY_SECONDS
        self._redis = redis_client() if settings.REDIS_URL else None

    def tick(self, *args: Any, **kwargs: Any) -> float:
        self._heartbeat()
        return super().tick(*args, **kwargs)

    def _heartbeat(self) -> None:
        if self._redis is None or time.monotonic() - self._heartbeat_written < WRITE_EVERY_SECONDS:
            return
        try:
            heartbeat_write(self._redis)
        except redis.RedisError:
            # Beat goes on (its own publishing will fail loudly too); the stale heartbeat is
            # what /helse/?full=1 then reports.
            log.warning("Beat could not write its heartbeat to Redis", exc_info=True)
            return
        self._heartbeat_written = time.monotonic()
