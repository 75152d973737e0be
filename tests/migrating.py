"""A data migration's test runs it for real: the database back at the migration before it, then
forward, as `migrate` would do it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from lkt.workspace import team_revision

Targets = list[tuple[str, str]]


@contextmanager
def migrated_back(targets: Targets) -> Iterator[Any]:
    """The historical models at ``targets``, with the database there; back at the newest
    migrations afterwards, whatever the test did. The team revision's triggers are off
    meanwhile, as `migrate` takes them off (lkt.apps): they name today's tables and columns."""
    team_revision.uninstall(connection)
    try:
        yield migrate(targets)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
        team_revision.install(connection)


def migrate(targets: Targets) -> Any:
    """Run the migrations up (or down) to ``targets``; their historical models."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps
