"""What every benchmark does first: Django against a database of its own, created and
migrated if needed. Its name must say "bench": benchmarks fill and empty their tables."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any
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

    # A benchmark may use more than one database (national's two sizes): point the connection
    # at this one's, whichever set Django up.
    if connection.settings_dict["NAME"] != name:
        connection.close()
        connection.settings_dict["NAME"] = name
    call_command("migrate", verbosity=0)


def client_environment() -> None:
    """What Django's test Client needs to request pages in process, and no more: its host
    allowed and mail kept in memory. Not ``setup_test_environment()``: that instruments every
    Django template render to copy its context for the Client, a cost production never pays
    (a quarter of the team page's batch of sections, issue 17)."""
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def sections_afresh() -> dict[str, Any]:
    """``CACHES`` with nothing kept in "sections": every team page section rendered afresh, as
    for the first viewer after a change (lkt.workspace.section_cache), its reads all made."""
    from django.conf import settings

    return settings.CACHES | {
        "sections": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    }


@dataclass(frozen=True)
class Row:
    """One line of the table ``make bench`` ends with (run.py prints it): a measure, its figure
    at the national set's two sizes (10k and 500k), their ratio, the target and the verdict. A
    measure taken on data of its own says so in its name and leaves "500k" empty."""

    measure: str
    small: str
    large: str = "—"
    ratio: str = "—"
    target: str = "—"
    verdict: str = "—"
    # Whether "over target" fails make bench; False for a target still open, which the
    # table shows as such rather than hiding.
    holds: bool = True

    @property
    def fails(self) -> bool:
        return self.holds and self.verdict.startswith("over target")


# The rows of the benchmark run in this process, in order (run.py gathers every process's).
ROWS: list[Row] = []


def verdict(ok: bool, *, holds: bool = True) -> str:
    return "OK" if ok else ("over target" if holds else "over target (open)")


def table(rows: list[Row]) -> str:
    head = ("measure", "10k", "500k", "ratio", "target", "verdict")
    cells = [head] + [(r.measure, r.small, r.large, r.ratio, r.target, r.verdict) for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(head))]
    lines = []
    for n, row in enumerate(cells):
        lines.append(
            "  ".join(
                cell.ljust(w) if i in (0, 4, 5) else cell.rjust(w)
                for i, (cell, w) in enumerate(zip(row, widths, strict=True))
            ).rstrip()
        )
        if n == 0:
            lines.append("-" * len(lines[0]))
    return "\n".join(lines)
