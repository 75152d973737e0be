"""Dates as LKT writes them in Python (messages, e-mails, digests, SMS): the one format of the
pages, "2.12.2026", and "2.12.2026 kl. 10:05" with a time (issue 16, item 17). They read the
active language's SHORT_DATE_FORMAT / SHORT_DATETIME_FORMAT (lkt/formats), as the templates'
``|date`` does, so a page and a message about it never write one day two ways. Never a
strftime with "%d.%m.%Y": that writes "02.12.2026" (tests/lkt/core/test_dates.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import timezone
from django.utils.formats import date_format


def short_date(day: dt.date) -> str:
    """ "2.12.2026"."""
    return date_format(day, "SHORT_DATE_FORMAT")


def short_datetime(moment: dt.datetime) -> str:
    """ "2.12.2026 kl. 10:05", in Oslo time."""
    return date_format(_local(moment), "SHORT_DATETIME_FORMAT")


def day_month(moment: dt.date) -> str:
    """ "2.12." (a day in the last night or the coming week, where the year says nothing)."""
    if isinstance(moment, dt.datetime):
        moment = _local(moment)
    return date_format(moment, "j.n.")


def _local(moment: dt.datetime) -> dt.datetime:
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


def written(value: dt.date, format_string: str) -> str | None:
    """``value`` in a number-only format the templates use, written out as Django's dateformat
    writes it; None for any other format (one with a month's name: Django's, in the language).
    dateformat reads the format afresh for every date, 20 µs each, half of a team page section
    that lists a dozen dates (issue 17). A time is written as given, in Oslo time by then (the
    ``|date`` filters of both engines, lkt.templatetags.dates and lkt.core.jinja2)."""
    if isinstance(value, dt.datetime):
        at = _TIMES.get(format_string)
        return at(value) if at else None
    day = _DAYS.get(format_string)
    return day(value) if day else None


def _day(value: dt.date) -> str:
    return f"{value.day}.{value.month}.{value.year:04d}"


_DAYS: dict[str, Callable[[dt.date], str]] = {
    "j.n.Y": _day,
    "Y-m-d": lambda value: f"{value.year:04d}-{value.month:02d}-{value.day:02d}",
    "c": lambda value: value.isoformat(),
}
_TIMES: dict[str, Callable[[dt.datetime], str]] = {
    **_DAYS,
    "j.n.Y H:i": lambda value: f"{_day(value)} {value.hour:02d}:{value.minute:02d}",
}
