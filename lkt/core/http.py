"""Request typing and the answers to a save that the views share."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django_htmx.http import HttpResponseClientRedirect, trigger_client_event
from django_htmx.middleware import HtmxDetails

# The largest number a query or form parameter may name: PostgreSQL's integer. Page and version
# numbers are integers; ids are bigint, but no table comes near 2**31 rows, so a larger number
# names nothing (and psycopg refuses one beyond bigint in a query outright: a 500, issue 13).
MAX_PARAMETER_INT = 2**31 - 1


class HtmxHttpRequest(HttpRequest):
    """What django-htmx's middleware adds to every request."""

    htmx: HtmxDetails


def form_data(request: HttpRequest) -> QueryDict | None:
    """The POST data to bind a form to, so that an empty POST still validates (and fails)."""
    return request.POST if request.method == "POST" else None


def parameter_int(value: str | None) -> int | None:
    """A whole number from a query or form parameter: ASCII digits only (``str.isdigit()``
    takes ² and ١, which ``int()`` then refuses or reads) and at most MAX_PARAMETER_INT; None
    for anything else, so the caller answers as for a missing number."""
    value = (value or "").strip()
    if not (value.isascii() and value.isdigit()) or len(value) > len(str(MAX_PARAMETER_INT)):
        return None
    number = int(value)
    return number if number <= MAX_PARAMETER_INT else None


def go_to(request: HtmxHttpRequest, url: str) -> HttpResponse:
    """After a save: htmx follows in the browser, a plain form post is redirected."""
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def form_answer(
    request: HtmxHttpRequest, *, template: str, partial: str, page: str, context: dict[str, Any]
) -> HttpResponse:
    """A form that is shown again (opened, or with errors): the fragment for htmx (status 200
    also with errors, so htmx swaps it in), or ``page``, the form on a page of its own, which
    includes the fragment as ``partial``."""
    fragment = f"{template}#{partial}"
    if request.htmx:
        return render(request, fragment, context)
    return render(request, page, {**context, "partial": fragment})


def saved_in_panel(
    request: HtmxHttpRequest, message: str, *, event: str, back: str
) -> HttpResponse:
    """After a save from a panel on a page: htmx gets an empty panel and ``event``, on which
    whatever shows the data reloads itself (with ``message``); a plain form post goes ``back``,
    and so does htmx from the form's own page, where no section waits for the event (an empty
    panel there was a dead end: the form vanished and nothing said it was saved)."""
    messages.success(request, message)
    if not request.htmx:
        return redirect(back)
    if _on_own_page(request):
        return HttpResponseClientRedirect(back)
    return trigger_client_event(HttpResponse(""), event)


def _on_own_page(request: HtmxHttpRequest) -> bool:
    """htmx posted from the page at the form's own URL, not from a panel on another page."""
    current = request.htmx.current_url_abs_path or ""
    return current.split("?", 1)[0].split("#", 1)[0] == request.path
