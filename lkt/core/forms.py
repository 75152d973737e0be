"""Form plumbing shared by every app: Designsystemet classes on every input, the one range
every typed date keeps inside, and the answer to a save that a unique key refuses because
someone else saved the same a moment earlier."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from lkt.core.dates import short_date
from lkt.core.http import HtmxHttpRequest

# What a person sees when their save lost a race on a unique key (a double click, two tabs, two
# people): nothing of theirs was saved, because the same thing already was.
ALREADY_SAVED = _("Dette er allerede lagret – kanskje av noen andre samtidig. Se siden på nytt.")

# PostgreSQL's unique_violation; SQLite (the demo) names its own.
_UNIQUE_SQLSTATE = "23505"
_SQLITE_UNIQUE = {"SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY"}

# Every date a person or another system types lies in this range (issue 13). A year 1 or 9999
# is a slip of the keyboard, not a date in anyone's care, and date arithmetic near the ends of
# Python's calendar overflows (a night contact in year 1 was a 500 in the phase rules). The
# range is wide enough for any birth, plan, meeting or deadline the service deals with; the
# rules of each use (not in the future, not before the team) stay with its service.
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)
DATE_RANGE_MESSAGE = _("Skriv en dato mellom %(earliest)s og %(latest)s.")
# Lazy: written in the one date format (lkt.core.dates) of the language active when shown.
DATE_RANGE_PARAMS = {
    "earliest": lazy(short_date, str)(EARLIEST_DATE),
    "latest": lazy(short_date, str)(LATEST_DATE),
}


def date_range_message() -> str:
    """DATE_RANGE_MESSAGE with its dates, in the active language."""
    return str(DATE_RANGE_MESSAGE) % DATE_RANGE_PARAMS


def in_date_range(value: dt.date | dt.datetime) -> bool:
    """A date, or a time's own calendar day, in EARLIEST_DATE..LATEST_DATE (the time is never
    converted to UTC first: that is what overflows at the ends of the calendar)."""
    day = value.date() if isinstance(value, dt.datetime) else value
    return EARLIEST_DATE <= day <= LATEST_DATE


def validate_date_range(value: dt.date | dt.datetime) -> None:
    if not in_date_range(value):
        raise ValidationError(DATE_RANGE_MESSAGE, code="date_range", params=DATE_RANGE_PARAMS)


class StyledFormMixin:
    """Adds Designsystemet's input class to every widget; Django adds the aria attributes."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = field.widget.attrs.get("class", "")
            field.widget.attrs["class"] = f"{css} ds-input".strip()


def is_unique_violation(error: BaseException) -> bool:
    """Whether a database error is a unique key refusing a second row. Django wraps the driver's
    error, which names the cause: psycopg's UniqueViolation carries SQLSTATE 23505."""
    if not isinstance(error, IntegrityError):
        return False
    cause = error.__cause__
    return (
        getattr(cause, "sqlstate", None) == _UNIQUE_SQLSTATE
        or getattr(cause, "sqlite_errorname", None) in _SQLITE_UNIQUE
    )


@contextmanager
def unique_violation_as_validation_error() -> Iterator[None]:
    """Run a service's write in a savepoint of its own, so that a unique key refusing it leaves
    the connection usable, and answer that refusal as a ValidationError with ALREADY_SAVED.

    The services check uniqueness first (``full_clean``) and give their own message; this is
    for the race those checks cannot see: two requests that both checked before either wrote.
    Any other database error is not the user's doing and goes on up."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as error:
        if not is_unique_violation(error):
            raise
        raise ValidationError(ALREADY_SAVED, code="already_saved") from error


def _input_type(widget: forms.Widget) -> str:
    return str(widget.attrs.get("type") or getattr(widget, "input_type", ""))


class DateInput(forms.DateInput):
    """The browser's date picker. Its value is ISO 8601 (YYYY-MM-DD) in every language: a
    localised value (24.11.2026) would show as an empty picker."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DateField(forms.DateField):
    """A date in EARLIEST_DATE..LATEST_DATE; the browser's date picker gets the same limits."""

    default_validators = [validate_date_range]

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        if _input_type(widget) == "date":
            attrs |= {"min": EARLIEST_DATE.isoformat(), "max": LATEST_DATE.isoformat()}
        return attrs


class DateTimeField(forms.DateTimeField):
    """A time whose day lies in EARLIEST_DATE..LATEST_DATE, with the same limits for the
    browser's picker."""

    default_validators = [validate_date_range]

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        if _input_type(widget) == "datetime-local":
            attrs |= {"min": f"{EARLIEST_DATE.isoformat()}T00:00", "max": f"{LATEST_DATE}T23:59"}
        return attrs


def focus_when_opened(request: HtmxHttpRequest, form: forms.BaseForm) -> None:
    """A form that renders when opened (issue 17) takes the focus as it arrives: its first
    field gets ``autofocus``, which htmx focuses in what it swaps in, where the link that asked
    for the form is gone (and the focus with it) or the summary that opened it is behind. Only
    for that GET: on its own page, or back with errors, the page keeps its focus order."""
    if request.method != "GET" or not request.htmx:
        return
    field = next(iter(form.visible_fields()), None)
    if field is not None:
        field.field.widget.attrs["autofocus"] = True
