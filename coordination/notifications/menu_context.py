"""The menu's unread count for the page header (templates/jinja2/lkt/page_header.html): a
Jinja2 context processor (settings) that gives the header a function, so the cache is read only
where the menu shows the count, never for a section, the crisis card or the night menu."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from actors.access import as_user
from coordination.notifications import unread

if TYPE_CHECKING:
    from django.http import HttpRequest

    from actors.access import AnyUser


def unread_notifications(user: AnyUser) -> int | None:
    """The cached count; None when unknown (a miss, or Redis down): the menu then shows no
    number, and its poll fills it in."""
    actor = as_user(user)
    return unread.cached(actor) if actor else 0


def menu(request: HttpRequest) -> dict[str, Any]:
    return {"unread_notifications": unread_notifications}
