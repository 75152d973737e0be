"""Shared API behaviour: Django's ValidationError from a service becomes a 400 with field errors,
a unique key refusing a save (someone saved the same at the same moment) a 409, a request over a
rate limit a 429 with a Norwegian message and ``Retry-After``; and the date and time fields keep
to the range of every typed date (lkt.core.forms). The JSON parser is in lkt.core.parsers."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail, Throttled, ValidationError
from rest_framework.response import Response
from rest_framework.utils.timezone import datetime_exists
from rest_framework.views import exception_handler as drf_exception_handler

from lkt.core.forms import (
    ALREADY_SAVED,
    date_range_message,
    in_date_range,
    is_unique_violation,
    validate_date_range,
)

log = logging.getLogger(__name__)


class DateTimeField(serializers.DateTimeField):
    """ISO 8601 with ``Z`` or an offset (``2026-03-14T01:30:00Z``, ``…T02:30:00+01:00``), or
    without either in Norwegian time; its day in lkt.core.forms' EARLIEST_DATE..LATEST_DATE, with
    Norwegian messages for each way it can be wrong."""

    default_validators = [validate_date_range]
    default_error_messages = {
        "invalid": _(
            "Skriv tidspunktet etter ISO 8601, for eksempel 2026-03-14T02:30:00+01:00 eller "
            "2026-03-14T01:30:00Z."
        ),
        "make_aware": _(
            "Tidspunktet finnes ikke i norsk tid (sommertid). Skriv det med tidssone, for "
            "eksempel +02:00."
        ),
    }

    def to_internal_value(self, value: Any) -> dt.datetime:
        if isinstance(value, str) and value.endswith("z"):  # RFC 3339 allows a lower-case z
            value = f"{value[:-1]}Z"
        return super().to_internal_value(value)

    def enforce_timezone(self, value: dt.datetime) -> dt.datetime:
        """The parsed time into Norwegian time, refused first when its own day is outside the
        range: DRF moves a naive time through UTC to check it, which overflows in year 1."""
        if not in_date_range(value):
            raise ValidationError(date_range_message(), code="date_range")
        aware = super().enforce_timezone(value)
        # DRF refuses the hour that autumn repeats; a time in the hour spring skips is as
        # unreadable (Django's forms refuse both).
        if timezone.is_naive(value) and not datetime_exists(aware):
            self.fail("make_aware", timezone=aware.tzinfo)
        return aware


class DateField(serializers.DateField):
    """A date (``2026-03-14``) in lkt.core.forms' EARLIEST_DATE..LATEST_DATE."""

    default_validators = [validate_date_range]
    default_error_messages = {"invalid": _("Skriv datoen som ÅÅÅÅ-MM-DD, for eksempel 2026-03-14.")}


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
