"""Reads that find every row by key may keep one plan per prepared statement on PostgreSQL.

The app's connections plan every statement afresh (``plan_cache_mode`` in settings: a generic
plan went bad on a query over every team, issue 17). A read by key (a team, its patient, the
viewer) has no parameter that changes its best plan, so a generic plan is as good as a custom
one, and planning was often most of its cost: the crisis card's first statement (0.7 of
1.25 ms), the team page's sections' joins.

``keyed_plans()`` runs the block in a transaction with ``SET LOCAL plan_cache_mode =
force_generic_plan``; the setting holds for that transaction only. It is sent just before the
block's first statement, so a block that reads nothing (a team page section kept for its
viewer, lkt.workspace.section_cache) costs no round trip at all: psycopg begins a transaction
with its first statement, and commits none that never began. Inside a caller's transaction it
is a savepoint, and the setting goes back when the block is done (a failed block rolls the
savepoint, and the setting, back).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper

_GENERIC = "SET LOCAL plan_cache_mode = force_generic_plan"


@contextmanager
def keyed_plans() -> Iterator[CursorWrapper]:
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    nested = connection.in_atomic_block
    generic = False

    def first_statement_sets_it(
        execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
    ) -> Any:
        nonlocal generic
        if not generic:
            generic = True  # before the SET, which comes through here too
            with connection.cursor() as setting:
                setting.execute(_GENERIC)
        return execute(sql, params, many, context)

    with (
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        with connection.execute_wrapper(first_statement_sets_it):
            yield cursor
        if nested and generic:
            cursor.execute("SET LOCAL plan_cache_mode TO DEFAULT")
