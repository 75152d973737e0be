"""Dates as LKT writes them in Python (messages, e-mails, digests, SMS): the one format of the
pages, "2.12.2026", and "2.12.2026 kl. 10:05" with a time (issue 16, item 17). They read the
active language's SHORT_DATE_FORMAT / SHORT_DATETIME_FORMAT (lkt/formats), as the templates'
``|date`` does, so a page and a message about it never write one day two ways. Never a
strftime with "%d.%m.%Y": that writes "02.12.2026" (tests/lkt/core/test_dates.py)."""

from __future__ import annotations

import datetime as dt

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
