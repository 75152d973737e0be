"""Template access to the cached unread count (no query: see coordination.notifications.unread)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import template

from actors.access import as_user
from coordination.notifications import unread

if TYPE_CHECKING:
    from actors.access import AnyUser

register = template.Library()


@register.simple_tag
def unread_notifications(user: AnyUser) -> int | None:
    """The cached count; None when unknown (a miss, or Redis down): the menu then shows no
    number, and its poll fills it in."""
    actor = as_user(user)
    return unread.cached(actor) if actor else 0
