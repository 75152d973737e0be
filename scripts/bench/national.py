"""Benchmark: every page flat in data size, at 10,000 and at 500,000 patients (issue 17).

    make bench BENCH=national [BENCH_DATABASE_URL=postgres://…/lkt_bench]
    DATABASE_URL=postgres://…/lkt_bench .venv/bin/python scripts/bench/run.py national \\
        [-- --patients 10000 500000 --runs 30]

Two databases, ``DATABASE_URL``'s name followed by ``_national_10k`` and ``_national_500k``
(created and migrated if needed), are filled once each with the national data set of
``lkt.demo.national`` at the two sizes of ``--patients``: a table in each records
the size, and a database that holds another size is emptied and filled again. The load is
bulk SQL in one transaction, then ANALYZE (a deployment's tables have statistics: without
them PostgreSQL plans for empty tables); the time is printed.

Then each page is requested in-process through Django's test Client (the whole middleware,
view and template stack; persistent connections, as deployed) by the named users, who see
the same rows at both sizes: the coordinator's home, the patient search, the koordinerende
enhet's worklist, the leader's incomplete teams and indicators, the inbox, the patient's
portal and access log, the relative's home, the team page, each section's htmx partial, the
batches the page loads its lazy sections in (each rendered afresh, none kept), and the crisis
card (legevakt). Before the pages,
at each size, what beat does at night: the leaders' indicator months (timed and printed).
The sizes alternate in blocks, each block warmed up first (the connection prepares its statements after five runs); the median of ``--runs`` requests per
page and size is compared (a page that takes seconds gets fewer, so that it costs at most
``--budget`` seconds a size, and the table says how many), with the number of queries of one more request. One table is
printed: measure, median at 10k, at 500k, ratio, target (≤ 1.3× and the same number of
queries) and verdict; then EXPLAIN (ANALYZE, BUFFERS) at the large size of the slowest query
of each page over target (or of the slowest page). The same figures go to ``make bench``'s
table (``rows``) with the team page and its sections against the bare view, the crisis card
against the login page (both measured here too, at both sizes), the night's refresh and the
leader report PDF; run.py's exit status follows their verdicts.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from common import ROWS, Row, client_environment, sections_afresh, setup_django, verdict

if TYPE_CHECKING:
    from lkt.demo.national import Page

SIZES = (10_000, 500_000)
SUFFIXES = ("_national_10k", "_national_500k")
RUNS = 30
BLOCKS = 3
WARMUP = 6  # psycopg prepares a statement on its fifth run
TARGET = 1.3
BUDGET = 60.0  # seconds of timed requests per page and size, at most
PDF_TARGET = 5.0  # the leader report over the national set, seconds (issue 17)


@dataclass
class Result:
    times: dict[int, list[float]] = field(default_factory=lambda: {0: [], 1: []})
    queries: dict[int, int] = field(default_factory=dict)
    # The large size's queries of one request: (seconds, sql, params).
    slowest: list[tuple[float, str, Any]] = field(default_factory=list)
    runs: int = 0  # requests per size (fewer than --runs for a page of seconds)

    def median(self, side: int) -> float:
        return statistics.median(self.times[side]) * 1000

    @property
    def ratio(self) -> float:
        return self.median(1) / self.median(0)

    @property
    def ok(self) -> bool:
        return self.ratio <= TARGET and self.queries[0] == self.queries[1]


def _use(suffix: str) -> None:
    """Point the default connection at one of the two databases (migrated by setup_django)."""
    from django.db import connection

    name = _name(suffix)
    if connection.settings_dict["NAME"] != name:
        connection.close()
        connection.settings_dict["NAME"] = name


def _name(suffix: str) -> str:
    return os.environ["DATABASE_URL"].rsplit("/", 1)[1].split("?")[0] + suffix


class _Sides:
    """One kept connection per database, swapped in as ``default``: a switch of size keeps
    each connection's prepared statements, as a deployment's kept connections do."""

    def __init__(self) -> None:
        from django.core.cache import cache
        from django.db import connections

        self.wrappers = []
        for suffix in SUFFIXES:
            wrapper = connections.create_connection("default")
            # Its own settings: the handler's dict is shared with the default connection.
            wrapper.settings_dict = {
                **wrapper.settings_dict,
                "NAME": _name(suffix),
                "CONN_MAX_AGE": 600,
            }
            self.wrappers.append(wrapper)
        self.original = connections["default"]
        self.prefix = cache.key_prefix

    def use(self, side: int) -> None:
        from django.core.cache import cache
        from django.db import connections

        connections["default"] = self.wrappers[side]
        # And a cache of its own: a count cached at one size must not answer at the other.
        cache.key_prefix = f"{self.prefix}national-{side}"

    def close(self) -> None:
        from django.core.cache import cache
        from django.db import connections

        for wrapper in self.wrappers:
            wrapper.close()
        connections["default"] = self.original
        cache.key_prefix = self.prefix


def prepare(suffix: str, patients: int, log: Callable[[str], None] = print) -> float | None:
    """The database with ``patients``: reused when there, else emptied and filled. Returns the
    seconds the fill took, or None when reused."""
    setup_django(suffix=suffix)
    from django.db import connection
    from django.utils import timezone

    from lkt.demo import national as demo_national

    with connection.cursor() as cursor:
        there = demo_national.loaded_patients(cursor)
    if there == patients:
        log(f"  {connection.settings_dict['NAME']}: {patients:,} patients, reused")
        return None
    log(f"  {connection.settings_dict['NAME']}: filling with {patients:,} patients")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND "
            "(tablename ~ '^(actors|careplans|coordination|lkt)_' OR tablename IN "
            "('django_session', %s))",
            [demo_national.MARKER],
        )
        tables = [row[0] for row in cursor.fetchall()]
        if there is not None or _has_rows(cursor):
            # Another size (or a partial run before the marker): empty it. TRUNCATE fires no
            # row trigger, so the access log's append-only trigger stays as it is.
            cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
    demo_national.generate(patients, timezone.localdate(), progress=log)
    loaded = time.perf_counter() - started
    with connection.cursor() as cursor:
        began = time.perf_counter()
        cursor.execute("ANALYZE")
        log(f"  ANALYZE {time.perf_counter() - began:.0f} s")
    seconds = time.perf_counter() - started
    log(f"  filled in {loaded:.0f} s, {seconds:.0f} s with ANALYZE")
    return seconds


def nightly(suffix: str) -> float:
    """What beat does every night before the day's pages: the leaders' indicator months
    (``coordination.reports.indicator_months``). Seconds."""
    _use(suffix)
    from coordination.reports.indicator_months import indicator_months_refresh

    began = time.perf_counter()
    indicator_months_refresh()
    return time.perf_counter() - began


def _has_rows(cursor: Any) -> bool:
    cursor.execute("SELECT EXISTS (SELECT 1 FROM actors_patient)")
    return bool(cursor.fetchone()[0])


class _Recorder:
    """An execute wrapper: every query of a request with its time and parameters."""

    def __init__(self) -> None:
        self.queries: list[tuple[float, str, Any]] = []

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append((time.perf_counter() - began, sql, params))


ANONYMOUS = ""  # the login page's client
BARE, LOGIN = "bare view", "login page"


def _floors() -> list[Page]:
    """What the team page and the crisis card are measured against (issue 17): the bare
    ``login_required`` view of ``teampage_urls`` and the login page."""
    from django.urls import reverse

    from lkt.demo.national import Page

    return [Page(BARE, "coordinator", "/bench/bare/"), Page(LOGIN, ANONYMOUS, reverse("login"))]


def leader_report(suffix: str) -> float:
    """The leader report PDF of the named leader's organisation, the last twelve months, as the
    report job makes it (``coordination.reports``): the fastest of three runs, in seconds."""
    _use(suffix)
    import datetime as dt

    from django.utils import timezone

    from coordination.reports.report_jobs import indicator_report_pdf
    from lkt.demo.national import named_users

    leader = named_users()["leader"]
    if leader.organisation is None:
        raise SystemExit("the national set's leader has no organisation")
    end = timezone.localdate()
    start = (end.replace(day=1) - dt.timedelta(days=335)).replace(day=1)
    times = []
    for _ in range(3):
        began = time.perf_counter()
        indicator_report_pdf(leader.organisation, start, end, generated_by=leader)
        times.append(time.perf_counter() - began)
    return min(times)


def _get(client: Any, page: Page) -> Any:
    headers = {"HX-Request": "true"} if page.htmx else {}
    response = client.get(page.url, secure=True, headers=headers)
    if response.status_code != 200:
        raise SystemExit(f"{page.label} ({page.url}): {response.status_code}")
    return response


def measure(
    runs: int, budget: float, log: Callable[[str], None], only: list[str] | None = None
) -> tuple[list[str], list[Result]]:
    from django.db import connection
    from django.test import Client

    from lkt.demo.national import named_users, pages

    sides = _Sides()
    prepared: list[dict[str, Any]] = []
    for side in (0, 1):
        sides.use(side)
        users = named_users()
        clients = {ANONYMOUS: Client()}
        for key, user in users.items():
            clients[key] = Client()
            clients[key].force_login(user)
        prepared.append({"pages": pages(users) + _floors(), "clients": clients})
    if only:
        # ``--pages``: the pages whose label holds one of the words, to measure a fix quickly.
        for found in prepared:
            found["pages"] = [p for p in found["pages"] if any(w in p.label for w in only)]
    labels = [p.label for p in prepared[0]["pages"]]
    if labels != [p.label for p in prepared[1]["pages"]]:
        raise SystemExit("the two sizes do not have the same pages")
    if not labels:
        raise SystemExit(f"no page's label holds any of {only}")
    results = [Result() for _ in labels]
    for n, label in enumerate(labels):
        result = results[n]
        log(f"  {label.strip()}")
        slowest = 0.0
        for side in (0, 1):
            sides.use(side)
            page = prepared[side]["pages"][n]
            for _ in range(WARMUP):
                began = time.perf_counter()
                _get(prepared[side]["clients"][page.user], page)
            slowest = max(slowest, time.perf_counter() - began)
        # A page of seconds gets fewer runs, so that the whole benchmark keeps to its time.
        result.runs = max(BLOCKS, min(runs, int(budget / max(slowest, 1e-3))))
        per_block = max(1, result.runs // BLOCKS)
        for block in range(BLOCKS):
            for side in (0, 1):
                sides.use(side)
                page = prepared[side]["pages"][n]
                client = prepared[side]["clients"][page.user]
                if block:
                    _get(client, page)  # the other size ran in between
                for _ in range(per_block):
                    began = time.perf_counter()
                    _get(client, page)
                    result.times[side].append(time.perf_counter() - began)
        for side in (0, 1):
            sides.use(side)
            page = prepared[side]["pages"][n]
            recorder = _Recorder()
            with connection.execute_wrapper(recorder):
                _get(prepared[side]["clients"][page.user], page)
            result.queries[side] = len(recorder.queries)
            if side == 1:
                result.slowest = sorted(recorder.queries, key=lambda q: q[0], reverse=True)
    sides.close()
    return labels, results


def explain(sql: str, params: Any) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of one query, rolled back (it may be the audit insert)."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        transaction.set_rollback(True)
    return plan


def report(results: list[Result], labels: list[str], patients: tuple[int, int], runs: int) -> str:
    small, large = (f"{n // 1000}k" if n >= 1000 else str(n) for n in patients)
    head = (
        f"{'measure':<34} {'median ' + small:>11} {'median ' + large:>12} {'ratio':>7}  "
        f"{'queries':>9}  {'target':<22} verdict"
    )
    lines = [
        f"Pages at {patients[0]:,} and {patients[1]:,} patients (median of {runs} requests "
        "each, in-process Client, persistent connection)",
        head,
        "-" * len(head),
    ]
    for label, result in zip(labels, results, strict=True):
        queries = f"{result.queries[0]}/{result.queries[1]}"
        if result.runs < runs:
            label = f"{label} (n={result.runs // BLOCKS * BLOCKS})"
        lines.append(
            f"{label:<34} {result.median(0):>8.1f} ms {result.median(1):>9.1f} ms "
            f"{result.ratio:>6.2f}×  {queries:>9}  ≤ {TARGET}×, same queries    "
            f"{'OK' if result.ok else 'over target'}"
        )
    return "\n".join(lines)


def rows(by_label: dict[str, Result], refresh: list[float], pdf: list[float]) -> list[Row]:
    """The benchmark's lines of ``make bench``'s table: each page's medians, then the team page
    and its sections against the bare view, the crisis card against the login page, the
    night's refresh and the leader report, at both sizes."""
    found = []
    for label, result in by_label.items():
        found.append(
            Row(
                f"{label.strip()} ({result.queries[0]}/{result.queries[1]} queries)",
                f"{result.median(0):.1f} ms",
                f"{result.median(1):.1f} ms",
                f"{result.ratio:.2f}×",
                f"≤ {TARGET}×, same queries",
                verdict(result.ok),
            )
        )

    def against(label: str, floor: str, target: float, *, holds: bool, ms: list[float]) -> Row:
        small, large = (value / by_label[floor].median(side) for side, value in enumerate(ms))
        return Row(
            f"{label} ÷ {floor}",
            f"{small:.1f}×",
            f"{large:.1f}×",
            f"{large / small:.2f}×",
            f"≤ {target:g}× (each size)",
            verdict(max(small, large) <= target, holds=holds),
            holds=holds,
        )

    sections = [label for label in by_label if label.strip().startswith("section ")]
    batches = [by_label[label] for label in by_label if label.strip().startswith("batch ")]

    def medians(picked: list[Result]) -> list[float]:
        return [sum(r.median(side) for r in picked) for side in (0, 1)]

    # ``--pages`` may leave a page or its floor out: then its ratio is not shown.
    page = by_label.get("team page")
    if page is not None and BARE in by_label:
        # The team page's floor targets are open (issue 17): shown, not failing make bench.
        found.append(against("team page", BARE, 3, holds=False, ms=medians([page])))
        found += [
            against(label.strip(), BARE, 2, holds=False, ms=medians([by_label[label]]))
            for label in sections
        ]
        all_ms = medians([page, *batches])
        found.append(against("page + its batches (all sections)", BARE, 10, holds=False, ms=all_ms))
    card = by_label.get("crisis card (legevakt)")
    if card is not None and LOGIN in by_label:
        # The crisis benchmark holds the target (three runs in a row); here it is shown at both
        # sizes of the national set, whose plans are larger than the crisis benchmark's one.
        found.append(against("crisis card", LOGIN, 2, holds=False, ms=medians([card])))
    found.append(
        Row(
            "night's indicator months (every organisation)",
            f"{refresh[0]:.1f} s",
            f"{refresh[1]:.1f} s",
            f"{refresh[1] / refresh[0]:.1f}×",
        )
    )
    found.append(
        Row(
            "leader report PDF (the leader's kommune, 12 months)",
            f"{pdf[0]:.2f} s",
            f"{pdf[1]:.2f} s",
            f"{pdf[1] / pdf[0]:.2f}×",
            f"≤ {PDF_TARGET:g} s at 500k",
            verdict(pdf[1] <= PDF_TARGET),
        )
    )
    return found


def _large_tables() -> set[str]:
    """The tables of the large database with over 100,000 rows (by the statistics)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relkind = 'r' AND reltuples > 100000 "
            "AND relnamespace = 'public'::regnamespace"
        )
        return {row[0] for row in cursor.fetchall()}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, nargs=2, default=SIZES, metavar=("SMALL", "LARGE"))
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument(
        "--budget",
        type=float,
        default=BUDGET,
        help="seconds per page and size: a slower page gets fewer runs (at least 3)",
    )
    parser.add_argument(
        "--generate-only", action="store_true", help="fill the databases, measure nothing"
    )
    parser.add_argument(
        "--pages",
        nargs="+",
        metavar="WORD",
        help="measure only the pages whose label holds one of these words (e.g. search KE)",
    )
    args = parser.parse_args(argv)
    patients = (args.patients[0], args.patients[1])
    for suffix, n in zip(SUFFIXES, patients, strict=True):
        prepare(suffix, n)
    if args.generate_only:
        return 0
    refresh = [nightly(suffix) for suffix in SUFFIXES]
    from django.test.utils import override_settings

    client_environment()
    static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    with override_settings(
        ROOT_URLCONF="teampage_urls",
        STORAGES={"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
        | {"staticfiles": static},
        # The sections' reads are what must stay flat in data size; a kept one reads nothing.
        CACHES=sections_afresh(),
    ):
        labels, results = measure(
            args.runs,
            args.budget,
            lambda line: print(line, file=sys.stderr, flush=True),
            args.pages,
        )
    pdf = [leader_report(suffix) for suffix in SUFFIXES]
    print(report(results, labels, patients, args.runs))
    print(
        f"the night's indicator months: {refresh[0]:.1f} s at {patients[0]:,}, "
        f"{refresh[1]:.1f} s at {patients[1]:,} (every organisation, 36 months)"
    )
    ROWS.extend(rows(dict(zip(labels, results, strict=True)), refresh, pdf))
    _use(SUFFIXES[1])
    failing = [(label, r) for label, r in zip(labels, results, strict=True) if not r.ok]
    large_tables = _large_tables()
    shown = failing or [max(zip(labels, results, strict=True), key=lambda lr: lr[1].median(1))]
    for label, result in shown:
        seconds, sql, params = result.slowest[0]
        print(f"\n--- {label.strip()}: slowest query at {patients[1]:,} ({seconds * 1000:.1f} ms)")
        print(sql if len(sql) < 2000 else sql[:2000] + " …")
        try:
            plan = explain(sql, params)
        except Exception as error:  # noqa: BLE001 - the report goes on
            print(f"(EXPLAIN failed: {error})")
            continue
        print(plan)
        scanned = sorted(set(re.findall(r"Seq Scan on (\w+)", plan)) & large_tables)
        print(f"sequential scans of large tables: {', '.join(scanned) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
