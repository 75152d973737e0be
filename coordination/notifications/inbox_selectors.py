"""Reads for the inbox (Varsler): one query per page, alerts that wait for a receipt first."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from actors.models import User
from coordination.models import Notification

PAGE_SIZE = 50

# An urgent alert (gul or rød) nobody has acknowledged yet: shown first, and not marked read
# by opening the list, so it keeps counting in the menu until the person acknowledges it.
WAITING = Q(urgent=True, acknowledged_at__isnull=True)


@dataclass(frozen=True)
class InboxPage:
    waiting: list[Notification]  # urgent, not acknowledged: shown first with "Kvitter"
    others: list[Notification]
    page: int
    has_next: bool

    @property
    def size(self) -> int:
        return PAGE_SIZE

    @property
    def unread_ids(self) -> list[int]:
        """What opening this page marks read: the unread ones shown, except waiting alerts."""
        return [n.pk for n in self.others if n.read_at is None]


def notifications_for(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def inbox_page(user: User, page: int = 1) -> InboxPage:
    """One page of the user's notifications, waiting alerts first, then newest first.

    One query: one row more than a page tells whether there is a next page, so no COUNT.
    """
    offset = (page - 1) * PAGE_SIZE
    rows = list(
        notifications_for(user)
        .annotate(waiting=ExpressionWrapper(WAITING, output_field=BooleanField()))
        .order_by("-waiting", "-created_at", "-pk")[offset : offset + PAGE_SIZE + 1]
    )
    shown = rows[:PAGE_SIZE]
    return InboxPage(
        waiting=[n for n in shown if n.waiting],
        others=[n for n in shown if not n.waiting],
        page=page,
        has_next=len(rows) > PAGE_SIZE,
    )
