"""``manage.py health [part …]``: the checks of ``/helse/?full=1`` (``lkt.health``) from a
shell, for the containers' health checks: docker-compose.yml's beat runs ``health beat``.

Prints the results as JSON and exits with status 1 when a part that applies failed.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lkt.health import CHECKS, all_ok, run_checks


class Command(BaseCommand):
    help = "Check the database, Redis, a Celery worker and beat (all, or the parts named)."

    def add_arguments(self, parser: CommandParser) -> None:
        # Checked in handle: argparse (3.11) refuses an empty list when "*" has choices.
        parser.add_argument("parts", nargs="*", metavar="part", help=", ".join(CHECKS))

    def handle(self, *args: Any, **options: Any) -> None:
        unknown = sorted(set(options["parts"]) - set(CHECKS))
        if unknown:
            raise CommandError(f"unknown part {', '.join(unknown)}; parts: {', '.join(CHECKS)}")
        results = run_checks(tuple(options["parts"] or CHECKS))
        self.stdout.write(json.dumps(results))
        if not all_ok(results):
            raise SystemExit(1)
