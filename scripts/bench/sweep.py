"""Benchmark: the daily reminder sweep at 100 and at 100 000 teams, with exactly 10 due items.

    DJANGO_SETTINGS_MODULE=lkt.settings .venv/bin/python scripts/bench/sweep.py [--sizes 100,100000]
    make bench

Against ``DATABASE_URL`` (default ``postgres://postgres@127.0.0.1:5432/lkt_bench``), which it
creates and migrates if needed and whose tables it EMPTIES: it refuses a database whose name
does not contain "bench". For each size it writes, with ``INSERT … SELECT generate_series``,
teams with a realistic spread of rows that are NOT due (open tasks next month and long
overdue, evaluated and future plan periods, consents renewed next year or withdrawn, members
leaving in months, årshjul dates beyond 14 days, earlier plan versions, old notifications),
then the 10 due items, then ANALYZE. Each timed sweep runs in a transaction that is rolled
back, so every run sees the same due items; "rerun" is a second sweep in that transaction,
when everything has been sent. The EXPLAIN (ANALYZE) of the selections is printed for the
largest size.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from typing import Any

from common import ROWS, Row, setup_django

TODAY = dt.date(2027, 3, 2)  # a Tuesday: the weekly deputy check (Mondays) is timed apart
RUNS = 5


def _setup() -> None:
    # No broker: nothing is published anyway (every run is rolled back).
    os.environ.pop("REDIS_URL", None)
    setup_django()


TABLES = [
    "coordination_delivery",
    "coordination_notification",
    "coordination_agendaitem",
    "coordination_meeting_invited",
    "coordination_meeting_relatives_invited",
    "coordination_meeting",
    "coordination_task",
    "coordination_planperiod",
    "coordination_mandate",
    "careplans_annualactivity",
    "careplans_careplanversion",
    "careplans_careplan",
    "careplans_goal",
    "actors_consent",
    "actors_member",
    "actors_team",
    "actors_patient",
    "actors_user",
    "actors_organisation",
]

# Parameters: n (teams), s (staff users), today. Ids are computed, so rows refer to each other
# without lookups; the identity sequences are moved past them at the end.
GENERATE = [
    # Two organisations (a kommune, its home services) and one leader in the kommune.
    """INSERT INTO actors_organisation (id, name, org_number, kind, level, parent_id) VALUES
       (1, 'Benchvik kommune', '900000001', 'kommune', 'kommune', NULL),
       (2, 'Hjemmetjenesten', '900000002', 'hjemmetjeneste', 'kommune', 1)""",
    """INSERT INTO actors_user (id, password, is_superuser, username, first_name, last_name,
           email, is_staff, is_active, date_joined, kind, hpr_number, phone, is_leader,
           profession, national_id, organisation_id)
       SELECT g, '!', false, 'ansatt' || g, 'Ansatt', 'Nr' || g, 'ansatt' || g || '@example.no',
              false, true, now(), 'staff', '', '', g = %(s)s + 1, '', '',
              CASE WHEN g = %(s)s + 1 THEN 1 ELSE 1 + g %% 2 END
       FROM generate_series(1, %(s)s + 1) g""",
    """INSERT INTO actors_patient (id, name, national_id, birth_date, created_at)
       SELECT g, 'Pasient ' || g, lpad(g::text, 11, '0'), DATE '1960-01-01' + (g %% 20000),
              now()
       FROM generate_series(1, %(n)s) g""",
    """INSERT INTO actors_team (id, status, established_on, activated_on, missing_roles_reason,
           closed_reason, updated_at, created_by_id, patient_id)
       SELECT g, 'active', %(today)s::date - 400, %(today)s::date - 390, '', '', now(),
              1 + g %% %(s)s, g
       FROM generate_series(1, %(n)s) g""",
    # Four members a team: the coordinator, the fastlege, a nurse (one in 20 leaves in two to
    # twelve months), and a neighbour without login (one in five has left: history).
    """INSERT INTO actors_member (id, external_name, external_phone, external_email, role, level,
           closeness, involvement, joined_on, expected_leave_on, left_on, end_reason, user_id,
           organisation_id, previous_role, updated_at, team_id)
       SELECT 4 * (g - 1) + k,
              CASE WHEN k = 4 THEN 'Nabo ' || g ELSE '' END, '', '',
              (ARRAY['koordinator', 'fastlege', 'sykepleier', 'nabo'])[k],
              CASE WHEN k = 4 THEN 'privat' ELSE 'kommune' END, 'monthly', 'core',
              %(today)s::date - 400,
              CASE WHEN k = 3 AND g %% 20 = 0 THEN %(today)s::date + 60 + g %% 300 END,
              CASE WHEN k = 4 AND g %% 5 = 0 THEN %(today)s::date - 100 END,
              '',
              CASE WHEN k < 4 THEN 1 + (g + k - 1) %% %(s)s END,
              CASE WHEN k < 4 THEN 1 END,
              '', now(), g
       FROM generate_series(1, %(n)s) g, generate_series(1, 4) k""",
    # Approved mandates with the nurse as deputy.
    """INSERT INTO coordination_mandate (id, task_description, authority, hours_per_month,
           updated_at, approved_at, approved_by_id, deputy_id, team_id, updated_by_id)
       SELECT g, 'Lede teamet', 'Kalle inn', 4, now(), now(), %(s)s + 1, 4 * (g - 1) + 3, g,
              1 + g %% %(s)s
       FROM generate_series(1, %(n)s) g""",
    # Consents: sharing renewed next year; relatives withdrawn (their renewal date inside the
    # window, kept out by the index's condition).
    """INSERT INTO actors_consent (id, scope, method, given_by, given_at, note, withdrawn_at,
           recorded_by_id, patient_id, renew_on)
       SELECT 2 * (g - 1) + k, (ARRAY['team_sharing', 'relatives'])[k], 'written', 'patient',
              now() - interval '300 days', '',
              CASE WHEN k = 2 THEN now() - interval '10 days' END,
              1 + g %% %(s)s, g,
              CASE WHEN k = 1 THEN %(today)s::date + 31 + g %% 330
                   ELSE %(today)s::date + g %% 30 END
       FROM generate_series(1, %(n)s) g, generate_series(1, 2) k""",
    """INSERT INTO careplans_goal (id, wish, text, position, created_at, updated_at, patient_id)
       SELECT g, 'Å sove bedre', 'Sove seks timer', 0, now(), now(), g
       FROM generate_series(1, %(n)s) g""",
    # Tasks: one done, one open due in the next months, one long overdue (a backlog beyond
    # the sweep's catch-up week).
    """INSERT INTO coordination_task (id, title, description, due_on, status, created_at,
           updated_at, created_by_id, goal_id, owner_id, team_id)
       SELECT 3 * (g - 1) + k, 'Tiltak ' || k, '',
              CASE k WHEN 1 THEN %(today)s::date - 30 - g %% 300
                     WHEN 2 THEN %(today)s::date + 1 + g %% 200
                     ELSE %(today)s::date - 8 - g %% 100 END,
              CASE k WHEN 1 THEN 'done' WHEN 2 THEN 'in_progress' ELSE 'open' END,
              now(), now(), 1 + g %% %(s)s, g, 4 * (g - 1) + 1, g
       FROM generate_series(1, %(n)s) g, generate_series(1, 3) k""",
    # Plan periods: last year's (evaluated) and the current one ending 8 days to 10 months
    # out; one team in 50 has an old period that was never evaluated.
    """INSERT INTO coordination_planperiod (id, starts_on, ends_on, created_at, evaluated_on,
           created_by_id, team_id)
       SELECT 3 * (g - 1) + k,
              CASE k WHEN 1 THEN %(today)s::date - 565 WHEN 2 THEN %(today)s::date - 200
                     ELSE %(today)s::date - 400 END,
              CASE k WHEN 1 THEN %(today)s::date - 200 WHEN 2 THEN %(today)s::date + 8 + g %% 300
                     ELSE %(today)s::date - 30 - g %% 200 END,
              now(),
              CASE WHEN k = 1 THEN %(today)s::date - 190 END,
              1 + g %% %(s)s, g
       FROM generate_series(1, %(n)s) g, generate_series(1, 3) k
       WHERE k < 3 OR g %% 50 = 0""",
    """INSERT INTO careplans_careplan (id, version, team_id)
       SELECT g, 2, g FROM generate_series(1, %(n)s) g""",
    # Version 1 superseded, version 2 in force.
    """INSERT INTO careplans_careplanversion (id, number, status, patient_summary, challenges,
           goals, roles, missing_roles, roles_note, communication, information_sharing,
           preparedness, documentation, evaluation_plan, period_start, period_end, created_at,
           created_by_id, plan_id)
       SELECT 2 * (g - 1) + k, k, CASE k WHEN 1 THEN 'superseded' ELSE 'in_force' END,
              '', '[]', '[]', '[]', '[]', '', '', '', '', '', '',
              %(today)s::date - 400 + 200 * (k - 1), %(today)s::date - 35 + 200 * k, now(),
              1 + g %% %(s)s, g
       FROM generate_series(1, %(n)s) g, generate_series(1, 2) k""",
    # Five activities per version; only the version in force has due dates (15 days to a
    # year out).
    """INSERT INTO careplans_annualactivity (id, kind, title, recurrence, month, first_on,
           mandatory, responsible_id, version_id, next_due_on)
       SELECT 10 * (g - 1) + 5 * (v - 1) + k,
              (ARRAY['kickoff', 'evaluation', 'medication_review', 'consent_renewal',
                     'actor_map_review'])[k],
              'Aktivitet ' || k, 'yearly', extract(month FROM d)::int, d, true,
              4 * (g - 1) + 1, 2 * (g - 1) + v,
              CASE WHEN v = 2 THEN d END
       FROM generate_series(1, %(n)s) g, generate_series(1, 2) v, generate_series(1, 5) k,
            LATERAL (SELECT %(today)s::date + 15 + (g * 7 + k * 53) %% 350 AS d) due""",
    # Old notifications: two per team, read.
    """INSERT INTO coordination_notification (id, recipient_id, kind, message, team_id,
           occurrence, created_at, read_at, url, urgent)
       SELECT 2 * (g - 1) + k, 1 + (g + k) %% %(s)s, 'task_assigned', 'Nytt tiltak', g,
              'task:' || (3 * (g - 1) + k) || ':owner', now() - interval '40 days',
              now() - interval '39 days', '', false
       FROM generate_series(1, %(n)s) g, generate_series(1, 2) k""",
]

# Exactly ten due items, in the first ten teams.
DUE = [
    "UPDATE careplans_annualactivity SET next_due_on = %(today)s::date + 14 WHERE id = 6",
    "UPDATE careplans_annualactivity SET next_due_on = %(today)s::date + 2 WHERE id = 16",
    "UPDATE coordination_task SET due_on = %(today)s::date WHERE id IN (8, 11)",  # teams 3, 4
    "UPDATE coordination_task SET due_on = %(today)s::date - 1 WHERE id = 14",  # team 5
    "UPDATE coordination_planperiod SET ends_on = %(today)s::date + 5 WHERE id = 17",  # team 6
    "UPDATE coordination_planperiod SET ends_on = %(today)s::date - 1 WHERE id = 20",  # team 7
    "UPDATE actors_consent SET renew_on = %(today)s::date + 20 WHERE id = 15",  # patient 8
    "UPDATE actors_member SET expected_leave_on = %(today)s::date + 10 WHERE id = 35",  # team 9
    "UPDATE coordination_mandate SET deputy_id = NULL, approved_at = NULL WHERE id = 10",
]


def generate(n: int) -> float:
    from django.db import connection, transaction

    started = time.perf_counter()
    params: dict[str, Any] = {"n": n, "s": max(20, n // 10), "today": TODAY}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        # The ids above are consistent by construction; the foreign keys' deferred checks at
        # commit would double the time at 100 000 teams. Needs a superuser; else they run.
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if cursor.fetchone()[0]:
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
        for sql in GENERATE + DUE:
            cursor.execute(sql, params)
        for table in TABLES:
            cursor.execute(
                # Table names from TABLES above, not input.
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
            )
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"ANALYZE {table}")
    return time.perf_counter() - started


class _Rollback(Exception):
    pass


def _timed_sweep() -> tuple[float, float, int, int, dict[str, int], float]:
    """One sweep and a rerun inside a transaction that is rolled back."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from coordination.reminders import reminders_sweep

    result: list[Any] = []
    try:
        with transaction.atomic():
            with CaptureQueriesContext(connection) as first_q:
                t0 = time.perf_counter()
                counts = reminders_sweep(TODAY)
                t1 = time.perf_counter()
            with CaptureQueriesContext(connection) as rerun_q:
                t2 = time.perf_counter()
                reminders_sweep(TODAY)
                t3 = time.perf_counter()
            sql = sum(float(q["time"]) for q in first_q.captured_queries)
            result = [t1 - t0, t3 - t2, len(first_q), len(rerun_q), counts, sql]
            raise _Rollback
    except _Rollback:
        pass
    return result[0], result[1], result[2], result[3], result[4], result[5]


def _weekly_deputy_check() -> float:
    from coordination.reminders import departed_deputy_query

    times = []
    for _i in range(RUNS):
        t0 = time.perf_counter()
        list(departed_deputy_query())
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def explain() -> None:
    from coordination import reminders
    from coordination.models import Notification

    selections = {
        "annual due (annual_activities_by_due)": reminders.annual_due_query(TODAY),
        "tasks due/overdue (open_tasks_by_due)": reminders.task_due_query(TODAY),
        "evaluation due (periods_awaiting_evaluation)": reminders.evaluation_due_query(TODAY),
        "evaluation missing (periods_awaiting_evaluation)": reminders.evaluation_missing_query(
            TODAY
        ),
        "consent renewal (standing_consents_by_renewal)": reminders.consent_renewal_query(TODAY),
        "member leaving (members_leaving)": reminders.member_leaving_query(TODAY),
        "no deputy (mandate deputy_id index)": reminders.no_deputy_query(),
        "sent already? (one_notification_per_occurrence)": Notification.objects.filter(
            kind=Notification.Kind.TASK_DUE, recipient_id__in=[1, 2], occurrence__in=["task:8"]
        ),
        "weekly: deputies who left (no index; Mondays)": reminders.departed_deputy_query(),
    }
    for title, query in selections.items():
        print(f"\n--- {title}")
        print(query.explain(analyze=True))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,100000")
    parser.add_argument("--runs", type=int, default=RUNS)
    args = parser.parse_args(argv)
    _setup()
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = []
    for n in sizes:
        seconds = generate(n)
        print(f"generated {n} teams in {seconds:.1f} s", flush=True)
        _timed_sweep()  # warm the caches and the planner
        runs = [_timed_sweep() for _i in range(args.runs)]
        counts = runs[0][4]
        rows.append(
            (
                n,
                statistics.median(r[0] for r in runs) * 1000,
                statistics.median(r[1] for r in runs) * 1000,
                statistics.median(r[5] for r in runs) * 1000,
                runs[0][2],
                runs[0][3],
                sum(v for k, v in counts.items() if k not in ("annual_rolled",)),
                _weekly_deputy_check() * 1000,
            )
        )
        if n == max(sizes):
            explain()
    print(f"\nReminder sweep on {TODAY} (median of {args.runs} runs; each run rolled back)")
    print(
        f"{'teams':>8} | {'first run ms':>12} | {'rerun ms':>8} | {'SQL ms':>6} | "
        f"{'queries':>7} | {'rerun q':>7} | {'written':>7} | {'weekly deputy check ms':>22}"
    )
    for n, first, rerun, sql, q1, q2, written, weekly in rows:
        print(
            f"{n:>8} | {first:>12.1f} | {rerun:>8.1f} | {sql:>6.1f} | {q1:>7} | {q2:>7} | "
            f"{written:>7} | {weekly:>22.1f}"
        )
    print("SQL ms: time spent in the database during the first run (the rest is Python)")
    print(
        "written: 11 notifications for the 10 due items (the period ended without evaluation "
        "goes to the coordinator and her leader) + 1 evaluation meeting proposed"
    )
    if len(rows) == 2:
        (small, first_small, *_s), (large, first_large, *_l) = rows
        ROWS.append(
            Row(
                f"daily reminder sweep, first run (own data: {small:,} / {large:,} teams)",
                f"{first_small:.1f} ms",
                f"{first_large:.1f} ms",
                f"{first_large / first_small:.2f}×",
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
