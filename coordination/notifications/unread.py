"""The unread-notification count shown in the menu on every page, kept in the cache so that
pages pay no database query for it (pinned query budgets stay as they are). It is refreshed
after every write that changes it; on a cache miss the menu shows "Varsler" without a number
until the badge's next poll (``count``) or the next change.

The cache is Redis. Redis being down must cost the number in the menu, never a page: every
cache call here fails soft (logged, treated as a miss).
"""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.db import transaction
from redis.exceptions import RedisError

from actors.models import User
from coordination.models import Notification

log = logging.getLogger(__name__)

# What a cache call may raise when Redis is down or unreachable.
CACHE_DOWN = (RedisError, OSError)
# A day rather than forever: a count that went stale (a write that could not reach Redis)
# heals by itself.
TIMEOUT = 24 * 60 * 60


def _key(user: User) -> str:
    # date_joined tells apart users that reuse a primary key (another database, a test run).
    return f"lkt:unread:{user.pk}:{user.date_joined.timestamp()}"


def _set(user: User, count: int) -> None:
    try:
        cache.set(_key(user), count, timeout=TIMEOUT)
    except CACHE_DOWN:
        log.warning("Cache unavailable; the unread count of user %s is not stored", user.pk)


def cached(user: User) -> int | None:
    """The cached count, or None when unknown (a miss, or the cache is down). No query."""
    try:
        value = cache.get(_key(user))
    except CACHE_DOWN:
        log.warning("Cache unavailable; the menu shows no unread count")
        return None
    return value if isinstance(value, int) else None


def refresh(user: User) -> int:
    """Count in the database (one COUNT over the partial index of unread) and cache it."""
    count = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
    _set(user, count)
    return count


def count(user: User) -> int:
    """The count for the badge's poll: from the cache, or one COUNT on a miss."""
    value = cached(user)
    return refresh(user) if value is None else value


def refresh_on_commit(user: User) -> None:
    transaction.on_commit(lambda: refresh(user))
