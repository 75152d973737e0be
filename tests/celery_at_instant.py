"""Celery at the test's instant: ``python -m tests.celery_at_instant worker|beat …``.

The suite's clock stands still in the test process (tests/clock.py), but a worker or beat the
suite starts is another process with the real clock: a delivery due at the test's "now" is not
due yet for a worker that lives in 2026 while the test lives in 2028. This starts the clock at
``LKT_CELERY_INSTANT`` (ISO 8601 with an offset), running from there, then celery's own main.

``LKT_CELERY_QUEUE`` sends whatever this process publishes (beat's schedule) to the test's own
queue, so nothing is left for another worker on the same Redis.
"""

from __future__ import annotations

import datetime as dt
import os
import sys

import time_machine


def main() -> None:
    instant = dt.datetime.fromisoformat(os.environ["LKT_CELERY_INSTANT"])
    # Started before celery and Django are imported; never stopped: the process ends with it.
    time_machine.travel(instant, tick=True).start()

    from celery.__main__ import main as celery_main

    from lkt.celery import app

    queue = os.environ.get("LKT_CELERY_QUEUE")
    if queue:
        app.conf.task_default_queue = queue
        app.conf.task_routes = {"*": {"queue": queue}}
    sys.argv = ["celery", *sys.argv[1:]]
    celery_main()


if __name__ == "__main__":
    main()
