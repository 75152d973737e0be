"""Writes for the inbox: marking notifications read. Own notifications only, so no audit:
nothing about a patient is read or changed here. Marking read never acknowledges an urgent
alert: that takes the person's own "Kvitter" (``coordination.phase.alerts``)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from actors.models import User
from coordination.notifications import unread
from coordination.notifications.inbox_selectors import WAITING, notifications_for


@transaction.atomic
def notifications_mark_read(*, actor: User, ids: list[int]) -> int:
    """Mark these of the actor's notifications read (those shown on the page just opened)."""
    if not ids:
        return 0
    count = (
        notifications_for(actor)
        .filter(pk__in=ids, read_at__isnull=True)
        .exclude(WAITING)
        .update(read_at=timezone.now())
    )
    unread.refresh_on_commit(actor)
    return count


@transaction.atomic
def notifications_mark_all_read(*, actor: User) -> int:
    """ "Merk alle som lest": every unread notification, except alerts waiting for a receipt."""
    count = (
        notifications_for(actor)
        .filter(read_at__isnull=True)
        .exclude(WAITING)
        .update(read_at=timezone.now())
    )
    unread.refresh_on_commit(actor)
    return count
