"""Content Security Policy: no inline scripts, nothing from other origins; no NUL character in
what a request sends; and the last line against a race on a unique key: 409 with a message,
never a 500."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.messages.storage.base import BaseStorage, Message
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from lkt.core.forms import ALREADY_SAVED, is_unique_violation
from lkt.core.operation_outcome import outcome_response

log = logging.getLogger(__name__)

# Designsystemet draws its icons from data: URIs; everything else comes from our own origin.
POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def policy_for(identity_issuers: Iterable[str]) -> str:
    """POLICY, with the identity providers' origins allowed as form targets: logging out
    posts a form whose answer sends the browser on to the provider's end_session address
    (actors.identity.views.logout), and browsers hold a form's redirects to form-action."""
    origins = sorted({_origin(issuer) for issuer in identity_issuers})
    if not origins:
        return POLICY
    return POLICY.replace("form-action 'self'", " ".join(["form-action 'self'", *origins]))


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        issuers = [str(p["issuer"]) for p in settings.LKT_OIDC_PROVIDERS.values()]
        response.headers.setdefault("Content-Security-Policy", policy_for(issuers))
        return response


NUL = "\x00"
# JSON can only carry NUL as this escape (a raw NUL byte is not valid JSON), so a body without
# it is let through unparsed.
_JSON_NUL = b"\\u0000"
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
API_PREFIX = "/api/"
FHIR_PREFIX = "/fhir/"


def _in_query_dict(data: QueryDict) -> bool:
    return any(NUL in key or any(NUL in value for value in values) for key, values in data.lists())


def _in_json(value: Any) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(NUL in key or _in_json(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_in_json(item) for item in value)
    return False


def _in_body(request: HttpRequest) -> bool:
    content_type = request.content_type or ""
    if request.method == "POST" and content_type in _FORM_TYPES:
        # Django drops unprintable characters from the names of uploaded files itself.
        return _in_query_dict(request.POST)
    if content_type == "application/json" or content_type.endswith("+json"):
        body = request.body
        if _JSON_NUL not in body:
            return False
        try:
            return _in_json(json.loads(body))
        except (ValueError, RecursionError):  # malformed: the API's parser answers it with 400
            return False
    return False


def has_nul(request: HttpRequest) -> bool:
    """True when the path, the query string, a cookie, a form field or a JSON string of the
    request holds NUL. File contents are the importer's to judge."""
    return (
        NUL in request.path
        or _in_query_dict(request.GET)
        or any(NUL in key or NUL in value for key, value in request.COOKIES.items())
        or _in_body(request)
    )


class RefuseNulMiddleware:
    """Answer 400 to a request with a NUL character (\\x00) anywhere it sends text.

    PostgreSQL cannot store or compare text with NUL, so one in a search, a form or an API call
    was a 500 wherever it reached a query (issue 13). Refused here, once, before any view or
    the session (whose key is a cookie) reads it; Django's forms and DRF's fields refuse NUL
    too, but raw parameters (``request.GET.get``) are read without them. It sits before the
    session and authentication middleware, so the page shows no menu.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not has_nul(request):
            return self.get_response(request)
        message = _(
            "Forespørselen inneholder et nulltegn (NUL), som LKT ikke kan lagre eller søke "
            "etter. Fjern tegnet og prøv igjen."
        )
        if request.path.startswith(API_PREFIX):
            return JsonResponse({"detail": message}, status=400)
        if request.path.startswith(FHIR_PREFIX):
            # FHIR clients read errors as OperationOutcomes (lkt.fhir).
            return outcome_response(400, "invalid", str(message))
        return render(request, "400.html", {"reason": message}, status=400)


class UniqueViolationMiddleware:
    """A unique key that refused a save and reached no form (a view that calls its service
    without ``lkt.core.forms.unique_violation_as_validation_error``) is a race the person lost, not
    a fault: answer 409 with ALREADY_SAVED. htmx swaps no 409, so it is told to reload the page,
    where the message waits; a plain request gets a page with the message and a way back."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_unique_violation(exception):
            return None
        # Logged: a view that lets this reach here should use the form helper instead.
        log.warning("Unique violation answered with 409 at %s: %s", request.path, exception)
        if getattr(request, "htmx", False):
            messages.error(request, ALREADY_SAVED)
            response = HttpResponse(str(ALREADY_SAVED), status=409)
            response["HX-Refresh"] = "true"
            return response
        referer = request.headers.get("Referer", "")
        safe = url_has_allowed_host_and_scheme(
            referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        return render(
            request,
            "409.html",
            {"message": ALREADY_SAVED, "back": referer if safe else ""},
            status=409,
        )


# What htmx swaps: a 2xx answer other than 204 that does not send the browser elsewhere.
_NAVIGATES = ("HX-Redirect", "HX-Location")
MESSAGES_TEMPLATE = "lkt/messages.html"


def _swapped_by_htmx(response: HttpResponse) -> bool:
    if response.streaming or not 200 <= response.status_code < 300 or response.status_code == 204:
        return False
    if any(response.has_header(h) for h in _NAVIGATES) or response.get("HX-Refresh") == "true":
        return False
    return response.get("Content-Type", "").startswith("text/html")


def _pending_messages(request: HttpRequest) -> list[Message]:
    """The messages no template of this answer has shown; taking them marks them shown, so
    they are consumed once. A template that showed the messages already (a team section shows
    its own) leaves only what was added after it."""
    storage = messages.get_messages(request)
    if not isinstance(storage, BaseStorage):
        return []
    # Django's storage has no public "not yet shown": after a template iterated it (``used``),
    # only ``_queued_messages`` are new.
    queued = list(getattr(storage, "_queued_messages", [])) if storage.used else None
    iterated = list(storage)  # marks everything shown, the queued ones too
    return queued if queued is not None else iterated


class HtmxMessagesMiddleware:
    """Messages show on the page the user is on, once (issue 16, item 17). A message added
    while answering an htmx request used to wait in the session for the next full page, unless
    the fragment swapped in happened to show messages (a team section does; an empty answer
    with an event, a form fragment or a lazy section does not): so it showed one page late, on
    a page it had nothing to do with. Every htmx answer that is swapped in now carries the
    messages no template showed as an out-of-band swap into the page's message area
    (``#lkt-messages`` in base.html, a polite live region). An answer that sends the browser
    on (HX-Redirect, HX-Location, HX-Refresh) leaves them for the page it goes to.

    After HtmxMiddleware (``request.htmx``), before MessageMiddleware stores what is left."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not getattr(request, "htmx", False) or not hasattr(request, "_messages"):
            return response
        if not _swapped_by_htmx(response):
            return response
        pending = _pending_messages(request)
        if pending:
            html = render_to_string(
                MESSAGES_TEMPLATE, {"messages": pending, "oob": True}, request=request
            )
            response.content = response.content + html.encode(response.charset)
        return response
