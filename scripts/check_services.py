"""Check that the services the tests need answer, before the test run starts.

Reads DATABASE_URL and REDIS_URL from the environment. A PostgreSQL DATABASE_URL must accept
a connection and REDIS_URL must answer PING, each within 3 seconds. On the first failure one
line on stderr names the service, its address and how to start it, and the exit code is 1.
A SQLite (or missing) DATABASE_URL and a missing REDIS_URL are skipped: the settings then need
neither service.
"""

from __future__ import annotations

import os
import sys
from urllib.parse import urlsplit

import psycopg
import redis

TIMEOUT_SECONDS = 3
POSTGRES_SCHEMES = {"postgres", "postgresql", "pgsql", "psql", "postgis"}
START_POSTGRES = (
    "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"
    "  (or: docker compose up -d db)"
)
START_REDIS = (
    'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no'
    "  (or: docker compose up -d redis)"
)


class ServiceDown(Exception):
    """A service did not answer; the message is the one line to print."""


def address(url: str, default_port: int) -> str:
    """Host and port of a service URL, as a person would type them."""
    parts = urlsplit(url)
    host = parts.hostname or "localhost"
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port or default_port
    except ValueError:
        port = default_port
    return f"{host}:{port}"


def first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]


def is_postgres(url: str) -> bool:
    return urlsplit(url).scheme in POSTGRES_SCHEMES


def check_postgres(url: str) -> str:
    """Connect and run SELECT 1; return the address checked."""
    where = address(url, 5432)
    # libpq understands postgres:// and postgresql:// only; django-environ knows a few more.
    conninfo = "postgresql:" + url.split(":", 1)[1]
    try:
        with psycopg.connect(conninfo, connect_timeout=TIMEOUT_SECONDS) as connection:
            connection.execute("SELECT 1")
    except Exception as error:
        raise ServiceDown(
            f"PostgreSQL is not reachable at {where} ({first_line(error)})"
            f" — start it with: {START_POSTGRES}"
        ) from error
    return where


def check_redis(url: str) -> str:
    """Send PING; return the address checked."""
    where = address(url, 6379)
    try:
        client = redis.Redis.from_url(
            url, socket_connect_timeout=TIMEOUT_SECONDS, socket_timeout=TIMEOUT_SECONDS
        )
        try:
            client.ping()
        finally:
            client.close()
    except Exception as error:
        raise ServiceDown(
            f"Redis is not reachable at {where} ({first_line(error)})"
            f" — start it with: {START_REDIS}"
        ) from error
    return where


def main() -> int:
    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    answered: list[str] = []
    try:
        if database_url and is_postgres(database_url):
            answered.append(f"PostgreSQL at {check_postgres(database_url)}")
        if redis_url:
            answered.append(f"Redis at {check_redis(redis_url)}")
    except ServiceDown as down:
        print(down, file=sys.stderr)
        return 1
    if answered:
        print(f"OK: {' and '.join(answered)} answered.")
    else:
        print("OK: no PostgreSQL DATABASE_URL and no REDIS_URL set; nothing to check.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
