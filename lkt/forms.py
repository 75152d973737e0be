"""Form plumbing shared by every app: Designsystemet classes on every input, and the one range
every typed date keeps inside."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Every date a person or another system types lies in this range (issue 13). A year 1 or 9999
# is a slip of the keyboard, not a date in anyone's care, and date arithmetic near the ends of
# Python's calendar overflows (a night contact in year 1 was a 500 in the phase rules). The
# range is wide enough for any birth, plan, meeting or deadline the service deals with; the
# rules of each use (not in the future, not before the team) stay with its service.
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)
DATE_RANGE_MESSAGE = _("Skriv en dato mellom %(earliest)s og %(latest)s.")
DATE_RANGE_PARAMS = {"earliest": f"{EARLIEST_DATE:%d.%m.%Y}", "latest": f"{LATEST_DATE:%d.%m.%Y}"}


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


def _input_type(widget: forms.Widget) -> str:
    return str(widget.attrs.get("type") or getattr(widget, "input_type", ""))


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
