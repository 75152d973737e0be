"""Shared API behaviour: Django's ValidationError from a service becomes a 400 with field errors,
a unique key refusing a save (someone saved the same at the same moment) a 409, and a request
over a rate limit a 429 with a Norwegian message and ``Retry-After``."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import ngettext
from rest_framework.exceptions import ErrorDetail, Throttled, ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from lkt.forms import ALREADY_SAVED, is_unique_violation

log = logging.getLogger(__name__)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if is_unique_violation(exc):
        log.warning("Unique violation answered with 409: %s", exc)
        return Response({"detail": str(ALREADY_SAVED)}, status=409)
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            detail = {
                ("non_field_errors" if name == NON_FIELD_ERRORS else name): messages
                for name, messages in exc.message_dict.items()
            }
        else:
            detail = {"non_field_errors": exc.messages}
        exc = ValidationError(detail=detail)
    if isinstance(exc, Throttled):
        # DRF's own text is English with its own wording of the wait; DRF sets Retry-After.
        seconds = int(getattr(exc, "wait", None) or 1)
        exc.detail = ErrorDetail(throttled_message(seconds), code=exc.default_code)
    return drf_exception_handler(exc, context)


def throttled_message(seconds: int) -> str:
    return ngettext(
        "For mange forespørsler på kort tid. Prøv igjen om %(seconds)d sekund.",
        "For mange forespørsler på kort tid. Prøv igjen om %(seconds)d sekunder.",
        seconds,
    ) % {"seconds": seconds}
