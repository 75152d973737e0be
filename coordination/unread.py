"""The unread-notification count shown in the menu on every page, kept in the cache so that
pages pay no database query for it (pinned query budgets stay as they are). It is refreshed
after every write that changes it; on a cache miss the menu shows "Varsler" without a number
until the next change or visit to the list.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction

from actors.models import User
from coordination.models import Notification


def _key(user: User) -> str:
    # date_joined tells apart users that reuse a primary key (another database, a test run).
    return f"lkt:unread:{user.pk}:{user.date_joined.timestamp()}"


def cached(user: User) -> int | None:
    value = cache.get(_key(user))
    return value if isinstance(value, int) else None


def refresh(user: User) -> int:
    count = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
    cache.set(_key(user), count, timeout=None)
    return count


def refresh_on_commit(user: User) -> None:
    transaction.on_commit(lambda: refresh(user))


def all_read_on_commit(user: User) -> None:
    transaction.on_commit(lambda: cache.set(_key(user), 0, timeout=None))
