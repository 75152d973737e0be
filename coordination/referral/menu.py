"""Display hints for the menu (``base.html``), kept in the session so a page costs no query for
them. Access is decided by ``actors.access`` and the views on every request, never by a hint."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from actors.access import is_night_service, is_unit_staff
from actors.models import User

# The koordinerende enhet's worklist of need reports gets a place in the menu.
UNIT_MENU = "coordinating_unit"
# Legevakt and AMK see the crisis lookup and the night contact form instead of the team menu.
NIGHT_MENU = "night_service"


def mark_night_menu(request: HttpRequest) -> None:
    """Show a night-service user their two pages (the crisis lookup and the contact form)."""
    if not request.session.get(NIGHT_MENU):
        request.session[NIGHT_MENU] = True


def mark_unit_menu(request: HttpRequest, user: User) -> None:
    """Show the worklist in the menu of staff at a koordinerende enhet."""
    if is_unit_staff(user) and not request.session.get(UNIT_MENU):
        request.session[UNIT_MENU] = True


def on_login(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    """Connected to ``user_logged_in`` (``CoordinationConfig.ready``): whichever way the person
    logs in, the first page already has the right menu."""
    if request is not None and hasattr(request, "session"):
        mark_unit_menu(request, user)
        if is_night_service(user):
            mark_night_menu(request)
