"""HTTP for the personal calendar feed: no login (calendar programs cannot log in); the secret
token in the address is the key. Unknown or revoked tokens get 404, like any unknown page."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from coordination.notifications import calendar_feed


@require_GET
def calendar_feed_ics(request: HttpRequest, token: str) -> HttpResponse:
    feed = calendar_feed.feed_get(token)
    if feed is None:
        raise Http404
    body = calendar_feed.calendar_build(
        feed.user, base_url=request.build_absolute_uri("/").rstrip("/")
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="lkt.ics"'
    # Personal: no shared cache may keep it, and the address must not end up in a search engine.
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
