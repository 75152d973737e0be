"""Benchmark: the team status PDF and the leader's indicator report over 20 000 patients.

    make bench BENCH=leaders [BENCH_DATABASE_URL=postgres://…/lkt_bench]
    DATABASE_URL=postgres://…/lkt_bench .venv/bin/python scripts/bench/run.py leaders \\
        [-- --patients 20000 --runs 5]

Issue 8 expects the status PDF of one team in under 1 s; issue 17 the leader report over all
patients in under 2 s, read from the months beat keeps (``indicator_months``). The database (``DATABASE_URL``'s name with ``_leaders`` after it, so
the other benchmarks never empty it; created and migrated if needed) is filled once by
``lkt.demo.leaders`` with ``--patients`` teams and 14 months of history (members, plans, årshjul, meetings, tasks, night contacts,
good-day ratings, survey rounds) over a kommune with 10 organisations and a helseforetak with
5 clinics; a second run reuses what is there and adds only what is missing. One team is made
big (20 members, 40 tasks, 25 night contacts in 90 days, a phase history).

Measured in one run, medians of ``--runs`` each, all in-process: (a) a one-page reference PDF
(a tiny template extending ``lkt/pdf_base.html``) through ``lkt.core.pdf.render_pdf``; (b) the big
team's full status report, ``status_report_get`` + ``status_report_pdf``; (c) the kommune's
indicator report for the last 12 months (every team), as the report job renders it
(``coordination.reports.report_jobs.indicator_report_pdf``) from the stored months, after one
timed nightly refresh; the report computed from the facts (before a refresh) is timed too, and
must give the same cells. Seconds, the ratio to (a), and "OK"/"over target" are printed.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from common import ROWS, Row, setup_django, verdict

PATIENTS = 20_000
RUNS = 5
BATCH = 1000
STATUS_TARGET = 1.0  # seconds
# Issue 17: from the months beat keeps (coordination.reports.indicator_months).
LEADER_TARGET = 2.0
# Staff per team in each role: with these, a coordinator has about 13 teams (a tenth of them
# twice that, over the limit of 15), a GP about 40 patients.
TEAMS_PER = {
    "koordinator": 13,
    "fastlege": 40,
    "kontaktlege": 60,
    "intern_koordinator": 60,
    "sykepleier": 30,
    "psykiatrisk_sykepleier": 30,
    "nav_veileder": 100,
}
REFERENCE = "bench/reference.html"
REFERENCE_TEMPLATE = """{% extends "lkt/pdf_base.html" %}
{% block title %}Referanse{% endblock %}
{% block header %}Referansedokument{% endblock %}
{% block content %}<h1>Referanse</h1><p>Én side med litt tekst, for å måle grunnkostnaden.</p>
{% endblock %}"""


def _setup() -> Path:
    """Django against the bench database, and a folder with the reference template."""
    setup_django(suffix="_leaders")
    folder = Path(tempfile.mkdtemp(prefix="lkt-bench-"))
    (folder / "bench").mkdir()
    (folder / REFERENCE).write_text(REFERENCE_TEMPLATE, encoding="utf-8")
    return folder


def _organisations() -> dict[str, list[Any]]:
    """The kommune with its 10 units and the helseforetak with its 5 clinics, by kind."""
    from actors.models import Level, Organisation
    from actors.validators import org_number_with_check_digit

    kinds = Organisation.Kind

    def org(n: int, name: str, kind: str, level: str, parent: Any = None) -> Any:
        number = org_number_with_check_digit(f"8{n:07d}")
        while number is None:
            n += 100
            number = org_number_with_check_digit(f"8{n:07d}")
        return Organisation.objects.get_or_create(
            org_number=number,
            defaults={"name": name, "kind": kind, "level": level, "parent": parent},
        )[0]

    kommune = org(1, "Benchvik kommune", kinds.KOMMUNE, Level.KOMMUNE)
    hf = org(2, "Helse Benchvik HF", kinds.HELSEFORETAK, Level.SPESIALIST)
    units = [
        ("koordinerende enhet nord", kinds.KOORDINERENDE_ENHET),
        ("koordinerende enhet sør", kinds.KOORDINERENDE_ENHET),
        ("legekontor sentrum", kinds.LEGEKONTOR),
        ("legekontor vest", kinds.LEGEKONTOR),
        ("legekontor øst", kinds.LEGEKONTOR),
        ("hjemmetjeneste nord", kinds.HJEMMETJENESTE),
        ("hjemmetjeneste sør", kinds.HJEMMETJENESTE),
        ("psykisk helse og rus", kinds.PSYKISK_HELSE_RUS),
        ("rustjenesten", kinds.PSYKISK_HELSE_RUS),
        ("NAV", kinds.NAV),
    ]
    clinics = [
        ("DPS nord", kinds.DPS),
        ("DPS sør", kinds.DPS),
        ("medisinsk klinikk", kinds.SYKEHUSAVDELING),
        ("geriatrisk avdeling", kinds.SYKEHUSAVDELING),
        ("rusklinikken", kinds.SYKEHUSAVDELING),
    ]
    found: dict[str, list[Any]] = {"kommune": [kommune], "hf": [hf]}
    for n, (name, kind) in enumerate(units, start=10):
        level = Level.ANNEN if kind == kinds.NAV else Level.KOMMUNE
        found.setdefault(kind, []).append(org(n, f"Benchvik {name}", kind, level, kommune))
    for n, (name, kind) in enumerate(clinics, start=30):
        found.setdefault(kind, []).append(org(n, f"Benchvik {name}", kind, Level.SPESIALIST, hf))
    return found


def _staff(patients: int, orgs: dict[str, list[Any]]) -> tuple[dict[Any, list[Any]], list[Any]]:
    """Staff pools per role (made once, by username) and the two leaders."""
    from django.contrib.auth.hashers import make_password

    from actors.models import Organisation, Role, User

    kinds = Organisation.Kind
    where = {
        Role.COORDINATOR: orgs[kinds.KOORDINERENDE_ENHET],
        Role.GP: orgs[kinds.LEGEKONTOR],
        Role.SPECIALIST_CONTACT: orgs[kinds.DPS],
        Role.INTERNAL_COORDINATOR: orgs[kinds.SYKEHUSAVDELING],
        Role.NURSE: orgs[kinds.HJEMMETJENESTE],
        Role.PSYCHIATRIC_NURSE: orgs[kinds.PSYKISK_HELSE_RUS],
        Role.NAV_ADVISER: orgs[kinds.NAV],
    }
    password = make_password(None)
    existing = {u.username: u for u in User.objects.filter(username__startswith="bench-")}
    staff: dict[Any, list[Any]] = {}
    new: list[Any] = []
    for role, units in where.items():
        size = max(5, patients // TEAMS_PER[role.value])
        pool = []
        for i in range(size):
            username = f"bench-{role.value}-{i}"
            user = existing.get(username) or User(
                username=username,
                first_name=role.label.split(" ")[0],
                last_name=str(i),
                kind=User.Kind.STAFF,
                organisation=units[i % len(units)],
                password=password,
            )
            if user.pk is None:
                new.append(user)
            pool.append(user)
        staff[role] = pool
    User.objects.bulk_create(new, batch_size=BATCH)
    coordinators = staff[Role.COORDINATOR]
    staff[Role.COORDINATOR] = coordinators + coordinators[: len(coordinators) // 10]
    leaders = [
        User.objects.get_or_create(
            username=f"bench-leder-{key}",
            defaults={
                "kind": User.Kind.STAFF,
                "organisation": orgs[key][0],
                "is_leader": True,
                "first_name": "Leder",
                "password": password,
            },
        )[0]
        for key in ("kommune", "hf")
    ]
    return staff, leaders


def seed(patients: int) -> tuple[Any, Any, Any]:
    """The kommune, the leader and the big team; generates only the teams not there yet."""
    from django.db import connection
    from django.utils import timezone

    from actors.models import Role, Team
    from lkt.demo import leaders as demo_leaders

    orgs = _organisations()
    staff, leaders = _staff(patients, orgs)
    today = timezone.localdate()
    done = Team.objects.filter(created_by__username__startswith="bench-koordinator-").count()
    if done < patients:
        setting = demo_leaders.Setting(
            staff=staff,
            leaders=leaders,
            kommune_id=orgs["kommune"][0].pk,
            today=today,
            days_ago=lambda n, rng: rng.randint(20, demo_leaders.HISTORY_DAYS),
            # A fifth of the teams old enough for rounds answer the survey.
            surveyed=lambda n, established: (
                n % 5 == 0 and (today - established).days > demo_leaders.SURVEY_AFTER_DAYS
            ),
        )
        started = time.perf_counter()

        def progress(made: int) -> None:
            print(f"  seeded {done + made} of {patients} teams", end="\r", flush=True)

        demo_leaders.generate(setting, range(done, patients), batch_size=BATCH, progress=progress)
        print(f"\n  seeding took {time.perf_counter() - started:.0f} s")
        # Fresh tables have no statistics: PostgreSQL would plan for empty ones (nested loops)
        # where autovacuum, in a deployment, long since analysed them.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    team = (
        Team.objects.select_related("patient", "patient__user")
        .filter(patient__national_id=demo_leaders.national_id(0)[1])
        .get()
    )
    _make_big(team, staff[Role.COORDINATOR][0], today)
    leader = next(u for u in leaders if u.organisation_id == orgs["kommune"][0].pk)
    return orgs["kommune"][0], leader, team


def _make_big(team: Any, coordinator: Any, today: dt.date) -> None:
    """The status report's worst case: a long member list, many tasks and recent night
    contacts, and a phase history (once)."""
    from django.utils import timezone

    from actors.models import Member, NetworkLevel, Role
    from careplans.models import Goal, PhaseChange
    from coordination.models import NightContact, NightService, Task
    from lkt.demo import leaders as demo_leaders

    if PhaseChange.objects.filter(team=team).exists():
        return
    rng = random.Random(0)  # noqa: S311 - benchmark data, not secrets
    Member.objects.bulk_create(
        Member(
            team=team,
            external_name=f"Kontakt {n} i nettverket",
            external_phone=f"+474002{n:04d}",
            role=Role.OTHER,
            level=NetworkLevel.PRIVAT,
            joined_on=team.established_on,
        )
        for n in range(12)
    )
    goal = Goal.objects.filter(patient=team.patient).first()
    owner = Member.objects.filter(team=team, role=Role.COORDINATOR).first()
    Task.objects.bulk_create(
        Task(
            team=team,
            goal=goal,
            title=f"Tiltak {n}: følge opp avtalen med tjenesten",
            owner=owner,
            due_on=today + dt.timedelta(days=rng.randint(-30, 60)),
            created_by=coordinator,
        )
        for n in range(40)
    )
    NightContact.objects.bulk_create(
        NightContact(
            patient=team.patient,
            service=rng.choice(NightService.values),
            occurred_at=timezone.make_aware(
                dt.datetime.combine(today - dt.timedelta(days=back), dt.time(2))
            ),
            reason="Uro og søvnløshet, ville prate.",
            outcome=NightContact.Outcome.SENT_HOME,
            recorded_by=coordinator,
        )
        for back in rng.sample(range(1, 90), 25)
    )
    demo_leaders.phase_history(team, coordinator, today)


def _median_s(work: Callable[[], Any], runs: int) -> float:
    work()  # warm up: templates compiled, fonts loaded, connection open
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=PATIENTS)
    parser.add_argument("--runs", type=int, default=RUNS)
    args = parser.parse_args(argv)
    folder = _setup()
    from django.conf import settings
    from django.test.utils import override_settings
    from django.utils import timezone

    from lkt.core.pdf import render_pdf

    kommune, leader, team = seed(args.patients)
    templates: list[dict[str, Any]] = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [folder, *list(templates[0]["DIRS"])]
    today = timezone.localdate()
    start = (today.replace(day=1) - dt.timedelta(days=335)).replace(day=1)
    from coordination.models import IndicatorMonth
    from coordination.reports.indicator_months import MAX_MONTHS, indicator_months_refresh
    from coordination.reports.indicators import csv_rows

    with override_settings(TEMPLATES=templates):
        reference = _median_s(lambda: render_pdf(REFERENCE, {}), args.runs)
        status = _median_s(lambda: _status_pdf(team, leader), args.runs)
        # Before the night's refresh (or for a period beyond it): from the facts.
        IndicatorMonth.objects.all().delete()
        computed = _indicators(kommune, start, today)
        from_facts = _median_s(lambda: _indicators(kommune, start, today), max(1, args.runs // 2))
        began = time.perf_counter()
        indicator_months_refresh()
        refresh = time.perf_counter() - began
        stored = _indicators(kommune, start, today)
        if stored.as_of is None or csv_rows(stored) != csv_rows(computed):
            raise SystemExit("the stored months do not give the cells computed from the facts")
        report = _median_s(lambda: _leader_report(kommune, leader, start, today), args.runs)
        indicators_only = _median_s(lambda: _indicators(kommune, start, today), args.runs)
    print(
        f"Leaders' reports over {args.patients} patients (median of {args.runs} runs each, "
        "in-process)"
    )
    print(f"  (a) reference one-page PDF   {reference:6.3f} s")
    rows = [
        ("(b) team status PDF", status, STATUS_TARGET),
        ("(c) leader report PDF", report, LEADER_TARGET),
    ]
    for label, seconds, target in rows:
        said = "OK" if seconds < target else "over target"
        print(
            f"  {label:<28} {seconds:6.3f} s | {seconds / reference:5.1f}× the reference "
            f"| target < {target:.0f} s {said}"
        )
    print(f"      of which indicator_report {indicators_only:6.3f} s (12 months, stored months)")
    print(f"  computed from the facts      {from_facts:6.3f} s (before the night's refresh)")
    print(
        f"  the night's refresh          {refresh:6.3f} s ({MAX_MONTHS} months, every organisation)"
    )
    print("  stored months and facts give the same cells: OK")
    for label, seconds, target in rows:
        ROWS.append(
            Row(
                f"{label[4:]}, {args.patients:,} patients in one kommune (own data)",
                f"{seconds:.2f} s",
                ratio=f"{seconds / reference:.1f}× ref.",
                target=f"< {target:.0f} s",
                verdict=verdict(seconds < target),
            )
        )
    return 0


def _status_pdf(team: Any, user: Any) -> bytes:
    from coordination.reports.status_report import status_report_get, status_report_pdf

    report = status_report_get(team, full=True)
    return status_report_pdf(report, generated_by=user)


def _indicators(organisation: Any, start: dt.date, end: dt.date) -> Any:
    from coordination.reports.indicators import indicator_report

    return indicator_report(organisation, start, end)


def _leader_report(organisation: Any, user: Any, start: dt.date, end: dt.date) -> bytes:
    """As the report job renders it."""
    from coordination.reports.report_jobs import indicator_report_pdf

    return indicator_report_pdf(organisation, start, end, generated_by=user)
