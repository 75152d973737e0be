"""On PostgreSQL the database itself refuses to change or remove audit records."""

from __future__ import annotations

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

CREATE = """
CREATE OR REPLACE FUNCTION lkt_accesslog_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'lkt_accesslog is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER lkt_accesslog_append_only
BEFORE UPDATE OR DELETE ON lkt_accesslog
FOR EACH ROW EXECUTE FUNCTION lkt_accesslog_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS lkt_accesslog_append_only ON lkt_accesslog;
DROP FUNCTION IF EXISTS lkt_accesslog_append_only();
"""


def _on_postgresql(sql: str):  # type: ignore[no-untyped-def]
    def run(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("lkt", "0001_initial")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
