"""What every benchmark does first: Django against a database of its own, created and
migrated if needed. Its name must say "bench": benchmarks fill and empty their tables."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/lkt_bench"


def setup_django(*, suffix: str = "") -> None:
    """``DATABASE_URL`` (default ``lkt_bench``), its name followed by ``suffix`` for a benchmark
    whose data must not meet the others' (the leaders' 20 000 patients)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lkt.settings")
    url = urlsplit(os.environ["DATABASE_URL"])
    name = url.path.lstrip("/") + suffix
    if "bench" not in name:
        raise SystemExit(f"refusing to use {name!r}: the benchmark database's name must say bench")
    import psycopg

    admin = urlunsplit(url._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    # Benchmarks run one after another in one process (run.py): point the connection at this
    # one's database, whichever set Django up.
    if connection.settings_dict["NAME"] != name:
        connection.close()
        connection.settings_dict["NAME"] = name
    call_command("migrate", verbosity=0)


_TEST_ENVIRONMENT: list[bool] = []


def django_test_environment() -> None:
    """Django's test environment (the test Client's host, templates rendered with a context
    the benchmarks can read), set up once: run.py runs several benchmarks in one process."""
    if not _TEST_ENVIRONMENT:
        from django.test.utils import setup_test_environment

        setup_test_environment()
        _TEST_ENVIRONMENT.append(True)
