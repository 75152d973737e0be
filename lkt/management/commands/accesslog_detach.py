"""Retention of the access log: ``manage.py accesslog_detach 2025-01`` takes that month out of
the log as a table of its own (lkt.core.audit_partitions.detach_month), for the archive."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from lkt.core.audit_partitions import detach_month, partitioned


class Command(BaseCommand):
    help = "Detach one month (YYYY-MM) of the access log for the archive."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("month", help="YYYY-MM")

    def handle(self, *args: Any, **options: Any) -> None:
        found = re.fullmatch(r"([0-9]{4})-([0-9]{2})", options["month"])
        try:
            month = dt.date(int(found[1]), int(found[2]), 1) if found else None
        except ValueError:
            month = None
        if month is None:
            raise CommandError("Month must be YYYY-MM, e.g. 2025-01.")
        if month >= timezone.now().date().replace(day=1):
            raise CommandError("Only a month that has ended can be detached.")
        if not partitioned():
            raise CommandError("The access log is partitioned on PostgreSQL only.")
        table = detach_month(month)
        if table is None:
            raise CommandError(f"{options['month']} has no partition of its own in the log.")
        self.stdout.write(f"Detached {table}: archive it, then drop it.")
