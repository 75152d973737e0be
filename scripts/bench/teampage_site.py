"""Settings for the team page benchmark's gunicorn: LKT's own, with the bare view's URL added
and the static files collected into the benchmark's folder (teampage.py sets both)."""

import os
from pathlib import Path

from lkt.settings import *  # noqa: F403

ROOT_URLCONF = "teampage_urls"
STATIC_ROOT = Path(os.environ["BENCH_STATIC_ROOT"])
