"""Content Security Policy: no inline scripts, nothing from other origins; and the last line
against a race on a unique key: 409 with a message, never a 500."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from lkt.forms import ALREADY_SAVED, is_unique_violation

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
    (actors.identity_views.logout), and browsers hold a form's redirects to form-action."""
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


class UniqueViolationMiddleware:
    """A unique key that refused a save and reached no form (a view that calls its service
    without ``lkt.forms.unique_violation_as_validation_error``) is a race the person lost, not
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
