"""How many rows of a table PostgreSQL reads to answer a query: the measure of a query that
stays flat in data size, which a query count cannot see (one query may read every patient).

The test database is small, and on a small table a sequential scan is the cheapest plan
whatever indexes exist; sequential scans are therefore discouraged for the EXPLAIN (as they are
in effect on a large table), so that the plan read is the one PostgreSQL would choose at a
national size; the table is analysed first, so the plan follows the test's rows. A query
with no other way to its rows still scans them all, and says so here."""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet


def _nodes(node: dict[str, Any]) -> list[dict[str, Any]]:
    found = [node]
    for child in node.get("Plans", ()):
        found += _nodes(child)
    return found


def rows_read(queryset: QuerySet[Any], table: str) -> int:
    """Rows of ``table`` the query reads: those each scan of it returns plus those its filter
    removes, over all its loops (EXPLAIN ANALYZE, rolled back)."""
    sql, params = queryset.query.sql_with_params()
    return _read(sql, params, table)


def _read(sql: str, params: Any, table: str) -> int:
    with transaction.atomic(), connection.cursor() as cursor:
        # Statistics of the test's own rows (rolled back with it): without them the plan
        # followed whatever an earlier test or autovacuum last left, and a test passed alone
        # failed in a longer run.
        cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0][0]["Plan"]
        transaction.set_rollback(True)
    total = 0
    for node in _nodes(plan):
        if node.get("Relation Name") == table:
            read = (
                node["Actual Rows"]
                + node.get("Rows Removed by Filter", 0)
                + node.get("Rows Removed by Index Recheck", 0)
            )
            total += read * node["Actual Loops"]
    return total


class Reads:
    """The rows of ``table`` read by every SELECT run inside the block (``with Reads(t) as
    reads: …``, then ``reads.rows``): the queries are recorded as they run, then explained
    one by one as ``rows_read`` does."""

    def __init__(self, table: str) -> None:
        self.table = table
        self.rows = 0
        self.queries: list[tuple[str, Any]] = []

    def _record(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if sql.lstrip().upper().startswith("SELECT"):
            self.queries.append((sql, params))
        return execute(sql, params, many, context)

    def __enter__(self) -> Reads:
        self._wrapper = connection.execute_wrapper(self._record)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._wrapper.__exit__(*exc)
        if exc[0] is None:
            self.rows = sum(_read(sql, params, self.table) for sql, params in self.queries)
