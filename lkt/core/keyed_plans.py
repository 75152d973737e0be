"""Reads that find every row by key may keep one plan per prepared statement on PostgreSQL.

The app's connections plan every statement afresh (``plan_cache_mode`` in settings: a generic
plan went bad on a query over every team, issue 17). A read by key (a team, its patient, the
viewer) has no parameter that changes its best plan, so a generic plan is as good as a custom
one, and planning was often most of its cost: the crisis card's first statement (0.7 of
1.25 ms), the team page's access read (0.45 of 0.63 ms) and its sections' joins.

``keyed_plans()`` runs the block in a transaction with ``SET LOCAL plan_cache_mode =
force_generic_plan``; the setting holds for that transaction only. Inside a caller's
transaction it is a savepoint, and the setting goes back when the block is done (a failed
block rolls the savepoint, and the setting, back).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper


@contextmanager
def keyed_plans() -> Iterator[CursorWrapper]:
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    nested = connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        yield cursor
        if nested:
            cursor.execute("SET LOCAL plan_cache_mode TO DEFAULT")
