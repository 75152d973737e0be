"""Request typing shared by the views."""

from __future__ import annotations

from django.http import HttpRequest, QueryDict
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """What django-htmx's middleware adds to every request."""

    htmx: HtmxDetails


def form_data(request: HttpRequest) -> QueryDict | None:
    """The POST data to bind a form to, so that an empty POST still validates (and fails)."""
    return request.POST if request.method == "POST" else None
