"""HTTP for the inbox (Varsler) and the menu's unread badge. A person sees only their own
notifications, so no patient check and no audit: ``notifications_for(user)`` is the rule."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from actors.access import require_user
from coordination.notifications import inbox_selectors, inbox_services, unread
from lkt.core.http import HtmxHttpRequest, parameter_int


def _page_number(request: HtmxHttpRequest) -> int:
    return max(1, parameter_int(request.GET.get("side")) or 1)


@login_required
@require_GET
def notification_list(request: HtmxHttpRequest) -> HttpResponse:
    """The user's notifications, alerts waiting for a receipt first. Opening a page marks the
    unread ones on it read (they show "Ny" this once); alerts waiting for a receipt stay
    unread until acknowledged, so the menu keeps counting them."""
    user = require_user(request.user)
    page = inbox_selectors.inbox_page(user, _page_number(request))
    inbox_services.notifications_mark_read(actor=user, ids=page.unread_ids)
    return render(request, "coordination/notification_list.html", {"page": page})


@login_required
@require_POST
def notification_mark_all_read(request: HtmxHttpRequest) -> HttpResponse:
    user = require_user(request.user)
    count = inbox_services.notifications_mark_all_read(actor=user)
    if count:
        messages.success(request, _("Alle varsler er merket som lest."))
    else:
        messages.info(request, _("Du hadde ingen uleste varsler."))
    return redirect("coordination:notification-list")


@login_required
@require_GET
def notification_badge(request: HtmxHttpRequest) -> HttpResponse:
    """The menu's count, polled by htmx every minute. Budget: session, user, and the count
    from the cache (a miss costs one COUNT and refills it). When the count is the one the
    page already shows (``n``), 204: htmx swaps nothing and screen readers hear nothing."""
    user = require_user(request.user)
    count = unread.count(user)
    if request.GET.get("n") == str(count):
        return HttpResponse(status=204)
    return render(request, "coordination/inbox_badge.html", {"unread": count})
