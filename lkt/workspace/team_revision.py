"""Each team's revision: a number PostgreSQL gives the team anew whenever a row the team page
shows changes, so a section rendered at one revision is right for as long as the team reads it
(lkt.workspace.section_cache).

Kept by triggers, not by the app, so that every write counts: a save, a queryset's update, a
bulk insert, raw SQL and Django's cascades alike. They are derived from the models' foreign keys
and installed again after every migrate (``install``), so a new model is covered without anyone
remembering to:

- a table whose foreign keys lead to a team (a task's team, a consent's patient, an agenda
  item's meeting's team) revises the teams of the rows each statement inserted, updated or
  deleted: a statement trigger per event, over its transition tables;
- the shared tables (``SHARED``: users and organisations, whose names the sections show)
  revise the teams of the rows that point at a changed row;
- the team's own row takes the next number of one sequence on every insert and update, whatever
  the app wrote in the column (a stale instance saved cannot take the number back), so a
  revision is never given twice, not even to a team id used again after a TRUNCATE.

``UNSHOWN`` names the tables the team page does not show; a test holds every table of LKT's
apps to one side or the other. On SQLite (the demo) nothing is installed: no section is kept.
"""

# ruff: noqa: S608 (every name in this SQL is a model's table or column, none comes from input)
from __future__ import annotations

from django.apps import apps
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

TEAM = "actors_team"
PATIENT = "actors_patient"
SHARED = ("actors_user", "actors_organisation")
SEQUENCE = "lkt_team_revision"
APPS = ("actors", "careplans", "coordination", "lkt")

# Not shown on the team page: logs, a person's own settings and sessions, report jobs and
# facts, the inbox (written by beat for many teams at once) and the join tables of
# permissions.
UNSHOWN = frozenset(
    {
        "lkt_accesslog",
        "lkt_exportlog",
        "lkt_loginevent",
        "actors_identitysession",
        "actors_machineclient",
        "actors_staffinvitation",
        "actors_user_groups",
        "actors_user_user_permissions",
        "actors_user_organisations",
        "coordination_notification",
        "coordination_delivery",
        "coordination_notificationpreference",
        "coordination_calendarfeed",
        "coordination_contactimport",
        "coordination_reportjob",
        "coordination_indicatormonth",
    }
)

ForeignKeys = dict[str, tuple[tuple[str, str], ...]]  # table: (column, table it points at)


def foreign_keys() -> ForeignKeys:
    """Every table of LKT's apps with its foreign keys."""
    tables: ForeignKeys = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.app_label not in APPS or not meta.managed or meta.proxy:
            continue
        tables[meta.db_table] = tuple(
            (str(field.column), field.related_model._meta.db_table)
            for field in meta.concrete_fields
            if field.is_relation and field.related_model is not None
        )
    return tables


def teams_of(table: str, rows: str, tables: ForeignKeys, _via: tuple[str, ...] = ()) -> str | None:
    """SQL for the ids of the teams that ``rows`` (a relation of ``table``'s rows) belong to, by
    the table's team, else its patient, else a parent that leads to a team; None when nothing
    leads there."""
    if table == TEAM:
        return f"SELECT r.id FROM {rows} r"
    if table == PATIENT:
        return f"SELECT t.id FROM {TEAM} t WHERE t.patient_id IN (SELECT r.id FROM {rows} r)"
    keys = tables.get(table, ())
    for column, target in keys:
        if target == TEAM:
            return f"SELECT r.{column} FROM {rows} r"
    for column, target in keys:
        if target == PATIENT:
            return teams_of(PATIENT, _parents(PATIENT, column, rows), tables)
    for column, target in keys:
        if target in SHARED or target == table or target in _via or target not in tables:
            continue
        found = teams_of(target, _parents(target, column, rows), tables, (*_via, table))
        if found:
            return found
    return None


def _parents(target: str, column: str, rows: str) -> str:
    return f"(SELECT p.* FROM {target} p WHERE p.id IN (SELECT r.{column} FROM {rows} r))"


def teams_pointing_at(table: str, rows: str, tables: ForeignKeys, *, depth: int = 0) -> list[str]:
    """For a shared table: SQL for the teams of every row that points at ``rows``, and of the
    rows pointing at the shared rows that point at them (an organisation's users' teams)."""
    found = []
    for other, keys in tables.items():
        if other in UNSHOWN or other == table:
            continue
        for column, target in keys:
            if target != table:
                continue
            pointing = (
                f"(SELECT o.* FROM {other} o WHERE o.{column} IN (SELECT r.id FROM {rows} r))"
            )
            if other in SHARED:
                if depth == 0:
                    found += teams_pointing_at(other, pointing, tables, depth=1)
            elif (teams := teams_of(other, pointing, tables)) is not None:
                found.append(teams)
    return found


def revisions(table: str, tables: ForeignKeys) -> dict[str, str]:
    """For each event on ``table`` that can change what a team shows, SQL for the ids of the
    teams it changed, over the statement's transition tables ``new_rows`` and ``old_rows``."""
    if table in UNSHOWN or table == TEAM:
        return {}
    if table in SHARED:
        # A new user or organisation has nothing pointing at it; one in use cannot go.
        parts = teams_pointing_at(table, "new_rows", tables)
        return {"UPDATE": " UNION ".join(parts)} if parts else {}
    new = teams_of(table, "new_rows", tables)
    if new is None:
        return {}
    old = new.replace("new_rows", "old_rows")  # the same path from the rows before
    return {"INSERT": new, "UPDATE": f"{new} UNION {old}", "DELETE": old}


_TRANSITIONS = {
    "INSERT": "REFERENCING NEW TABLE AS new_rows",
    "UPDATE": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "DELETE": "REFERENCING OLD TABLE AS old_rows",
}

_TEAM_ROW = f"""
CREATE SEQUENCE IF NOT EXISTS {SEQUENCE};
CREATE OR REPLACE FUNCTION lkt_revise_team_row() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
    NEW.revision := nextval('{SEQUENCE}');
    RETURN NEW;
END
$body$;
CREATE TRIGGER lkt_revise BEFORE INSERT OR UPDATE ON {TEAM}
    FOR EACH ROW EXECUTE FUNCTION lkt_revise_team_row();
"""


def _function(name: str, teams: str) -> str:
    # Any update of a team's row gives it the sequence's next number (``_TEAM_ROW``). The rows
    # are locked in id order, so two statements that change many teams cannot deadlock.
    return f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
    UPDATE {TEAM} SET revision = 0 WHERE id IN (
        SELECT id FROM {TEAM} WHERE id IN ({teams}) ORDER BY id FOR UPDATE
    );
    RETURN NULL;
END
$body$;
"""


def install(connection: BaseDatabaseWrapper) -> None:
    """(Re)install the triggers on PostgreSQL, after every migrate (lkt.apps), in one
    transaction: the tables that lead to a team are those of the migrations just run."""
    if connection.vendor != "postgresql":
        return
    tables = foreign_keys()
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        uninstall(connection)
        cursor.execute(_TEAM_ROW)
        for table in sorted(tables):
            for event, teams in revisions(table, tables).items():
                function = f"lkt_revise_{event.lower()}_{table}"
                cursor.execute(_function(function, teams))
                cursor.execute(
                    f"CREATE TRIGGER lkt_revise_{event.lower()} AFTER {event} ON {table} "
                    f"{_TRANSITIONS[event]} FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
                )


def uninstall(connection: BaseDatabaseWrapper) -> None:
    """Drop every trigger of ours with its function (the sequence stays: numbers never go
    back). Before a migrate (lkt.apps): its migrations may drop or rename what they name. A
    write while it runs raises no revision; a section kept from before shows at most
    ``section_cache.FRESH_FOR`` longer."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT oid::regprocedure::text FROM pg_proc WHERE proname LIKE 'lkt\\_revise%'"
        )
        for (function,) in cursor.fetchall():
            cursor.execute(f"DROP FUNCTION {function} CASCADE")
