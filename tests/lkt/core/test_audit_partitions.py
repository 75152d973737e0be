"""The access log is partitioned by month on PostgreSQL (migration lkt 0005): rows land in
their month, the append-only trigger holds on every partition, beat makes the coming months,
and retention detaches a month without deleting a row from the log."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError

from lkt.core.audit_partitions import detach_month, ensure_months, month_table
from lkt.models import AccessLog
from lkt.tasks import accesslog_partitions_task
from tests.clock import INSTANT

pytestmark = pytest.mark.django_db

# Far from both of the suite's instants and from the real date, so no other row is in it.
LATER = dt.datetime(2031, 5, 14, 12, 0, tzinfo=dt.UTC)


def _log(cast, at: dt.datetime) -> AccessLog:
    with time_machine.travel(at, tick=False):
        return AccessLog.objects.create(
            user=cast.member, patient=cast.team.patient, action="view", object_type="actors.team"
        )


def _partition_of(entry: AccessLog) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tableoid::regclass::text FROM lkt_accesslog WHERE id = %s", [entry.pk]
        )
        return cursor.fetchone()[0]


def _exists(table: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [table])
        return cursor.fetchone()[0]


def test_a_row_lands_in_its_months_partition_and_without_one_in_the_default(cast):
    assert ensure_months(LATER.date(), ahead=0) == []
    in_month = _log(cast, LATER)
    beyond = _log(cast, LATER + dt.timedelta(days=62))

    assert _partition_of(in_month) == "lkt_accesslog_y2031m05"
    assert _partition_of(beyond) == "lkt_accesslog_default"
    assert AccessLog.objects.filter(pk__in=[in_month.pk, beyond.pk]).count() == 2


def test_the_append_only_trigger_holds_on_every_partition(cast):
    ensure_months(LATER.date(), ahead=0)
    entry = _log(cast, LATER)
    statements = [
        f"{verb} lkt_accesslog{table} {rest} WHERE id = %s"
        for table in ("_y2031m05", "")
        for verb, rest in (("UPDATE", "SET reason = 'skjult'"), ("DELETE FROM", ""))
    ]
    for statement in statements:
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [entry.pk])
    assert AccessLog.objects.get(pk=entry.pk).reason == ""


def test_beat_makes_this_month_and_the_next_three(cast):
    with time_machine.travel(LATER, tick=False):
        assert accesslog_partitions_task.delay().result == 0
    months = ["2031m05", "2031m06", "2031m07", "2031m08"]
    assert all(_exists(f"lkt_accesslog_y{m}") for m in months)
    assert not _exists("lkt_accesslog_y2031m09")
    # Again: nothing new, nothing refused.
    assert ensure_months(LATER.date()) == []


def test_a_month_whose_rows_wait_in_the_default_is_left_there(cast):
    waiting = _log(cast, LATER)  # no partition for May 2031 yet

    assert ensure_months(LATER.date(), ahead=1) == [dt.date(2031, 5, 1)]
    assert _partition_of(waiting) == "lkt_accesslog_default"
    assert _exists("lkt_accesslog_y2031m06")


def test_retention_detaches_a_month_from_the_log_without_deleting_a_row(cast):
    ensure_months(LATER.date(), ahead=0)
    old = _log(cast, LATER)
    kept = _log(cast, INSTANT)

    assert detach_month(dt.date(2031, 5, 20)) == month_table(dt.date(2031, 5, 1))

    assert not AccessLog.objects.filter(pk=old.pk).exists()
    assert AccessLog.objects.filter(pk=kept.pk).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM lkt_accesslog_y2031m05 WHERE id = %s", [old.pk])
        assert cursor.fetchone()[0] == 1
    assert detach_month(dt.date(2031, 5, 1)) is None  # already out
    assert detach_month(dt.date(1999, 1, 1)) is None  # never made


@pytest.mark.parametrize("month", ["2025", "2025-13", "２０２５-01", "2025-1", ""])
def test_the_command_refuses_what_is_no_month(month):
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("accesslog_detach", month)


def test_the_command_refuses_this_month_and_one_without_a_partition(cast):
    with pytest.raises(CommandError, match="ended"):
        call_command("accesslog_detach", INSTANT.strftime("%Y-%m"))
    with pytest.raises(CommandError, match="no partition"):
        call_command("accesslog_detach", "1999-01")
