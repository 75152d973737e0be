"""The access log's monthly partitions on PostgreSQL (migration lkt 0005): made ahead by beat,
and detached for retention.

A row always has a place: a month without its partition lands in the DEFAULT partition. Beat
makes the coming months every day, so the default stays empty; if it was down long enough
that rows of a month wait there, that month is left to the default (PostgreSQL cannot make
a partition over rows the default holds, and the log never moves or deletes a row).
Retention is ``detach_month``: the month becomes a table of its own, out of the log and its
queries, for the kommune's archive to export and drop; no row is deleted in the log.
Months are UTC months, as the partitions' bounds are.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import connection

log = logging.getLogger(__name__)

MONTHS_AHEAD = 3


def partitioned() -> bool:
    return connection.vendor == "postgresql"


def month_table(month: dt.date) -> str:
    return f"lkt_accesslog_y{month.year:04d}m{month.month:02d}"


def _months(first: dt.date, count: int) -> list[dt.date]:
    months, year, month = [], first.year, first.month
    for _ in range(count):
        months.append(dt.date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def ensure_months(today: dt.date, ahead: int = MONTHS_AHEAD) -> list[dt.date]:
    """This month's and the next ``ahead`` months' partitions exist afterwards; returns the
    months left to the DEFAULT partition because rows of theirs already wait there."""
    if not partitioned():
        return []
    left = []
    with connection.cursor() as cursor:
        for month in _months(today.replace(day=1), ahead + 1):
            cursor.execute("SELECT lkt_accesslog_add_month(%s)", [month])
            if not cursor.fetchone()[0]:
                left.append(month)
    for month in left:
        log.warning("Access log rows of %s wait in the default partition", month.isoformat())
    return left


def detach_month(month: dt.date) -> str | None:
    """Take a month out of the access log for the archive; returns its table, or None when the
    month has no partition of its own (never made, or already detached)."""
    if not partitioned():
        return None
    table = month_table(month.replace(day=1))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_inherits WHERE inhparent = 'lkt_accesslog'::regclass "
            "AND inhrelid = to_regclass(%s)",
            [table],
        )
        if cursor.fetchone() is None:
            return None
        cursor.execute(f'ALTER TABLE lkt_accesslog DETACH PARTITION "{table}"')
    log.info("Access log month %s detached as %s", month.strftime("%Y-%m"), table)
    return table
