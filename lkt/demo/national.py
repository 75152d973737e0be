"""A national data set for the scale benchmark (issue 17): ``patients`` fictional patients
with their teams and years of history, written by bulk SQL in one transaction.

At 500,000 patients it holds about 525,000 teams (a twentieth of the patients also have an
older closed team, and 8 % of the primary teams are closed), 4 million memberships, 1 million
plan versions, 1 million meetings, 2 million tasks, 2 million notifications and 20 million
access-log rows; every figure scales with ``patients``.

Shapes: patients live in kommuner of ``PER_KOMMUNE`` patients each (357 at 500,000), each
kommune with its koordinerende enhet, two legekontor, hjemmetjeneste, psykisk helse og rus,
NAV and a legevakt, and an HF for every ``KOMMUNER_PER_HF`` kommuner (DPS and hospital wards).
Every kommune has its own staff pools, so staff have 10–40 open teams each (a coordinator
about 14, a GP 25, a nurse 15, a therapist 10, a specialist 26–30). Teams have 4–11 members
(a mandatory role missing in about one in seven), one per kommune is very large (60–80, with
every therapist of the kommune and a wide private network); closed teams have their members
left, three in ten open teams a member who left. Plans have one to three versions (the last
in force, or a draft while establishing), with a phase plan; patients have Min gode dag with
two goals, consents (some withdrawn and given again), relatives (some with a login, some
named by fødselsnummer only), need reports before their team, mandates, meetings held and
planned, tasks, notifications and 40 audit rows each over two years.

Everything about patient ``i`` depends on ``i`` only (a hash of it), never on the total: the
first kommune, where the benchmark's named users (``NAMED``) work, holds the same rows at
every size, so a page they open shows the same thing at 10,000 and at 500,000 patients and
only the rest of the country grows.

Speed: rows are made by ``INSERT … SELECT`` over ``generate_series`` (fødselsnummer, which
need check digits, are computed in Python and copied in), with explicit ids so that rows
point at each other by arithmetic. While the tables fill, their foreign keys, unique
constraints other than the primary key and secondary indexes are dropped (not a partial index
over an IN list, which PostgreSQL would write back differently: it stays); they are created
again afterwards from the definitions PostgreSQL gave before (``pg_get_indexdef``,
``pg_get_constraintdef``), so the schema ends exactly as the migrations made it and every
constraint is checked over the whole table once. It all happens in one transaction: a run
that fails leaves nothing behind, not even a dropped index.
"""

# The SQL here is built from this module's constants and integers only, never from input.
# ruff: noqa: S608

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.urls import reverse

from actors.models import Patient, Team, User
from actors.selectors import team_get
from actors.validators import org_number_with_check_digit
from coordination.night.crisis_services import crisis_card_open, crisis_step_get
from lkt.demo.leaders import FIRST_NAMES, SURNAMES
from lkt.workspace.team_page import SECTIONS, batch_urls

PER_KOMMUNE = 1400
KOMMUNER_PER_HF = 18
ACCESS_ROWS_PER_PATIENT = 40
NOTIFICATIONS_PER_PATIENT = 4
MARKER = "bench_national"
# Raised when the generator changes what it makes: a database of another version is refilled.
VERSION = 2

# The named users the benchmark logs in as: the same rows at every size.
NAMED = {
    "coordinator": "nasjonal-koordinator",
    "unit": "nasjonal-ke",
    "leader": "nasjonal-leder",
    "patient": "nasjonal-pasient",
    "relative": "nasjonal-parorende",
    "night": "nasjonal-legevakt",
}

# Patients' birth dates: one of BIRTH_DAYS days from 1945 in a fixed stride, so a kommune
# has people of every age (about a tenth under 16); relatives are born 1930–1944.
FIRST_BIRTH = dt.date(1945, 1, 1)
BIRTH_DAYS = 25_000
BIRTH_STRIDE = 7919
RELATIVE_FIRST_BIRTH = dt.date(1930, 1, 1)
RELATIVE_BIRTH_DAYS = 5478

# Staff pools of every kommune: (pool, role, offset in the kommune's id block, size,
# profession). A team draws one member from each of the first seven; the therapists fill
# the very large teams. Sizes give the caseloads (1400 teams / size).
POOLS = (
    (0, "koordinator", 0, 94, "sykepleier"),
    (1, "fastlege", 100, 47, "lege"),
    (2, "kontaktlege", 150, 40, "psykolog"),
    (3, "intern_koordinator", 200, 35, "sykepleier"),
    (4, "sykepleier", 250, 70, "sykepleier"),
    (5, "psykiatrisk_sykepleier", 330, 56, "sykepleier"),
    (6, "nav_veileder", 400, 35, "annet"),
    (7, "miljoterapeut", 450, 50, "miljoterapeut"),
    (8, "ke", 520, 3, "sosionom"),
    (9, "leder", 530, 1, "sykepleier"),
    (10, "legevakt", 540, 5, "lege"),
)
STAFF_BLOCK = 1000  # user ids per kommune
PATIENT_USERS = 10_000_000  # patients' portal users: this + i
RELATIVE_USERS = 20_000_000  # relatives' users: this + i
# Organisation ids: helseforetak h at h*10 + unit; kommune k at KOMMUNE_ORGS + k*10 + unit.
KOMMUNE_ORGS = 10_000
UNITS = (
    (0, "kommune", "kommune", ""),
    (1, "koordinerende_enhet", "kommune", "koordinerende enhet"),
    (2, "legekontor", "kommune", "legekontor sentrum"),
    (3, "legekontor", "kommune", "legekontor vest"),
    (4, "hjemmetjeneste", "kommune", "hjemmetjeneste"),
    (5, "psykisk_helse_rus", "kommune", "psykisk helse og rus"),
    (6, "nav", "annen", "NAV"),
    (7, "legevakt", "kommune", "legevakt"),
)
HF_UNITS = (
    (0, "helseforetak", "spesialist", ""),
    (1, "dps", "spesialist", "DPS nord"),
    (2, "dps", "spesialist", "DPS sør"),
    (3, "sykehusavdeling", "spesialist", "medisinsk klinikk"),
    (4, "sykehusavdeling", "spesialist", "psykiatrisk klinikk"),
)
# The tables the generator fills, parents first.
TABLES = (
    "actors_organisation",
    "actors_user",
    "actors_patient",
    "actors_team",
    "actors_member",
    "actors_consent",
    "actors_relativelink",
    "careplans_goodday",
    "careplans_gooddayversion",
    "careplans_goal",
    "careplans_careplan",
    "careplans_careplanversion",
    "careplans_phaseplanentry",
    "careplans_phasechange",
    "coordination_needreport",
    "coordination_mandate",
    "coordination_meeting",
    "coordination_task",
    "coordination_notification",
    "lkt_accesslog",
)


def r(expr: str, salt: int) -> str:
    """SQL: a per-mille (0–999) hash of ``expr`` (a bigint) and ``salt``; the same at every
    size for the same value."""
    return f"((hashint8(({expr})::bigint * 64 + {salt}) & 2147483647) % 1000)"


@dataclass(frozen=True)
class Sizes:
    patients: int

    @property
    def kommuner(self) -> int:
        return -(-self.patients // PER_KOMMUNE)

    @property
    def helseforetak(self) -> int:
        return -(-self.kommuner // KOMMUNER_PER_HF)


# The fødselsnummer's weights for its two check digits (as actors.validators checks them).
_FNR_WEIGHTS_1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_FNR_WEIGHTS_2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def _valid_ids(first: dt.date, day: int, count: int) -> list[str]:
    """The first ``count`` synthetic fødselsnummer (month + 80) of a birth date: the check
    digits of ``actors.validators`` (mod 11), with the date's part of both sums taken once."""
    born = first + dt.timedelta(days=day)
    low, high = (0, 499) if born.year < 2000 else (500, 999)
    prefix = f"{born.day:02d}{born.month + 80:02d}{born.year % 100:02d}"
    digits = [int(c) for c in prefix]
    date1 = sum(d * w for d, w in zip(digits, _FNR_WEIGHTS_1, strict=False))
    date2 = sum(d * w for d, w in zip(digits, _FNR_WEIGHTS_2, strict=False))
    found: list[str] = []
    for individual in range(low, high + 1):
        a, b, c = individual // 100, individual // 10 % 10, individual % 10
        k1 = (11 - (date1 + 4 * a + 5 * b + 2 * c) % 11) % 11
        if k1 == 10:
            continue
        k2 = (11 - (date2 + 5 * a + 4 * b + 3 * c + 2 * k1) % 11) % 11
        if k2 == 10:
            continue
        found.append(f"{prefix}{individual:03d}{k1}{k2}")
        if len(found) == count:
            return found
    raise ValueError(f"no {count} synthetic ids on {born}")


class _Ids:
    """Synthetic fødselsnummer by (day, serial), computed once per day as far as needed."""

    def __init__(self, first: dt.date) -> None:
        self.first = first
        self.cache: dict[int, list[str]] = {}

    def get(self, day: int, serial: int) -> str:
        ids = self.cache.get(day, [])
        if len(ids) <= serial:
            ids = _valid_ids(self.first, day, max(serial + 1, 2 * len(ids), 4))
            self.cache[day] = ids
        return ids[serial]


def patient_identity(i: int, ids: _Ids) -> tuple[str, str, dt.date]:
    """Patient ``i``'s name, fødselsnummer and birth date (``i`` from 1)."""
    day = (i * BIRTH_STRIDE) % BIRTH_DAYS
    birth = FIRST_BIRTH + dt.timedelta(days=day)
    first = FIRST_NAMES[i % len(FIRST_NAMES)]
    surname = SURNAMES[(i // len(FIRST_NAMES) + i) % len(SURNAMES)]
    return f"{first} {surname}", ids.get(day, (i - 1) // BIRTH_DAYS), birth


def _identity_rows(patients: int) -> Iterator[tuple[Any, ...]]:
    ids, relatives = _Ids(FIRST_BIRTH), _Ids(RELATIVE_FIRST_BIRTH)
    for i in range(1, patients + 1):
        name, national_id, birth = patient_identity(i, ids)
        rel = [
            relatives.get((2 * i + n) % RELATIVE_BIRTH_DAYS, (2 * i + n) // RELATIVE_BIRTH_DAYS)
            for n in (0, 1)
        ]
        yield (i, name, national_id, birth, rel[0], rel[1])


def _org_rows(sizes: Sizes, base: int) -> Iterator[tuple[Any, ...]]:
    number = 0

    def org_number() -> str:
        nonlocal number
        while True:
            number += 1
            full = org_number_with_check_digit(f"9{number:07d}")
            if full:
                return full

    for h in range(sizes.helseforetak):
        for unit, kind, level, label in HF_UNITS:
            name = f"Helse Nasjonal {h + 1} HF" + (f", {label}" if label else "")
            parent = None if unit == 0 else base + h * 10
            yield (base + h * 10 + unit, name, org_number(), kind, level, parent)
    for k in range(sizes.kommuner):
        for unit, kind, level, label in UNITS:
            name = f"Nasjonal {k + 1} kommune" + (f", {label}" if label else "")
            parent = None if unit == 0 else base + KOMMUNE_ORGS + k * 10
            yield (base + KOMMUNE_ORGS + k * 10 + unit, name, org_number(), kind, level, parent)


class _Loader:
    def __init__(self, cursor: Any, today: dt.date, progress: Callable[[str], None]) -> None:
        self.cursor = cursor
        self.today = today
        self.progress = progress
        self.started = time.perf_counter()
        self.required: dict[str, set[str]] = {}

    def sql(self, statement: str, label: str = "") -> int:
        began = time.perf_counter()
        self.cursor.execute(statement)
        rows = self.cursor.rowcount
        if label:
            self.progress(
                f"  {label:<28} {rows:>11,} rows {time.perf_counter() - began:7.1f} s "
                f"(total {time.perf_counter() - self.started:6.0f} s)"
            )
        return rows

    def base(self, table: str) -> int:
        """Ids are this plus a formula that starts at 0: never 0 itself, which reads as no
        row in ``if user_id`` and the like."""
        self.cursor.execute(f"SELECT COALESCE(max(id), 0) + 1 FROM {table}")
        return int(self.cursor.fetchone()[0])

    def insert(self, table: str, columns: dict[str, str], source: str, label: str) -> int:
        """INSERT … SELECT with every required column named (a column added by a later
        migration without a default must be added here, not silently left NULL)."""
        required = self.required.get(table)
        if required is None:
            self.cursor.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
                "AND is_nullable = 'NO' AND column_default IS NULL AND is_identity = 'NO'",
                [table],
            )
            required = {row[0] for row in self.cursor.fetchall()}
            self.required[table] = required
        missing = required - set(columns) - {"id"}
        if missing:
            raise ValueError(f"{table}: no value for {', '.join(sorted(missing))}")
        names = ", ".join(columns)
        values = ",\n  ".join(f"{expr} AS {name}" for name, expr in columns.items())
        return self.sql(f"INSERT INTO {table} ({names})\nSELECT\n  {values}\n{source}", label)

    def copy(self, table: str, columns: tuple[str, ...], rows: Iterator[tuple[Any, ...]]) -> None:
        began = time.perf_counter()
        count = 0
        with self.cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        self.progress(
            f"  {table:<28} {count:>11,} rows {time.perf_counter() - began:7.1f} s (copied)"
        )


def _detach(cursor: Any, tables: tuple[str, ...]) -> list[str]:
    """Drop the tables' foreign keys, unique constraints (not primary keys) and indexes not
    behind a constraint; return the statements that create them again, exactly (the test
    compares the definitions before and after)."""
    cursor.execute(
        """
        SELECT conrelid::regclass::text, conname, contype, pg_get_constraintdef(oid)
        FROM pg_constraint
        WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('f', 'u')
        ORDER BY contype = 'f' DESC, conrelid::regclass::text, conname
        """,
        [list(tables)],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        """
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        WHERE i.indrelid = ANY(%s::regclass[])
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
          -- "status IN (…)" comes back from pg_get_indexdef as an equivalent but differently
          -- written expression: such an index stays (they are partial, so small).
          AND pg_get_indexdef(i.indexrelid) NOT LIKE '%%= ANY (%%'
        ORDER BY 1
        """,
        [list(tables)],
    )
    indexes = cursor.fetchall()
    for table, name, _kind, _definition in constraints:  # foreign keys first
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    # A partitioned table's index comes back as CREATE INDEX … ON ONLY: made again that way
    # it would stay INVALID with no index on any partition (every month read whole).
    restore = [definition.replace(" ON ONLY ", " ON ", 1) for _name, definition in indexes]
    restore += [
        f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
        for table, name, kind, definition in sorted(constraints, key=lambda c: c[2] == "f")
    ]
    return restore


def schema_snapshot(cursor: Any, tables: tuple[str, ...] = TABLES) -> set[tuple[str, str]]:
    """The tables' indexes and constraints as PostgreSQL defines them (for the test that
    the load leaves them exactly as the migrations made them)."""
    cursor.execute(
        """
        SELECT indexrelid::regclass::text,
               pg_get_indexdef(indexrelid) || CASE WHEN indisvalid THEN '' ELSE ' INVALID' END
        FROM pg_index
        WHERE indrelid = ANY(%s::regclass[])
        UNION ALL
        SELECT conrelid::regclass::text || '.' || conname, pg_get_constraintdef(oid)
        FROM pg_constraint WHERE conrelid = ANY(%s::regclass[])
        """,
        [list(tables), list(tables)],
    )
    return set(cursor.fetchall())


def loaded_patients(cursor: Any) -> int | None:
    """The size of the data set in this database, or None when there is none."""
    cursor.execute(
        "SELECT 1 FROM information_schema.columns WHERE table_name = %s AND column_name = %s",
        [MARKER, "version"],
    )
    if cursor.fetchone() is None:
        return None
    cursor.execute(f"SELECT patients FROM {MARKER} WHERE version = %s", [VERSION])
    row = cursor.fetchone()
    return int(row[0]) if row else None


def generate(
    patients: int,
    today: dt.date,
    *,
    progress: Callable[[str], None] = print,
) -> dict[str, int]:
    """Fill the tables (on top of what is there) and return the row counts written."""
    with transaction.atomic(), connection.cursor() as cursor:
        return _generate(cursor, Sizes(patients), today, progress)


def _generate(
    cursor: Any, sizes: Sizes, today: dt.date, progress: Callable[[str], None]
) -> dict[str, int]:
    load = _Loader(cursor, today, progress)
    n = sizes.patients
    b = {table: load.base(table) for table in TABLES}
    cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
    cursor.execute("SET LOCAL work_mem = '128MB'")
    cursor.execute("SET LOCAL synchronous_commit = off")
    # No user trigger fires: the teams' revisions (lkt.workspace.team_revision) would revise
    # every team once per statement, and a new set has no rendered section to outdate.
    cursor.execute("SET LOCAL session_replication_role = replica")
    restore = _detach(cursor, TABLES)
    counts: dict[str, int] = {}
    day = f"DATE '{today.isoformat()}'"
    now = f"(TIMESTAMPTZ '{today.isoformat()} 12:00:00+00')"
    bo, bu = b["actors_organisation"], b["actors_user"]
    password = make_password(None)

    # --- organisations and staff ---------------------------------------------------------
    load.copy(
        "actors_organisation",
        ("id", "name", "org_number", "kind", "level", "parent_id"),
        _org_rows(sizes, bo),
    )
    pools = ", ".join(
        f"({p}, '{role}', {offset}, {size}, '{profession}')"
        for p, role, offset, size, profession in POOLS
    )
    cursor.execute(
        f"CREATE TEMP TABLE nat_pool (pool int, role text, off int, size int, prof text) "
        f"ON COMMIT DROP; INSERT INTO nat_pool VALUES {pools}"
    )
    # A staff member's organisation, from kommune k, pool p and index x in the pool.
    staff_org = f"""CASE p.pool
        WHEN 0 THEN {bo + KOMMUNE_ORGS} + k * 10 + 1
        WHEN 1 THEN {bo + KOMMUNE_ORGS} + k * 10 + 2 + x % 2
        WHEN 2 THEN {bo} + (k / {KOMMUNER_PER_HF}) * 10 + 1 + x % 2
        WHEN 3 THEN {bo} + (k / {KOMMUNER_PER_HF}) * 10 + 3 + x % 2
        WHEN 4 THEN {bo + KOMMUNE_ORGS} + k * 10 + 4
        WHEN 5 THEN {bo + KOMMUNE_ORGS} + k * 10 + 5
        WHEN 6 THEN {bo + KOMMUNE_ORGS} + k * 10 + 6
        WHEN 7 THEN {bo + KOMMUNE_ORGS} + k * 10 + 5
        WHEN 8 THEN {bo + KOMMUNE_ORGS} + k * 10 + 1
        WHEN 9 THEN {bo + KOMMUNE_ORGS} + k * 10
        ELSE {bo + KOMMUNE_ORGS} + k * 10 + 7 END"""
    first_names = "ARRAY[" + ", ".join(f"'{f}'" for f in FIRST_NAMES) + "]"
    surnames = "ARRAY[" + ", ".join(f"'{s}'" for s in SURNAMES) + "]"
    user_common = {
        "password": f"'{password}'",
        "is_superuser": "false",
        "is_staff": "false",
        "is_active": "true",
        "email": "''",
        "date_joined": f"{now} - interval '3 years'",
        "is_leader": "false",
        "phone": "''",
        "hpr_number": "''",
        "profession": "''",
        "national_id": "''",
        "organisation_id": "NULL",
    }
    counts["staff"] = load.insert(
        "actors_user",
        user_common
        | {
            "id": f"{bu} + k * {STAFF_BLOCK} + p.off + x",
            "username": "'ansatt-' || k || '-' || p.role || '-' || x",
            "first_name": f"({first_names})[1 + (k * 31 + p.off + x) % {len(FIRST_NAMES)}]",
            "last_name": f"({surnames})[1 + (k * 7 + p.off * 3 + x) % {len(SURNAMES)}]",
            "kind": "'staff'",
            "is_leader": "p.pool = 9",
            "phone": "'+479' || lpad(((k * 1000 + p.off + x) % 10000000)::text, 7, '0')",
            "hpr_number": "CASE WHEN p.prof <> 'annet' THEN "
            f"(1000000 + k * {STAFF_BLOCK} + p.off + x)::text ELSE '' END",
            "profession": "p.prof",
            "organisation_id": staff_org,
        },
        f"FROM generate_series(0, {sizes.kommuner - 1}) AS k CROSS JOIN nat_pool p "
        "CROSS JOIN LATERAL generate_series(0, p.size - 1) AS x",
        "staff users",
    )

    # --- patients, their flags, users and relatives ---------------------------------------
    cursor.execute(
        "CREATE TEMP TABLE nat_id (i int PRIMARY KEY, name text, nid text, birth date, "
        "rel1 text, rel2 text) ON COMMIT DROP"
    )
    load.copy("nat_id", ("i", "name", "nid", "birth", "rel1", "rel2"), _identity_rows(n))
    load.sql(
        f"""
        CREATE TEMP TABLE nat_p ON COMMIT DROP AS
        SELECT i, name, nid, birth, rel1, rel2,
          (i - 1) / {PER_KOMMUNE} AS k, (i - 1) % {PER_KOMMUNE} AS j,
          {b["actors_patient"]} + i AS patient_id,
          i = 1 OR {r("i", 4)} < 300 AS has_user,
          i = 1 OR {r("i", 5)} < 400 AS rel,
          i = 1 OR {r("i", 6)} < 500 AS rel_user,
          i = 1 OR {r("i", 7)} < 300 AS rel_second,
          CASE WHEN i = 1 THEN 500 ELSE {r("i", 1)} END AS fate,
          i <> 1 AND {r("i", 2)} < 50 AS old_team
        FROM nat_id
        """,
        "patient flags",
    )
    cursor.execute("ANALYZE nat_p")
    counts["patient users"] = load.insert(
        "actors_user",
        user_common
        | {
            "id": f"{bu + PATIENT_USERS} + i",
            "username": "'pasient-' || i",
            "first_name": "split_part(name, ' ', 1)",
            "last_name": "split_part(name, ' ', 2)",
            "kind": "'patient'",
            "national_id": "nid",
        },
        "FROM nat_p WHERE has_user",
        "patient users",
    )
    counts["relative users"] = load.insert(
        "actors_user",
        user_common
        | {
            "id": f"{bu + RELATIVE_USERS} + i",
            "username": "'parorende-' || i",
            "first_name": f"({first_names})[1 + (i * 13) % {len(FIRST_NAMES)}]",
            "last_name": "split_part(name, ' ', 2)",
            "kind": "'relative'",
            "national_id": "rel1",
        },
        "FROM nat_p WHERE rel AND rel_user",
        "relative users",
    )
    counts["patients"] = load.insert(
        "actors_patient",
        {
            "id": "patient_id",
            "name": "name",
            "national_id": "nid",
            "birth_date": "birth",
            "created_at": f"{now} - interval '6 years' + i * interval '1 second'",
            "user_id": f"CASE WHEN has_user THEN {bu + PATIENT_USERS} + i END",
        },
        "FROM nat_p",
        "patients",
    )

    # --- teams ---------------------------------------------------------------------------
    # One primary team per patient (t = 2i) and for a twentieth an older closed one (2i - 1).
    # fate: < 80 closed, < 200 establishing, else active.
    coordinator_of = f"{bu} + k * {STAFF_BLOCK} + (j + shift) % 94"
    load.sql(
        f"""
        CREATE TEMP TABLE nat_t ON COMMIT DROP AS
        SELECT t.*,
          CASE WHEN status = 'establishing' THEN NULL ELSE est + 5 + {r("tl", 19)} % 30 END
            AS activated,
          CASE WHEN status <> 'closed' THEN NULL
               WHEN old THEN est + 400 + {r("tl", 18)} % 400
               ELSE LEAST(est + 300 + {r("tl", 18)} % 600, {day} - 1) END AS closed,
          {coordinator_of} AS coordinator
        FROM (
          SELECT p.*, tl, old, {b["actors_team"]} + tl AS team_id,
            CASE WHEN old THEN 700 ELSE 0 END AS shift,
            CASE WHEN old OR fate < 80 THEN 'closed'
                 WHEN fate < 200 THEN 'establishing' ELSE 'active' END AS status,
            CASE WHEN old THEN {day} - 2100 - {r("tl", 3)} * 2
                 ELSE {day} - 40 - {r("tl", 3)} * 2 END AS est,
            CASE WHEN i = 1 THEN 10
                 WHEN NOT old AND j = 700 THEN 60 + {r("tl", 15)} % 21
                 ELSE 4 + {r("tl", 15)} % 8 END AS size,
            CASE WHEN i <> 1 AND {r("tl", 16)} < 150 THEN 2 + {r("tl", 17)} % 2 ELSE -1 END
              AS missing,
            CASE WHEN i = 1 THEN 2 ELSE 1 + {r("tl", 20)} % 3 END AS versions,
            CASE WHEN i = 1 THEN 3 ELSE 1 + {r("tl", 21)} % 3 END AS meetings,
            CASE WHEN i = 1 THEN 5 ELSE 1 + {r("tl", 22)} % 7 END AS tasks
          FROM nat_p p
          CROSS JOIN LATERAL (VALUES (2 * p.i, false), (2 * p.i - 1, true)) AS v(tl, old)
          WHERE NOT v.old OR p.old_team
        ) t
        """,
        "team plan",
    )
    cursor.execute("CREATE INDEX ON nat_t (tl); ANALYZE nat_t")
    counts["teams"] = load.insert(
        "actors_team",
        {
            "id": "team_id",
            "patient_id": "patient_id",
            "status": "status",
            "established_on": "est",
            "activated_on": "activated",
            "closed_on": "closed",
            "closed_reason": "CASE WHEN status = 'closed' THEN 'Pasienten trenger ikke lenger "
            "et aktørfellesskap.' ELSE '' END",
            "created_by_id": "coordinator",
            "missing_roles_reason": "CASE WHEN missing >= 0 AND status = 'active' THEN "
            "'Venter på at DPS tildeler kontaktperson.' ELSE '' END",
            "updated_at": f"{now} - ({day} - est) * interval '1 hour'",
        },
        "FROM nat_t",
        "teams",
    )

    # --- memberships ---------------------------------------------------------------------
    # Slot s of a team: 0–6 one member from pools 0–6 (a missing mandatory role becomes a
    # relative), 7 a therapist in teams of 9 or more, in the very large teams 7–56 every
    # therapist of the kommune, and the private network after that.
    bm = b["actors_member"]
    pool_idx = "(CASE WHEN s = 0 THEN (j + shift) % 94 ELSE ((j + shift) * 3 + s) % p.size END)"
    staff_slot = (
        "(s <= 6 AND s <> missing) OR (s = 7 AND size >= 9) OR (s BETWEEN 7 AND 56 AND size >= 60)"
    )
    member_user = (
        f"{bu} + k * {STAFF_BLOCK} + p.off + "
        f"CASE WHEN s >= 7 AND nat_t.size >= 60 THEN (j + s) % p.size ELSE {pool_idx} END"
    )
    x_expr = f"CASE WHEN s >= 7 AND nat_t.size >= 60 THEN (j + s) % p.size ELSE {pool_idx} END"
    external_roles = "(ARRAY['familie', 'venn', 'nabo', 'annen', 'parorende_kontakt'])"
    counts["members"] = load.insert(
        "actors_member",
        {
            "id": f"{bm} + tl * 100 + s",
            "team_id": "team_id",
            "user_id": f"CASE WHEN staff THEN {member_user} END",
            "external_name": f"CASE WHEN staff THEN '' ELSE ({first_names})"
            f"[1 + (tl + s * 7) % {len(FIRST_NAMES)}] || ' ' || split_part(name, ' ', 2) END",
            "external_phone": "CASE WHEN staff THEN '' ELSE "
            "'+479' || lpad(((tl * 100 + s) % 10000000)::text, 7, '0') END",
            "external_email": "''",
            "organisation_id": "CASE WHEN staff THEN "
            + staff_org.replace("x %", f"({x_expr}) %")
            + " END",
            "role": f"CASE WHEN staff THEN p.role WHEN s = 7 THEN 'parorende_kontakt' "
            f"ELSE {external_roles}[1 + (tl + s) % 4] END",
            "previous_role": "''",
            "level": "CASE WHEN NOT staff THEN 'privat' WHEN p.pool IN (2, 3) THEN 'spesialist' "
            "WHEN p.pool = 6 THEN 'annen' ELSE 'kommune' END",
            "closeness": "(ARRAY['daily', 'weekly', 'monthly', 'rarely'])[1 + (tl + s) % 4]",
            "involvement": "CASE WHEN s <= 6 OR s = 7 THEN 'core' ELSE 'as_needed' END",
            "joined_on": "est + LEAST(s / 4, 1) * 5",
            "expected_leave_on": f"CASE WHEN status <> 'closed' AND s = 4 AND {r('tl', 23)} < 40 "
            f"THEN {day} + 10 + {r('tl', 24)} % 200 END",
            "left_on": "closed",
            "end_reason": "CASE WHEN closed IS NULL THEN '' ELSE 'Aktørfellesskapet avsluttet' END",
            "updated_at": f"{now} - ({day} - est) * interval '1 hour'",
        },
        f"""FROM nat_t
        CROSS JOIN LATERAL generate_series(0, size - 1) AS s
        CROSS JOIN LATERAL (SELECT {staff_slot} AS staff) AS st
        LEFT JOIN nat_pool p ON p.pool = CASE WHEN s <= 6 THEN s ELSE 7 END AND st.staff""",
        "members",
    )
    # Three in ten open teams: a nurse who left (slot 99), the team's history.
    counts["members"] += load.insert(
        "actors_member",
        {
            "id": f"{bm} + tl * 100 + 99",
            "team_id": "team_id",
            "user_id": f"{bu} + k * {STAFF_BLOCK} + 250 + ((j * 3 + 4) % 70 + 1) % 70",
            "external_name": "''",
            "external_phone": "''",
            "external_email": "''",
            "organisation_id": f"{bo + KOMMUNE_ORGS} + k * 10 + 4",
            "role": "'sykepleier'",
            "previous_role": "''",
            "level": "'kommune'",
            "closeness": "'weekly'",
            "involvement": "'core'",
            "joined_on": "est",
            "expected_leave_on": "NULL",
            "left_on": f"LEAST(est + 20 + {r('tl', 25)} % 300, {day} - 1)",
            "end_reason": "'Byttet jobb'",
            "updated_at": f"{now} - interval '20 days'",
        },
        f"FROM nat_t WHERE status <> 'closed' AND i <> 1 AND {r('tl', 26)} < 300",
        "members who left",
    )
    coordinator_member = f"{bm} + tl * 100"
    gp_member = f"{bm} + tl * 100 + 1"
    gp_user = f"{bu} + k * {STAFF_BLOCK} + 100 + ((j + shift) * 3 + 1) % 47"

    # --- consents ------------------------------------------------------------------------
    bc = b["actors_consent"]
    consent_common = {
        "method": "CASE WHEN i % 3 = 0 THEN 'oral' ELSE 'written' END",
        "given_by": "'patient'",
        "note": "''",
        "withdrawn_by_id": "NULL",
        "withdrawn_at": "NULL",
        "renew_on": "NULL",
        "recorded_by_id": "coordinator",
        "patient_id": "patient_id",
    }
    open_primary = "FROM nat_t WHERE NOT old AND status <> 'closed'"
    counts["consents"] = load.insert(
        "actors_consent",
        consent_common
        | {
            "id": f"{bc} + i * 8 + 1",
            "scope": "'team_sharing'",
            "given_at": "(est + 3)::timestamptz + interval '10 hours'",
            "renew_on": "est + 368",
        },
        f"{open_primary} AND (status = 'active' OR {r('i', 8)} < 500)",
        "consents to sharing",
    )
    counts["consents"] += load.insert(
        "actors_consent",
        consent_common
        | {
            "id": f"{bc} + i * 8 + 2",
            "scope": "'team_sharing'",
            "given_at": "(est + 1)::timestamptz + interval '9 hours'",
            "withdrawn_at": "(est + 2)::timestamptz + interval '9 hours'",
            "withdrawn_by_id": "coordinator",
            "note": "'Trukket tilbake, gitt på nytt etter samtale.'",
        },
        f"{open_primary} AND i <> 1 AND {r('i', 9)} < 60",
        "consents withdrawn",
    )
    counts["consents"] += load.insert(
        "actors_consent",
        consent_common
        | {
            "id": f"{bc} + i * 8 + 3",
            "scope": "'relatives'",
            "given_at": "(est + 4)::timestamptz + interval '10 hours'",
        },
        f"{open_primary} AND rel AND (i = 1 OR {r('i', 10)} < 800)",
        "consents for relatives",
    )
    counts["consents"] += load.insert(
        "actors_consent",
        consent_common
        | {
            "id": f"{bc} + i * 8 + 4",
            "scope": "'crisis_plan'",
            "given_at": "(est + 5)::timestamptz + interval '10 hours'",
        },
        f"{open_primary} AND (i = 1 OR {r('i', 11)} < 600)",
        "consents to crisis sharing",
    )

    # --- relatives -----------------------------------------------------------------------
    br = b["actors_relativelink"]
    link_common = {
        "relation": "CASE WHEN birth > DATE '2000-01-01' THEN 'parent' ELSE "
        "(ARRAY['partner', 'child', 'sibling', 'friend'])[1 + i % 4] END",
        "excluded": "false",
        "may_see_team": "true",
        "may_see_goals": "true",
        "may_edit_goals": "false",
        "may_see_plan": "true",
        "may_communicate": "true",
        "created_at": f"{now} - interval '1 year'",
        "created_by_id": f"{coordinator_of.replace('shift', '0')}",
        "patient_id": "patient_id",
        "added_on_behalf": "true",
        "ends_on": "NULL",
        "patient_confirmed_at": "NULL",
        "phone": "'+479' || lpad((i % 10000000)::text, 7, '0')",
    }
    counts["relative links"] = load.insert(
        "actors_relativelink",
        link_common
        | {
            "id": f"{br} + i * 2",
            "relative_id": f"CASE WHEN rel_user THEN {bu + RELATIVE_USERS} + i END",
            "name": f"({first_names})[1 + (i * 13) % {len(FIRST_NAMES)}] || ' ' || "
            "split_part(name, ' ', 2)",
            "national_id": "rel1",
        },
        "FROM nat_p WHERE rel",
        "relative links",
    )
    counts["relative links"] += load.insert(
        "actors_relativelink",
        link_common
        | {
            "id": f"{br} + i * 2 + 1",
            "relative_id": "NULL",
            "name": f"({first_names})[1 + (i * 17) % {len(FIRST_NAMES)}] || ' ' || "
            "split_part(name, ' ', 2)",
            "national_id": "rel2",
            "may_see_plan": "false",
            "may_see_goals": "i % 2 = 0",
            "excluded": "i <> 1 AND i % 10 = 3",
        },
        "FROM nat_p WHERE rel AND rel_second",
        "second relative links",
    )

    # --- Min gode dag and goals ----------------------------------------------------------
    bgd, bgv, bg = b["careplans_goodday"], b["careplans_gooddayversion"], b["careplans_goal"]
    counts["good days"] = load.insert(
        "careplans_goodday",
        {"id": f"{bgd} + i", "patient_id": "patient_id", "version": "1"},
        "FROM nat_p",
        "Min gode dag",
    )
    counts["good day versions"] = load.insert(
        "careplans_gooddayversion",
        {
            "id": f"{bgv} + i",
            "document_id": f"{bgd} + i",
            "number": "1",
            "is_draft": "false",
            "good_day": "'En god dag er når jeg har sovet, fått gått tur med hunden og "
            "snakket med noen jeg liker. ' || name",
            "what_matters": "'Å bo hjemme, ha kontakt med familien og slippe å forklare alt "
            "på nytt til hver ny person.'",
            "own_resources": "'Jeg er god til å lage mat og liker å være ute.'",
            "network_resources": "'Søsteren min og en nabo som stikker innom.'",
            "life_arena": "'Hjemme og på dagsenteret tre dager i uka.'",
            "challenges": "'[]'::jsonb",
            "goals": "'[]'::jsonb",
            "written_by_id": f"CASE WHEN has_user THEN {bu + PATIENT_USERS} + i ELSE "
            f"{bu} + k * {STAFF_BLOCK} + j % 94 END",
            "written_with": "''",
            "created_at": f"{now} - interval '1 year'",
        },
        "FROM nat_p",
        "Min gode dag versions",
    )
    goal_texts = (
        "(ARRAY['Gå tur tre ganger i uka', 'Sove bedre om natten', 'Ha en fast dag på "
        "dagsenteret', 'Klare handlingen selv', 'Møte familien hver søndag'])"
    )
    counts["goals"] = load.insert(
        "careplans_goal",
        {
            "id": f"{bg} + i * 2 + g",
            "patient_id": "patient_id",
            "parent_id": "NULL",
            "challenge_id": "NULL",
            "wish": "'Orke mer og være mer sammen med andre'",
            "text": f"{goal_texts}[1 + (i + g * 2) % 5]",
            "target_date": f"{day} + 90 + g * 90",
            "position": "g",
            "created_at": f"{now} - interval '1 year'",
            "retired_at": "NULL",
            "updated_at": f"{now} - interval '1 year'",
        },
        "FROM nat_p CROSS JOIN generate_series(0, 1) AS g",
        "goals",
    )

    # --- plans ---------------------------------------------------------------------------
    bp, bv, be = (
        b["careplans_careplan"],
        b["careplans_careplanversion"],
        b["careplans_phaseplanentry"],
    )
    counts["plans"] = load.insert(
        "careplans_careplan",
        {"id": f"{bp} + tl", "team_id": "team_id", "version": "versions"},
        "FROM nat_t",
        "plans",
    )
    last_status = "CASE WHEN status = 'establishing' THEN 'draft' ELSE 'in_force' END"
    counts["plan versions"] = load.insert(
        "careplans_careplanversion",
        {
            "id": f"{bv} + tl * 4 + v",
            "plan_id": f"{bp} + tl",
            "number": "v",
            "status": f"CASE WHEN v < versions THEN 'superseded' ELSE {last_status} END",
            "good_day_version_id": f"{bgv} + i",
            "patient_summary": "name || ' bor alene og har tett kontakt med søsteren sin. "
            "Trenger hjelp til å holde oversikt over avtaler.'",
            "challenges": "'[]'::jsonb",
            "goals": "'[]'::jsonb",
            "roles": "'[]'::jsonb",
            "missing_roles": "'[]'::jsonb",
            "roles_note": "''",
            "communication": "'Koordinator samler informasjon og sender referat etter hvert "
            "møte. Dialogmelding mellom fastlege og DPS.'",
            "information_sharing": "'Det som trengs for å følge opp planen.'",
            "preparedness": "''",
            "documentation": "''",
            "evaluation_plan": "'Evalueres hvert halvår i ansvarsgruppemøte.'",
            "period_start": "est + (v - 1) * 180 + 30",
            "period_end": "est + (v - 1) * 180 + 395",
            "revision_on": "NULL",
            "corrections_until": "NULL",
            "created_by_id": "coordinator",
            "created_at": "(est + (v - 1) * 180 + 20)::timestamptz + interval '9 hours'",
            "in_force_at": "CASE WHEN v = versions AND status = 'establishing' THEN NULL ELSE "
            "(est + (v - 1) * 180 + 30)::timestamptz + interval '9 hours' END",
        },
        "FROM nat_t CROSS JOIN LATERAL generate_series(1, versions) AS v",
        "plan versions",
    )
    counts["phase entries"] = load.insert(
        "careplans_phaseplanentry",
        {
            "id": f"{be} + (tl * 4 + versions) * 3 + ph",
            "version_id": f"{bv} + tl * 4 + versions",
            "phase": "(ARRAY['green', 'yellow', 'red'])[ph + 1]",
            "signs": "(ARRAY['Går turer, spiser og sover.', 'Sover lite, trekker seg unna, "
            "svarer ikke på telefon.', 'Snakker om å ikke orke mer, går ikke ut.'])[ph + 1]",
            "actions": "(ARRAY['Ukentlig samtale med sykepleier.', 'Koordinator ringer "
            "samme dag, fastlege vurderer time.', 'Følg til legevakt, varsle DPS.'])[ph + 1]",
            "actor_id": coordinator_member,
            "night_contact_id": f"CASE WHEN ph = 2 THEN {coordinator_member} END",
            "call_office_hours": "'Koordinator, og fastlegekontoret 55 12 34 56'",
            "call_night": "CASE WHEN ph = 0 THEN '' ELSE 'Legevakt 116 117, AMK 113' END",
            "patient_wishes": "CASE WHEN ph = 2 THEN 'Ring søsteren min først.' ELSE '' END",
        },
        "FROM nat_t CROSS JOIN generate_series(0, 2) AS ph",
        "phase plan entries",
    )
    counts["phase changes"] = load.insert(
        "careplans_phasechange",
        {
            "id": f"{b['careplans_phasechange']} + tl * 2 + c",
            "team_id": "team_id",
            "phase": "(ARRAY['yellow', 'green'])[c + 1]",
            "reason": "(ARRAY['Sover lite og har trukket seg unna.', 'Stabil igjen.'])[c + 1]",
            "changed_by_id": "coordinator",
            "changed_at": f"{now} - ({r('tl', 27)} + 60 - c * 30) * interval '1 day'",
        },
        f"FROM nat_t CROSS JOIN generate_series(0, 1) AS c "
        f"WHERE status <> 'closed' AND (i = 1 OR {r('tl', 28)} < 200)",
        "phase changes",
    )

    # --- need reports and mandates --------------------------------------------------------
    bn = b["coordination_needreport"]
    report_common = {
        "patient_name": "name",
        "national_id": "nid",
        "need": "'Trenger koordinerte tjenester: flere tjenester involvert, ingen som har "
        "oversikten.'",
        "reported_by_id": gp_user.replace("shift", "0"),
        "relation": "'fastlege'",
        "patient_knows": "true",
        "patient_agrees": "true",
        "decline_reason": "''",
        "kommune_id": f"{bo + KOMMUNE_ORGS} + k * 10",
        "team_id": "NULL",
    }
    counts["need reports"] = load.insert(
        "coordination_needreport",
        report_common
        | {
            "id": f"{bn} + tl * 2",
            "status": "'team_established'",
            "team_id": "team_id",
            "created_at": "(est - 14)::timestamptz + interval '8 hours'",
            "updated_at": "est::timestamptz + interval '8 hours'",
        },
        "FROM nat_t",
        "need reports",
    )
    counts["need reports"] += load.insert(
        "coordination_needreport",
        report_common
        | {
            "id": f"{bn} + i * 4 + 1",
            "status": "CASE WHEN j % 40 = 0 THEN 'assessing' WHEN j % 20 = 0 THEN 'received' "
            "ELSE 'declined' END",
            "decline_reason": "CASE WHEN j % 20 = 0 THEN '' ELSE "
            "'Behovet dekkes av hjemmetjenesten alene.' END",
            "created_at": f"{now} - ({r('i', 29)} % 60 + 1) * interval '1 day'",
            "updated_at": f"{now} - interval '1 day'",
        },
        "FROM nat_p WHERE j % 20 = 0 OR j % 50 = 1",
        "need reports still open",
    )
    counts["mandates"] = load.insert(
        "coordination_mandate",
        {
            "id": f"{b['coordination_mandate']} + tl",
            "team_id": "team_id",
            "coordinator_id": coordinator_member,
            "deputy_id": gp_member,
            "task_description": "'Holde oversikten, kalle inn til møter og følge opp planen.'",
            "authority": "'Kan kalle inn alle aktørene og be om svar innen en uke.'",
            "hours_per_month": "8",
            "updated_by_id": "coordinator",
            "updated_at": "est::timestamptz + interval '12 hours'",
            "approved_by_id": f"CASE WHEN i = 1 OR {r('tl', 30)} < 750 THEN "
            f"{bu} + k * {STAFF_BLOCK} + 530 END",
            "approved_at": f"CASE WHEN i = 1 OR {r('tl', 30)} < 750 THEN "
            "(est + 7)::timestamptz + interval '12 hours' END",
        },
        "FROM nat_t WHERE status <> 'closed'",
        "mandates",
    )

    # --- meetings, tasks, notifications ----------------------------------------------------
    bmt = b["coordination_meeting"]
    counts["meetings"] = load.insert(
        "coordination_meeting",
        {
            "id": f"{bmt} + tl * 4 + m",
            "team_id": "team_id",
            "kind": "CASE WHEN m = 0 THEN 'oppstart' WHEN m % 2 = 1 THEN 'ansvarsgruppe' "
            "ELSE 'evaluering' END",
            "status": "CASE WHEN at < " + now + " THEN 'held' ELSE 'planned' END",
            "starts_at": "at",
            "duration_minutes": "60",
            "place": "'Møterom 2, helsehuset'",
            "video_url": "''",
            "leader_id": coordinator_member,
            "referent_id": gp_member,
            "patient_invited": "true",
            "plan_period_id": "NULL",
            "annual_activity_id": "NULL",
            "minutes": "CASE WHEN at < " + now + " AND m % 2 = 0 THEN 'Gikk gjennom målene. "
            "Pasienten ønsker færre deltakere neste gang.' ELSE '' END",
            "minutes_version": "0",
            "minutes_updated_by_id": "NULL",
            "minutes_updated_at": "NULL",
            "created_by_id": "coordinator",
            "created_at": "(est + m * 120)::timestamptz",
            "updated_at": "(est + m * 120)::timestamptz",
        },
        # The last meeting of an open team is ahead; the others were held.
        "FROM nat_t CROSS JOIN LATERAL generate_series(0, meetings - 1) AS m "
        "CROSS JOIN LATERAL (SELECT CASE WHEN m = meetings - 1 AND status <> 'closed' "
        f"THEN {day} + 3 + {r('tl * 4 + m', 31)} % 40 ELSE est + 14 + m * 120 END "
        "+ time '10:00' AS at) AS a",
        "meetings",
    )
    task_titles = (
        "(ARRAY['Følge opp søknad om bolig', 'Ringe fastlegen om medisinene', 'Avtale time "
        "hos NAV', 'Hjemmebesøk etter utskrivning', 'Gå gjennom kriseplanen med pasienten'])"
    )
    counts["tasks"] = load.insert(
        "coordination_task",
        {
            "id": f"{b['coordination_task']} + tl * 8 + n",
            "team_id": "team_id",
            "goal_id": f"{bg} + i * 2 + n % 2",
            "title": f"{task_titles}[1 + (tl + n) % 5]",
            "description": "''",
            "owner_id": f"{bm} + tl * 100 + n % 2",
            "due_on": "due",
            "status": f"CASE WHEN status = 'closed' THEN 'done' "
            f"WHEN due < {day} - 30 AND {r('tl * 8 + n', 32)} < 850 THEN 'done' "
            f"WHEN {r('tl * 8 + n', 32)} >= 950 THEN 'cancelled' "
            f"WHEN {r('tl * 8 + n', 33)} < 300 THEN 'in_progress' ELSE 'open' END",
            "decision_id": "NULL",
            "created_by_id": "coordinator",
            "created_at": "(est + n * 7)::timestamptz + interval '11 hours'",
            "updated_at": "(est + n * 7)::timestamptz + interval '11 hours'",
            "done_at": f"CASE WHEN status = 'closed' OR (due < {day} - 30 AND "
            f"{r('tl * 8 + n', 32)} < 850) THEN due::timestamptz + interval '12 hours' END",
        },
        "FROM nat_t CROSS JOIN LATERAL generate_series(0, tasks - 1) AS n "
        f"CROSS JOIN LATERAL (SELECT LEAST(est + 30 + n * 45, {day} + 20 + n * 7) AS due) d",
        "tasks",
    )
    kinds = "(ARRAY['task_due', 'meeting_invited', 'task_assigned', 'phase_alert'])"
    counts["notifications"] = load.insert(
        "coordination_notification",
        {
            "id": f"{b['coordination_notification']} + i * 4 + q",
            "recipient_id": f"CASE WHEN q < 3 THEN coordinator ELSE {gp_user} END",
            "kind": f"{kinds}[q + 1]",
            "message": "(ARRAY['Tiltak forfaller snart', 'Du er innkalt til møte', "
            "'Du har fått et nytt tiltak', 'Teamet er i gul fase'])[q + 1] || ': ' || name",
            "team_id": "team_id",
            "occurrence": "'nasjonal-' || i || '-' || q",
            "created_at": "at",
            "read_at": f"CASE WHEN at < {now} - interval '14 days' THEN at + interval '1 day' END",
            "url": "'/aktorfellesskap/' || team_id || '/'",
            "urgent": "q = 3",
            "acknowledged_at": f"CASE WHEN q = 3 AND at < {now} - interval '2 days' THEN "
            "at + interval '2 hours' END",
            "escalate_at": "CASE WHEN q = 3 THEN at + interval '4 hours' END",
            "escalated_at": "NULL",
        },
        "FROM nat_t CROSS JOIN generate_series(0, 3) AS q "
        f"CROSS JOIN LATERAL (SELECT {now} - ({r('i * 4 + q', 34)} % 365) * interval '1 day' "
        "- q * interval '1 hour' AS at) a WHERE NOT old",
        "notifications",
    )

    # --- the access log: 40 rows per patient over two years, in time order ----------------
    # Round w of N rows is 18 days after round w - 1; who read is one of the team's staff
    # (coordinator, GP, nurse) or the patient in the portal.
    reader = f"""CASE w % 4
        WHEN 0 THEN {bu} + k * {STAFF_BLOCK} + j % 94
        WHEN 1 THEN {bu} + k * {STAFF_BLOCK} + 100 + (j * 3 + 1) % 47
        WHEN 2 THEN {bu} + k * {STAFF_BLOCK} + 250 + (j * 3 + 4) % 70
        ELSE CASE WHEN i = 1 OR {r("i", 4)} < 300 THEN {bu + PATIENT_USERS} + i
                  ELSE {bu} + k * {STAFF_BLOCK} + j % 94 END END"""
    # Each month of the two years its own partition first (migration lkt 0005), as beat would
    # have made them, so the rows do not all land in the default partition.
    load.sql(
        f"SELECT lkt_accesslog_add_month(({now} - interval '730 days' + m * interval '1 month')"
        "::date) FROM generate_series(0, 25) AS m",
        "access log partitions",
    )
    counts["access log"] = load.insert(
        "lkt_accesslog",
        {
            "id": f"{b['lkt_accesslog']} + g",
            "patient_id": f"{b['actors_patient']} + i",
            "user_id": reader,
            "action": f"CASE WHEN {r('g', 35)} < 100 THEN 'change' ELSE 'view' END",
            "object_type": "(ARRAY['team', 'careplanversion', 'gooddayversion', 'team'])"
            "[w % 4 + 1]",
            "object_id": f"({b['actors_team']} + 2 * i)::text",
            "reason": "''",
            "at": f"{now} - interval '730 days' + w * interval '18 days' "
            f"+ ({r('g', 36)} * 1440 / 1000) * interval '1 minute'",
        },
        f"""FROM generate_series(1, {ACCESS_ROWS_PER_PATIENT * n}::bigint) AS g
        CROSS JOIN LATERAL (SELECT ((g - 1) % {n} + 1)::int AS i,
          ((g - 1) / {n})::int AS w) AS gi
        CROSS JOIN LATERAL (SELECT (i - 1) / {PER_KOMMUNE} AS k,
          (i - 1) % {PER_KOMMUNE} AS j) AS kj""",
        "access log",
    )

    # --- the named users ------------------------------------------------------------------
    named = {
        NAMED["coordinator"]: f"{bu}",
        NAMED["unit"]: f"{bu} + 520",
        NAMED["leader"]: f"{bu} + 530",
        NAMED["night"]: f"{bu} + 540",
        NAMED["patient"]: f"{bu + PATIENT_USERS} + 1",
        NAMED["relative"]: f"{bu + RELATIVE_USERS} + 1",
    }
    for username, user_id in named.items():
        cursor.execute("UPDATE actors_user SET username = %s WHERE id = " + user_id, [username])

    # --- constraints and indexes back, ids on, marker ------------------------------------
    began = time.perf_counter()
    slow = []
    for statement in restore:
        at = time.perf_counter()
        cursor.execute(statement)
        slow.append((time.perf_counter() - at, statement))
    for seconds, statement in sorted(slow, reverse=True)[:8]:
        progress(f"    {seconds:6.2f} s  {statement[:110]}")
    progress(
        f"  {'indexes and constraints':<28} {len(restore):>11,} made {time.perf_counter() - began:7.1f} s"
    )
    for table in TABLES:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"GREATEST((SELECT max(id) FROM {table}), 1))"
        )
    cursor.execute(
        f"DROP TABLE IF EXISTS {MARKER}; CREATE TABLE {MARKER} (patients integer NOT NULL, "
        "version integer NOT NULL, made_on date NOT NULL, seconds real NOT NULL)"
    )
    cursor.execute(
        f"INSERT INTO {MARKER} VALUES (%s, %s, %s, %s)",
        [n, VERSION, today, time.perf_counter() - load.started],
    )
    return counts


@dataclass(frozen=True)
class Page:
    """A page the benchmark opens: who opens it (a key of ``NAMED``) and where."""

    label: str
    user: str
    url: str
    htmx: bool = False


def named_users() -> dict[str, User]:
    """The named users by their key in ``NAMED``."""
    users = {u.username: u for u in User.objects.filter(username__in=NAMED.values())}
    return {key: users[username] for key, username in NAMED.items()}


def pages(users: dict[str, User]) -> list[Page]:
    """The pages the named users open, all answering 200: the coordinator's home, search,
    inbox, the team page of the named patient and each of its sections (htmx partials); the
    unit's worklist; the leader's lists; the patient's portal and access log; the relative's
    home; and the crisis card, opened by the legevakt user with a reason (an audit row)."""
    patient = Patient.objects.get(user=users["patient"])
    team = Team.objects.open().get(patient=patient)
    step = crisis_step_get(users["night"], patient_pk=patient.pk)
    token = crisis_card_open(actor=users["night"], step=step, reason="Benchmark", emergency=False)
    surname = patient.name.split(" ")[-1]
    found = [
        Page("home (coordinator)", "coordinator", reverse("workspace:team-list")),
        Page("patient search", "coordinator", reverse("actors:patient-search") + f"?q={surname}"),
        Page("KE worklist", "unit", reverse("coordination:need-report-worklist")),
        Page("incomplete teams (leader)", "leader", reverse("actors:incomplete-teams")),
        Page("indicators (leader)", "leader", reverse("coordination:indicators")),
        Page("inbox (coordinator)", "coordinator", reverse("coordination:notification-list")),
        Page("portal home (patient)", "patient", reverse("workspace:portal-home")),
        Page(
            "access log (patient)",
            "patient",
            reverse("workspace:portal-access-log", args=[patient.pk]),
        ),
        Page("relative home", "relative", reverse("actors:relative-home")),
        Page("team page", "coordinator", reverse("workspace:team-detail", args=[team.pk])),
    ]
    found += [
        Page(
            f"  section {s.key}",
            "coordinator",
            reverse(f"workspace:team-{s.key}", args=[team.pk]),
            htmx=True,
        )
        for s in SECTIONS
    ]
    # The batches the team page loads its lazy sections in, after the page (its "all sections").
    page_url = reverse("workspace:team-detail", args=[team.pk])
    found += [
        Page(f"  batch {n}", "coordinator", url, htmx=True)
        for n, url in enumerate(batch_urls(team_get(users["coordinator"], team.pk), page_url), 1)
    ]
    found.append(
        Page("crisis card (legevakt)", "night", reverse("coordination:crisis-card", args=[token]))
    )
    return found
