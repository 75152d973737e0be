"""Reads for the network sections of the team page (element B): communication lines and the
scenarios the team must prepare for (the actors' perspectives on the patient's challenges are
read in careplans.good_day.perspective_selectors).

Every read starts from the ``TeamPage`` already loaded (team, patient, every member with user and
organisation), so each section adds a fixed number of queries, whatever the size of the team.
Access was decided and audited when the page was read (``actors.selectors.team_get``).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import ngettext

from actors.models import CommunicationLine, Member, Role, Scenario, Team
from actors.validators import is_ascii_digits
from lkt.core.compiled_query import CompiledQuery

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

    from actors.selectors import TeamPage


# ---------------------------------------------------------------------------------------------
# Communication lines


@dataclass
class CommunicationOverview:
    open_lines: list[CommunicationLine]
    ended_lines: list[CommunicationLine]
    has_coordinator: bool
    # Active actors with no direct open line to or from the coordinator: messages reach them
    # second-hand, if at all.
    without_coordinator_line: list[Member]
    # The patient as messenger between services: a known failure (LKT, element B).
    via_patient: list[CommunicationLine]


def communication_overview(page: TeamPage) -> CommunicationOverview:
    """The team's lines, open and ended, with the two warnings. No query of its own."""
    members = page.members_by_pk
    # The team page has read every line once (page.lines); both ends come from page.members.
    # Open lines first, then ended ones, most recently ended first.
    lines = sorted(
        page.lines,
        key=lambda line: (
            line.ended_on is not None,
            -line.ended_on.toordinal() if line.ended_on else 0,
            line.created_at,
            line.pk,
        ),
    )
    for line in lines:
        if line.from_member_id in members:
            line.from_member = members[line.from_member_id]
        if line.to_member_id in members:
            line.to_member = members[line.to_member_id]
    open_lines = [line for line in lines if line.ended_on is None]
    open_lines.sort(key=lambda line: (line.from_member.display_name, line.to_member.display_name))
    active = page.active_members
    coordinators = {m.pk for m in active if m.role == Role.COORDINATOR}
    # A line carried by the patient is no direct line, so it does not count as one.
    linked: set[int] = set()
    for line in open_lines:
        if line.channel == CommunicationLine.Channel.VIA_PATIENT:
            continue
        if line.from_member_id in coordinators:
            linked.add(line.to_member_id)
        if line.to_member_id in coordinators:
            linked.add(line.from_member_id)
    return CommunicationOverview(
        open_lines=open_lines,
        ended_lines=[line for line in lines if line.ended_on is not None],
        has_coordinator=bool(coordinators),
        without_coordinator_line=[
            m for m in active if coordinators and m.pk not in coordinators and m.pk not in linked
        ],
        via_patient=[
            line for line in open_lines if line.channel == CommunicationLine.Channel.VIA_PATIENT
        ],
    )


# ---------------------------------------------------------------------------------------------
# Perspectives and the matching view


# ---------------------------------------------------------------------------------------------
# Scenarios and continuity

# How far ahead the team looks for changes it must prepare for (LKT element B: "who will leave
# in the next six months, and what then?").
SCENARIO_HORIZON_MONTHS = 6

DETECTED_KINDS = (
    Scenario.Kind.MEMBER_LEAVING,
    Scenario.Kind.TURNING_16,
    Scenario.Kind.TURNING_18,
)
MANUAL_KINDS = (Scenario.Kind.DISCHARGE, Scenario.Kind.SCHOOL_CHANGE, Scenario.Kind.OTHER)
# Rights change at 16: the patient consents alone (pasient- og brukerrettighetsloven § 4-3);
# at 18: of age, and children's services hand over to adult services.
AGE_TRANSITIONS: dict[str, int] = {Scenario.Kind.TURNING_16: 16, Scenario.Kind.TURNING_18: 18}


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or the month's last day when it is shorter."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def birthday(birth_date: dt.date, age: int) -> dt.date:
    """The day the patient turns ``age``; a 29 February birthday falls on 1 March."""
    try:
        return birth_date.replace(year=birth_date.year + age)
    except ValueError:
        return dt.date(birth_date.year + age, 3, 1)


def scenario_key(kind: str, member_id: int | None = None, scenario_id: int | None = None) -> str:
    """The URL key of a scenario: detected ones by what they are about (they may not be saved
    yet), planned ones by their row."""
    if kind == Scenario.Kind.MEMBER_LEAVING:
        return f"{kind}-{member_id}"
    if kind in AGE_TRANSITIONS:
        return kind
    return f"s-{scenario_id}"


@dataclass(frozen=True)
class ScenarioKey:
    kind: str | None = None  # a detected scenario
    member_id: int | None = None
    scenario_id: int | None = None  # a planned scenario's row


def parse_scenario_key(key: str) -> ScenarioKey | None:
    if key in AGE_TRANSITIONS:
        return ScenarioKey(kind=key)
    head, _sep, tail = key.rpartition("-")
    if not is_ascii_digits(tail):
        return None
    if head == Scenario.Kind.MEMBER_LEAVING:
        return ScenarioKey(kind=head, member_id=int(tail))
    if head == "s":
        return ScenarioKey(scenario_id=int(tail))
    return None


@dataclass
class Detected:
    kind: str
    expected_on: dt.date
    member: Member | None = None


def detect_scenarios(
    *, today: dt.date, birth_date: dt.date, members: Iterable[Member]
) -> list[Detected]:
    """Changes coming within six months: an active actor's expected leave date (also one already
    passed while they are still in the team), and the patient turning 16 or 18."""
    horizon = add_months(today, SCENARIO_HORIZON_MONTHS)
    found = [
        Detected(Scenario.Kind.MEMBER_LEAVING, m.expected_leave_on, m)
        for m in members
        if m.left_on is None and m.expected_leave_on is not None and m.expected_leave_on <= horizon
    ]
    for kind, age in AGE_TRANSITIONS.items():
        day = birthday(birth_date, age)
        if today <= day <= horizon:
            found.append(Detected(kind, day))
    return found


@dataclass
class ScenarioRow:
    key: str
    kind: str
    expected_on: dt.date
    detected: bool
    member: Member | None = None  # the actor who leaves
    scenario: Scenario | None = None  # the saved "what then", if any
    active_member_ids: frozenset[int] = field(default_factory=frozenset)
    form: Any = None  # the view layer adds one where the viewer may write

    @property
    def label(self) -> StrOrPromise:
        return Scenario.Kind(self.kind).label

    @property
    def description(self) -> str:
        return self.scenario.description if self.scenario else ""

    @property
    def what_then(self) -> str:
        return self.scenario.what_then if self.scenario else ""

    @property
    def responsible(self) -> Member | None:
        return self.scenario.responsible if self.scenario and self.scenario.responsible_id else None

    @property
    def is_prepared(self) -> bool:
        # A plan whose responsible actor has left the team is no plan any more.
        return bool(
            self.scenario
            and self.scenario.is_prepared
            and self.scenario.responsible_id in self.active_member_ids
        )

    @property
    def age(self) -> int | None:
        return AGE_TRANSITIONS.get(self.kind)


def scenario_rows(
    *,
    today: dt.date,
    birth_date: dt.date,
    members: Sequence[Member],
    saved: Iterable[Scenario],
) -> tuple[list[ScenarioRow], list[Scenario]]:
    """The scenarios the team must prepare for now, and the planned ones whose date has passed.

    Detected scenarios come from the members and the birth date; a saved row only adds the
    team's "what then" to them. Planned transitions (discharge, school change) are saved rows.
    """
    active_ids = frozenset(m.pk for m in members if m.left_on is None)
    saved = list(saved)
    by_key = {(s.kind, s.member_id): s for s in saved if s.kind in DETECTED_KINDS}
    rows = [
        ScenarioRow(
            key=scenario_key(d.kind, d.member.pk if d.member else None),
            kind=d.kind,
            expected_on=d.expected_on,
            detected=True,
            member=d.member,
            scenario=by_key.get((d.kind, d.member.pk if d.member else None)),
            active_member_ids=active_ids,
        )
        for d in detect_scenarios(today=today, birth_date=birth_date, members=members)
    ]
    planned = [s for s in saved if s.kind in MANUAL_KINDS]
    rows += [
        ScenarioRow(
            key=scenario_key(s.kind, scenario_id=s.pk),
            kind=s.kind,
            expected_on=s.expected_on,
            detected=False,
            scenario=s,
            active_member_ids=active_ids,
        )
        for s in planned
        if s.expected_on >= today
    ]
    rows.sort(key=lambda row: row.expected_on)
    past = sorted((s for s in planned if s.expected_on < today), key=lambda s: s.expected_on)
    return rows, past


@dataclass
class ScenarioOverview:
    rows: list[ScenarioRow]
    past: list[Scenario]

    @property
    def unprepared(self) -> list[ScenarioRow]:
        return [row for row in self.rows if not row.is_prepared]

    @property
    def unprepared_said(self) -> str:
        """How many lack a plan, in words (a plural, made here where makemessages reads it)."""
        count = len(self.unprepared)
        return ngettext(
            "Én overgang mangler en plan eller en ansvarlig.",
            "%(counter)s overganger mangler en plan eller en ansvarlig.",
            count,
        ) % {"counter": count}


def scenario_overview(page: TeamPage) -> ScenarioOverview:
    """The team's scenarios with their plans. One query."""
    members = page.members_by_pk
    # Query 1: the team's saved scenarios; their actors are taken from page.members.
    saved = _SAVED_SCENARIOS.all(team=page.team.pk)
    for scenario in saved:
        if scenario.member_id in members:
            scenario.member = members[scenario.member_id]
        if scenario.responsible_id in members:
            scenario.responsible = members[scenario.responsible_id]
    rows, past = scenario_rows(
        today=timezone.localdate(),
        birth_date=page.team.patient.birth_date,
        members=page.members,
        saved=saved,
    )
    return ScenarioOverview(rows=rows, past=past)


# scenario_overview's read, compiled once: compiling it took longer than running it, on every
# request of the section (issue 17, lkt.core.compiled_query).
_SAVED_SCENARIOS = CompiledQuery(lambda team: Scenario.objects.filter(team_id=team), "team")


def continuity_warnings_for_teams(teams: Iterable[Team]) -> dict[int, int]:
    """How many current scenarios each team has not prepared for (no "what then" or no
    responsible actor). Two queries, however many teams, for lists such as the home page; the
    teams come with their patient loaded (its birth date raises the age scenarios)."""
    teams = list(teams)
    if not teams:
        return {}
    ids = [team.pk for team in teams]
    today = timezone.localdate()
    birth_dates = {team.pk: team.patient.birth_date for team in teams}
    # Query 1: active actors; those leaving within the horizon raise scenarios, and the others
    # may hold responsibility for one.
    members = list(
        Member.objects.active()
        .filter(team_id__in=ids)
        .only("pk", "team_id", "expected_leave_on", "left_on")
    )
    # Query 2: the saved scenarios.
    saved = list(
        Scenario.objects.filter(team_id__in=ids).only(
            "pk", "team_id", "kind", "member_id", "expected_on", "what_then", "responsible_id"
        )
    )
    members_by_team: dict[int, list[Member]] = {pk: [] for pk in ids}
    for member in members:
        members_by_team[member.team_id].append(member)
    saved_by_team: dict[int, list[Scenario]] = {pk: [] for pk in ids}
    for scenario in saved:
        saved_by_team[scenario.team_id].append(scenario)
    counts = {}
    for pk in ids:
        rows, _past = scenario_rows(
            today=today,
            birth_date=birth_dates[pk],
            members=members_by_team[pk],
            saved=saved_by_team[pk],
        )
        counts[pk] = sum(1 for row in rows if not row.is_prepared)
    return counts


def continuity_warnings(team: Team) -> int:
    """How many of the team's current scenarios lack a "what then" or a responsible actor.
    Two queries (see ``continuity_warnings_for_teams``)."""
    return continuity_warnings_for_teams([team]).get(team.pk, 0)
