"""Running actions at the same moment in real transactions, for the tests that prove a lock or
a unique key holds under concurrency (they need ``django_db(transaction=True)``)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from django.db import connection, models, transaction
from django.http import HttpResponse
from django.test import Client

# How long the held inserts wait for every action to reach its insert before letting go anyway
# (an action that fails earlier never gets there; the test's assertions then say so).
HOLD_SECONDS = 10


def run_together(*actions: Callable[[], Any], timeout: float = 60) -> list[Any]:
    """Start the actions at once, each in its own thread and database connection; returns their
    results in order, with an exception raised in a thread returned in its place (not lost)."""
    barrier = threading.Barrier(len(actions))
    results: list[Any] = [None] * len(actions)

    def run(index: int, action: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[index] = action()
        except Exception as error:
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return results


def run_with_inserts_held(
    model: type[models.Model], *actions: Callable[[], Any], timeout: float = 60
) -> list[Any]:
    """``run_together``, while no one may insert into ``model``'s table until every action waits
    to: so each has made its checks (the reads before its insert) before any of them writes.
    That is the interleaving a race on a unique key needs, on every run rather than by luck;
    then the inserts go and the database's unique key decides.

    The hold is a SHARE lock on the table in this thread's own transaction: reads and
    ``SELECT … FOR UPDATE`` pass it, inserts queue behind it (PostgreSQL only)."""
    results: list[Any] = []
    runner = threading.Thread(target=lambda: results.extend(run_together(*actions)))
    table = model._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f'LOCK TABLE "{table}" IN SHARE MODE')
        runner.start()
        deadline = time.monotonic() + HOLD_SECONDS
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE relation = %s::regclass AND NOT granted",
                [table],
            )
            (waiting,) = cursor.fetchone()
            if waiting >= len(actions):
                break
            time.sleep(0.01)
    runner.join(timeout=timeout)
    return results


def posting(
    client: Client, url: str, data: dict[str, Any], **extra: Any
) -> Callable[[], HttpResponse]:
    """A POST to run in a thread of its own: the client is logged in beforehand, in the test's
    thread, so the racing requests do nothing but the request."""

    def post() -> HttpResponse:
        return client.post(url, data, **extra)

    return post
