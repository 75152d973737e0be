"""Request typing shared by the views."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """What django-htmx's middleware adds to every request."""

    htmx: HtmxDetails
