"""The suite's clock: one instant for the whole run, so no test reads the real date.

Every test starts at ``INSTANT`` with the clock standing still (``tests/conftest.py``), and the
factories take their dates from it. ``LKT_TEST_INSTANT`` (ISO 8601 with an offset) moves the
whole run: `.ci/run` runs the suite at the default and again on a leap day far from it, so a test
that mixes a fixed date with "today" fails on the day it is written, not a year later. A test
that needs another day travels there explicitly (``time_machine.travel``), or a module asks for
its own instant with ``pytest.mark.instant(...)``.
"""

from __future__ import annotations

import datetime as dt
import os
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")
DEFAULT_INSTANT = "2026-11-24T10:00:00+01:00"  # a Tuesday morning, Oslo time
INSTANT = dt.datetime.fromisoformat(os.environ.get("LKT_TEST_INSTANT") or DEFAULT_INSTANT)
if INSTANT.tzinfo is None:
    raise RuntimeError(f"LKT_TEST_INSTANT needs an offset, e.g. {DEFAULT_INSTANT}")
TODAY = INSTANT.astimezone(OSLO).date()


def days(n: int) -> dt.date:
    """The day ``n`` days from the suite's today (negative: before it)."""
    return TODAY + dt.timedelta(days=n)


def next_weekday(weekday: int, *, after: dt.date = TODAY) -> dt.date:
    """The first day on or after ``after`` that falls on ``weekday`` (Monday is 0)."""
    return after + dt.timedelta(days=(weekday - after.weekday()) % 7)


def oslo(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """That wall-clock time in Oslo on ``day``."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=OSLO)


def month(n: int) -> dt.date:
    """The first day of the month ``n`` months from the suite's month (negative: before it)."""
    index = TODAY.year * 12 + TODAY.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def year_month(n: int) -> str:
    """``month(n)`` as the leaders' period fields write it: ``YYYY-MM``."""
    return f"{month(n):%Y-%m}"
