"""Run LKT's benchmarks: ``python scripts/bench/run.py [name ...] [-- options]``.

Each benchmark is a module in this folder with ``main(argv) -> int`` (non-zero: it could not
measure) that adds its lines to ``common.ROWS``; add one by writing the module and naming it in
``BENCHES``. With no name, every benchmark runs, and one table ends the output: measure, figure
at 10k, at 500k, ratio, target, verdict (issue 17). The exit status is 1 when a benchmark could
not measure or a target that holds is missed; a target still open is shown as
"over target (open)" and does not fail. Each benchmark runs in a process of its own, as a
worker would serve it: one that ran before (the sweep's 100 000 teams, the national fill) must
not leave its objects to the garbage collector and its caches to the next one's timings (a full
run measured the crisis card at 2.1× and the leader report at 2.4 s, alone 1.5× and 1.8 s).
Benchmarks need PostgreSQL databases of their own
(``DATABASE_URL``, by default ``lkt_bench``, and its name with a suffix): they empty their
tables. ``national`` fills two large ones the first time (about five minutes) and reuses them.
They are not part of ``make test``.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent.parent)]

# name → module in this folder
BENCHES = {
    "sweep": "sweep",  # the daily reminder sweep at 100 and 100 000 teams
    "crisis": "crisis",  # the crisis card against the login page (target < 2×)
    "leaders": "leaders",  # status PDF (< 1 s) and leader report (< 5 s) over 20 000 patients
    # the team page's first response and its lazy sections against a bare view (issue 17)
    "teampage": "teampage",
    # every page at 10 000 and 500 000 patients (≤ 1.3×, the same queries), the floors' ratios
    "national": "national",
    # the team page against a bare view under wrk, gunicorn and 10 connections
    "teampage-wrk": "teampage_wrk",
}
DEFAULT = list(BENCHES)


def main(argv: list[str]) -> int:
    names, rest = argv, []
    if "--" in argv:
        cut = argv.index("--")
        names, rest = argv[:cut], argv[cut + 1 :]
    if names[:1] == [CHILD]:
        return _child(names[1], Path(names[2]), rest)
    unknown = [n for n in names if n not in BENCHES]
    if unknown:
        print(f"unknown benchmark: {', '.join(unknown)}; known: {', '.join(BENCHES)}")
        return 2
    from common import Row, table

    status, rows = 0, []
    for name in names or DEFAULT:
        print(f"=== bench: {name}", flush=True)
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            command = [sys.executable, __file__, CHILD, name, out.name, "--", *rest]
            status |= subprocess.run(command, check=False).returncode  # noqa: S603 – ourselves
            written = Path(out.name).read_text()
        rows += [Row(**row) for row in json.loads(written or "[]")]
    print("\n=== the table\n" + table(rows))
    missed = [row.measure for row in rows if row.fails]
    if missed:
        print(f"missed: {'; '.join(missed)}")
    return 1 if status or missed else 0


# The first argument of the process that runs one benchmark, followed by its name and the file
# it writes its rows to (JSON).
CHILD = "--child"


def _child(name: str, out: Path, rest: list[str]) -> int:
    from common import ROWS

    status = importlib.import_module(BENCHES[name]).main(rest)
    out.write_text(json.dumps([asdict(row) for row in ROWS]))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
