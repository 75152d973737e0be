"""Run LKT's benchmarks: ``python scripts/bench/run.py [name ...] [-- options]``.

Each benchmark is a module in this folder with ``main(argv) -> int``; add one by writing the
module and naming it in ``BENCHES``. With no name, every benchmark in ``DEFAULT`` runs:
all but ``national``, which fails until the pages are flat in data size (issue 17) and
fills two large databases; run it by name. Benchmarks need a
PostgreSQL database of their own (``DATABASE_URL``, by default ``lkt_bench``): they empty
its tables. They are not part of ``make test``.
"""

from __future__ import annotations

import importlib
import sys
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
    # every page at 10 000 and 500 000 patients (≤ 1.3×, the same queries); by name only
    "national": "national",
    # the team page against a bare view under wrk, gunicorn and 10 connections; by name only
    "teampage-wrk": "teampage_wrk",
}
BY_NAME_ONLY = ("national", "teampage-wrk")
DEFAULT = [name for name in BENCHES if name not in BY_NAME_ONLY]


def main(argv: list[str]) -> int:
    names, rest = argv, []
    if "--" in argv:
        cut = argv.index("--")
        names, rest = argv[:cut], argv[cut + 1 :]
    unknown = [n for n in names if n not in BENCHES]
    if unknown:
        print(f"unknown benchmark: {', '.join(unknown)}; known: {', '.join(BENCHES)}")
        return 2
    status = 0
    for name in names or DEFAULT:
        print(f"=== bench: {name}")
        module = importlib.import_module(BENCHES[name])
        status |= module.main(rest)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
