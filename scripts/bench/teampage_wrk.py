"""Benchmark: the team page against a bare view, served by gunicorn and loaded by wrk (issue 17).

    make bench BENCH=teampage-wrk [BENCH_ARGS="--duration 20 --connections 10"]

The demo data (``seed_demo``) in a database of its own (``…_teampage``); production-like
settings (DEBUG off, collected static files, connections kept for a minute as the settings
keep them) with the bare view of ``teampage_urls`` added; gunicorn with two workers
on 127.0.0.1; Cecilie (the coordinator of Kari's team) logged in. wrk (Debian's package) loads
the bare view and then the team page, each for ``--duration`` seconds over ``--connections``
connections, in one run; the table gives requests a second and the median latency, and the
ratio of the medians against the issue's target for the first response (≤ 3× the bare view).
The first response only: its eager sections; the batch of lazy ones that follows it is
measured in process (teampage.py).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from common import DEFAULT_URL, ROOT, ROWS, Row, setup_django, verdict

PORT = 8765
WRK = shutil.which("wrk") or "wrk"
TARGET = 3.0  # the team page's first response ≤ 3× the bare view (issue 17)
SUFFIX = "_teampage"


def _database_url() -> str:
    url = urlsplit(os.environ.get("DATABASE_URL", DEFAULT_URL))
    return urlunsplit(url._replace(path=url.path + SUFFIX))


def _prepare(env: dict[str, str]) -> tuple[str, int]:
    """The demo loaded, static files collected; Cecilie's session id and Kari's team."""
    os.environ["LKT_SYNTHETIC_IDS"] = "true"
    setup_django(suffix=SUFFIX)
    from django.core.management import call_command
    from django.test import Client

    from actors.models import Team, User

    call_command("seed_demo", verbosity=0)
    # With gunicorn's settings, in a process of their own: this one has LKT's settings, whose
    # STATIC_ROOT is not the benchmark's.
    subprocess.run(  # noqa: S603 – our own manage.py
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        env=env,
        cwd=ROOT,
        check=True,
    )
    cecilie = User.objects.get(username="cecilie")
    team = Team.objects.open().filter(created_by=cecilie).order_by("pk").first() or (
        Team.objects.open().filter(members__user=cecilie).order_by("pk").first()
    )
    if team is None:
        raise SystemExit("the demo has no team of Cecilie's")
    client = Client()
    client.force_login(cecilie)
    return client.cookies["sessionid"].value, team.pk


def _get(url: str, session: str) -> int:
    request = urllib.request.Request(url, headers={"Cookie": f"sessionid={session}"})  # noqa: S310 – http on 127.0.0.1
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 – our server
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def _wrk(url: str, session: str, *, duration: int, connections: int) -> tuple[float, float]:
    """Requests a second and the median latency in ms."""
    out = subprocess.run(  # noqa: S603 – wrk from the PATH, our URL
        [
            WRK,
            "-t2",
            f"-c{connections}",
            f"-d{duration}s",
            "--latency",
            "-H",
            f"Cookie: sessionid={session}",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    value, unit = re.search(r"\s50%\s+([\d.]+)(us|ms|s)\b", out).groups()  # type: ignore[union-attr]
    median = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    if " Non-2xx" in out:
        raise SystemExit(f"{url} answered with errors under load:\n{out}")
    return rate, median


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--connections", type=int, default=10)
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk is not installed: apt-get install wrk")
        return 1
    static_root = tempfile.mkdtemp(prefix="lkt-bench-static-")
    os.environ["BENCH_STATIC_ROOT"] = static_root
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": "teampage_site",
        "PYTHONPATH": os.pathsep.join([str(Path(__file__).parent), str(ROOT)]),
        "DEBUG": "false",
        # Plain HTTP on 127.0.0.1: no redirect to https, cookies without Secure.
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
    }
    session, team_pk = _prepare(env)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(  # noqa: S603 – our own gunicorn
        [str(gunicorn), "lkt.wsgi", "-w", "2", "-b", f"127.0.0.1:{PORT}", "--log-level", "warning"],
        env=env,
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{PORT}"
    pages = {"bare view": f"{base}/bench/bare/", "team page": f"{base}/aktorfellesskap/{team_pk}/"}
    try:
        for _ in range(100):
            if _get(pages["bare view"], session) == 200:
                break
            time.sleep(0.2)
        for label, url in pages.items():
            status = _get(url, session)
            if status != 200:
                print(f"{label}: {url} answered {status}")
                return 1
        results = {
            label: _wrk(url, session, duration=args.duration, connections=args.connections)
            for label, url in pages.items()
        }
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(static_root, ignore_errors=True)
    floor = results["bare view"][1]
    print(f"wrk, gunicorn 2 workers, {args.connections} connections, {args.duration} s each")
    print(f"{'page':<12} {'req/s':>9} {'median':>10} {'ratio':>7} {'target':>7}  verdict")
    for label, (rate, median) in results.items():
        ratio = median / floor if floor else float("inf")
        target = "" if label == "bare view" else f"{TARGET:.0f}×"
        said = "" if label == "bare view" else verdict(ratio <= TARGET, holds=False)
        print(f"{label:<12} {rate:>9.1f} {median:>8.1f}ms {ratio:>6.1f}× {target:>7}  {said}")
        ROWS.append(
            Row(
                f"wrk {label}: {rate:.1f} req/s, median (demo, {args.connections} connections)",
                f"{median:.1f} ms",
                ratio=f"{ratio:.1f}×",
                target="—" if label == "bare view" else f"≤ {TARGET:g}× bare",
                verdict=said or "—",
                holds=False,  # open (issue 17)
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
