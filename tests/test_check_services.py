"""scripts/check_services.py: one clear line when PostgreSQL or Redis is down, OK when both answer."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "check_services.py"

# The services the test run itself uses (the Makefile's defaults when the environment has none).
REAL_DATABASE_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
REAL_REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
# Port 1 on loopback: nothing listens there, so connections are refused at once.
DEAD_POSTGRES_URL = "postgres://postgres@127.0.0.1:1/test"
DEAD_REDIS_URL = "redis://127.0.0.1:1/0"
NO_SERVICE_DATABASE_URL = "sqlite:///unused.sqlite3"


def run_check(database_url: str, redis_url: str | None) -> subprocess.CompletedProcess[str]:
    """Run the script as `make services` does; a redis_url of None leaves REDIS_URL unset."""
    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    env["DATABASE_URL"] = database_url
    if redis_url is not None:
        env["REDIS_URL"] = redis_url
    return subprocess.run(  # noqa: S603 - our own script, run with this interpreter
        [sys.executable, str(SCRIPT)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_check_passes_with_one_ok_line_when_the_real_services_answer() -> None:
    result = run_check(REAL_DATABASE_URL, REAL_REDIS_URL)

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK")
    assert len(result.stdout.splitlines()) == 1
    assert "Redis" in result.stdout


def test_an_unreachable_postgresql_fails_with_one_line_saying_where_and_how_to_start_it() -> None:
    result = run_check(DEAD_POSTGRES_URL, REAL_REDIS_URL)

    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "PostgreSQL" in lines[0]
    assert "127.0.0.1:1" in lines[0]
    assert "pg_ctlcluster" in lines[0]
    assert result.stdout == ""


def test_an_unreachable_redis_fails_with_one_line_saying_where_and_how_to_start_it() -> None:
    result = run_check(NO_SERVICE_DATABASE_URL, DEAD_REDIS_URL)

    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "Redis" in lines[0]
    assert "127.0.0.1:1" in lines[0]
    assert "redis-server" in lines[0]


def test_only_the_first_failure_is_reported_when_both_services_are_down() -> None:
    result = run_check(DEAD_POSTGRES_URL, DEAD_REDIS_URL)

    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "PostgreSQL" in lines[0]
    assert "Redis" not in lines[0]


def test_a_sqlite_database_and_no_redis_need_no_services() -> None:
    result = run_check(NO_SERVICE_DATABASE_URL, None)

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK")
