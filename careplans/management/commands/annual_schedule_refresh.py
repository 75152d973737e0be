"""Set the årshjul's next due dates from scratch (``careplans.annual.schedule``).

Run once after deploying the due dates, and by ``seed_demo`` after it writes plans straight
into the tables. Safe to repeat: it only writes rows whose date changes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from careplans.annual.schedule import annual_schedule_refresh


class Command(BaseCommand):
    help = "Recompute AnnualActivity.next_due_on for the plan versions in force."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        changed, cleared = annual_schedule_refresh(options["today"])
        self.stdout.write(f"annual schedule: {changed} scheduled, {cleared} cleared")
