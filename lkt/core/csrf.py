"""One masked CSRF token per response, however many templates render its forms.

Django masks the secret afresh each time a Jinja2 template asks for ``csrf_input`` and once per
Django template render: 50 µs each, eleven times in a batch of the team page's sections (each
section a render of its own, issue 17). Masking is what keeps the token from being guessed by
compression (BREACH), and that needs a new mask per response, not per form: the request keeps
the one it made, until the secret itself changes (``rotate_token`` at login).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.utils.functional import SimpleLazyObject, lazy
from django.utils.html import format_html
from django.utils.safestring import SafeString


def token(request: HttpRequest) -> str:
    """The request's masked token, made on first use (which, as ``get_token``, sets the
    cookie) and made again only for a new secret."""
    made = getattr(request, "_lkt_csrf_token", None)
    if made is not None and made[0] == request.META.get("CSRF_COOKIE"):
        return made[1]
    masked = get_token(request)
    request._lkt_csrf_token = (request.META.get("CSRF_COOKIE"), masked)  # type: ignore[attr-defined]
    return masked


# Where a token goes in HTML kept to serve later responses (lkt.workspace.section_cache): random
# per process, whose memory keeps that HTML, so no text a user writes can be taken for it.
PLACEHOLDER = f"lktcsrf{secrets.token_hex(16)}"


@contextmanager
def placeholder(request: HttpRequest) -> Iterator[None]:
    """Renders in the block put ``PLACEHOLDER`` where the request's token goes; each response
    the HTML is served in puts its own in (``with_token``), a new mask as ever."""
    made = getattr(request, "_lkt_csrf_token", None)
    request._lkt_csrf_token = (request.META.get("CSRF_COOKIE"), PLACEHOLDER)  # type: ignore[attr-defined]
    try:
        yield
    finally:
        request._lkt_csrf_token = made  # type: ignore[attr-defined]


def with_token(request: HttpRequest, html: str) -> str:
    return html.replace(PLACEHOLDER, token(request)) if PLACEHOLDER in html else html


def _input(request: HttpRequest) -> SafeString:
    return format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token(request)
    )


_lazy_input = lazy(_input, SafeString, str)
_lazy_token = lazy(token, str)


def jinja2(request: HttpRequest) -> dict[str, Any]:
    """In place of the Jinja2 backend's own ``csrf_input`` and ``csrf_token``, which mask anew
    on every use; lazy as theirs, so a page without a form sets no cookie."""
    return {"csrf_input": _lazy_input(request), "csrf_token": _lazy_token(request)}


def django(request: HttpRequest) -> dict[str, Any]:
    """In place of ``django.template.context_processors.csrf``, which masks once per render."""
    return {"csrf_token": SimpleLazyObject(lambda: token(request))}
