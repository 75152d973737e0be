"""Indicators for leaders (struktur, prosess, resultat), month by month, per organisation.

Pure functions from the facts of ``coordination.reports.indicator_data`` to series: one cell per
organisation and month. A team counts for an organisation in a month when one of its core
members worked there (or below it) during the month; a state (roles, mandate, plan) is read on
the month's last day (today in the current month, the closing day for a team closed that month).

Leaders see aggregates only (actors.access): no name, id or clinical text leaves this module, and
a cell based on fewer than ``SUPPRESS_BELOW`` teams (patients; answers for the survey) is
suppressed: no value and no exact count, in HTML, CSV and PDF alike.
"""

from __future__ import annotations

import datetime as dt
import statistics
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from actors.models import MANDATORY_ROLES, Organisation
from coordination.reports.indicator_data import (
    Facts,
    Months,
    Span,
    TeamFacts,
    load_facts,
    months_between,
    organisation_tree,
    span_on,
    subtree,
)
from lkt.core.csv_export import Figure

# Statistics below five are small enough to point at one person (Helsedirektoratet's and
# SSB's usual rule for published health statistics).
SUPPRESS_BELOW = 5
# The national target: 80 % of patients have a plan and an evaluation (NPR indicators).
TARGET_PLAN_EVALUATED = 0.8
# A plan period's evaluation may come this long after the period ended and still count.
EVALUATION_GRACE_DAYS = 30
# The longest period the report covers.
MAX_MONTHS = 36


class Unit(StrEnum):
    SHARE = "share"  # 0–1, shown as a percentage
    DAYS = "days"
    PER_PATIENT = "per_patient"
    SCORE = "score"  # relational coordination 1–5
    GOOD_DAYS = "good_days"  # 0–7 a week


class Group(StrEnum):
    STRUCTURE = "struktur"
    PROCESS = "prosess"
    RESULT = "resultat"


GROUP_LABELS = {
    Group.STRUCTURE: _("Struktur"),
    Group.PROCESS: _("Prosess"),
    Group.RESULT: _("Resultat"),
}


@dataclass
class _Acc:
    """What one organisation's teams add up to in one month."""

    teams: int = 0
    patients: int = 0
    roles: int = 0
    mandate: int = 0
    leaders: int = 0
    evaluated: int = 0
    over_caseload: int = 0
    annual_teams: int = 0
    annual_due: int = 0
    annual_on_time: int = 0
    meeting_teams: int = 0
    held: int = 0
    minutes: int = 0
    days: list[int] = field(default_factory=list)
    contacts: int = 0
    admissions: int = 0
    answers: int = 0
    score: float = 0.0
    rated: int = 0
    rating_sum: float = 0.0


Measure = Callable[[_Acc], tuple[float | None, int]]


def _share(numerator: int, denominator: int) -> tuple[float | None, int]:
    return (numerator / denominator if denominator else None), denominator


def _per_patient(events: int, acc: _Acc) -> tuple[float | None, int]:
    return (events / acc.patients if acc.patients else None), acc.patients


@dataclass(frozen=True)
class Indicator:
    key: str
    group: Group
    name: Promise
    # What counts in the numerator and in the denominator (shown under the chart).
    definition: Promise
    unit: Unit
    measure: Measure
    target: float | None = None

    @property
    def scale(self) -> tuple[float, float | None]:
        """The y-axis: fixed where the unit has a range, else from 0 to the data's maximum."""
        return {
            Unit.SHARE: (0.0, 1.0),
            Unit.SCORE: (1.0, 5.0),
            Unit.GOOD_DAYS: (0.0, 7.0),
        }.get(self.unit, (0.0, None))


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "roles",
        Group.STRUCTURE,
        _("Team med alle fire obligatoriske roller"),
        _(
            "Teller: team med koordinator, fastlege, kontaktlege og intern koordinator. Nevner: team."
        ),
        Unit.SHARE,
        lambda a: _share(a.roles, a.teams),
    ),
    Indicator(
        "mandate",
        Group.STRUCTURE,
        _("Koordinator med godkjent mandat og stedfortreder"),
        _("Teller: team med mandat godkjent av leder og en stedfortreder i teamet. Nevner: team."),
        Unit.SHARE,
        lambda a: _share(a.mandate, a.teams),
    ),
    Indicator(
        "plan_leaders",
        Group.STRUCTURE,
        _("Plan godkjent av ledere"),
        _("Teller: team der gjeldende plan er godkjent av ledere. Nevner: team."),
        Unit.SHARE,
        lambda a: _share(a.leaders, a.teams),
    ),
    Indicator(
        "plan_evaluated",
        Group.PROCESS,
        _("Plan og evaluering i tide"),
        _(
            "Teller: team med gjeldende plan, avtalt planperiode og ingen periode som venter på "
            "evaluering mer enn 30 dager etter slutt. Nevner: team. Nasjonalt mål: 80 %."
        ),
        Unit.SHARE,
        lambda a: _share(a.evaluated, a.teams),
        target=TARGET_PLAN_EVALUATED,
    ),
    Indicator(
        "annual",
        Group.PROCESS,
        _("Årshjulaktiviteter utført i tide"),
        _(
            "Teller: aktiviteter med frist i måneden utført innen fristen. Nevner: aktiviteter "
            "med frist i måneden (utført eller forfalt). Prikket når færre enn 5 team har frist."
        ),
        Unit.SHARE,
        lambda a: (_share(a.annual_on_time, a.annual_due)[0], a.annual_teams),
    ),
    Indicator(
        "minutes",
        Group.PROCESS,
        _("Møter med referat"),
        _(
            "Teller: gjennomførte møter i måneden med referat. Nevner: gjennomførte møter. "
            "Prikket når færre enn 5 team hadde møte."
        ),
        Unit.SHARE,
        lambda a: (_share(a.minutes, a.held)[0], a.meeting_teams),
    ),
    Indicator(
        "first_meeting",
        Group.PROCESS,
        _("Dager fra melding om behov til første teammøte"),
        _("Median antall dager for team som hadde sitt første møte i måneden. Nevner: team."),
        Unit.DAYS,
        lambda a: ((statistics.median(a.days) if a.days else None), len(a.days)),
    ),
    Indicator(
        "caseload",
        Group.PROCESS,
        _("Team med koordinator over grensen for antall team"),
        _(
            "Teller: team der en koordinator har flere team enn grensen lederen har satt. "
            "Nevner: team."
        ),
        Unit.SHARE,
        lambda a: _share(a.over_caseload, a.teams),
    ),
    Indicator(
        "night",
        Group.RESULT,
        _("Kontakter med legevakt og AMK per pasient"),
        _("Teller: kontakter utenom kontortid i måneden. Nevner: pasienter med team."),
        Unit.PER_PATIENT,
        lambda a: _per_patient(a.contacts, a),
    ),
    Indicator(
        "admissions",
        Group.RESULT,
        _("Innleggelser per pasient"),
        _("Teller: kontakter utenom kontortid som endte med innleggelse. Nevner: pasienter."),
        Unit.PER_PATIENT,
        lambda a: _per_patient(a.admissions, a),
    ),
    Indicator(
        "relational",
        Group.RESULT,
        _("Relasjonell koordinering (1–5)"),
        _(
            "Gjennomsnitt av svarene i runder åpnet i måneden, sju dimensjoner. Nevner: svar; "
            "prikket under 5 svar."
        ),
        Unit.SCORE,
        lambda a: ((a.score / a.answers if a.answers else None), a.answers),
    ),
    Indicator(
        "good_days",
        Group.RESULT,
        _("Gode dager per uke, pasientenes egen vurdering (0–7)"),
        _(
            "Gjennomsnitt av hver pasients gjennomsnitt i måneden. Nevner: pasienter som svarte; "
            "prikket under 5."
        ),
        Unit.GOOD_DAYS,
        lambda a: ((a.rating_sum / a.rated if a.rated else None), a.rated),
    ),
)


@dataclass(frozen=True)
class Cell:
    value: float | None
    count: int
    suppressed: bool

    def show(self, unit: Unit) -> str:
        """The value as shown to the leader: "–" when suppressed or nothing to measure."""
        if self.suppressed or self.value is None:
            return "–"
        if unit == Unit.SHARE:
            return f"{round(self.value * 100)} %"
        if unit == Unit.DAYS:
            return f"{self.value:.0f}"
        return f"{self.value:.2f}".replace(".", ",")

    @property
    def count_shown(self) -> str:
        return f"<{SUPPRESS_BELOW}" if self.suppressed else str(self.count)


@dataclass(frozen=True)
class Series:
    organisation: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class IndicatorResult:
    indicator: Indicator
    total: Series
    rows: tuple[Series, ...]

    @property
    def series(self) -> tuple[Series, ...]:
        return (self.total, *self.rows)

    @property
    def any_suppressed(self) -> bool:
        return any(c.suppressed for s in self.series for c in s.cells)


@dataclass(frozen=True)
class IndicatorReport:
    organisation: Organisation
    start: dt.date
    end: dt.date
    months: tuple[dt.date, ...]  # first days
    results: tuple[IndicatorResult, ...]

    @property
    def groups(self) -> list[tuple[Promise, list[IndicatorResult]]]:
        return [
            (label, [r for r in self.results if r.indicator.group == group])
            for group, label in GROUP_LABELS.items()
        ]


def _on(spans: list[Span], day: dt.date) -> bool:
    return any(span_on(span, day) for span in spans)


def _plan_in_force(plans: list[tuple[dt.date, bool]], day: dt.date) -> tuple[bool, bool]:
    """(a version is in force, that version is approved by a leader) on ``day``."""
    current = None
    for since, leaders in plans:
        if since > day:
            break
        current = leaders
    return current is not None, bool(current)


def _evaluated_in_time(periods: list[tuple[dt.date, dt.date | None]], day: dt.date) -> bool:
    if not periods:
        return False
    grace = dt.timedelta(days=EVALUATION_GRACE_DAYS)
    return not any(
        ends_on + grace < day and (evaluated_on is None or evaluated_on > day)
        for ends_on, evaluated_on in periods
    )


def _bits(lo: int, hi: int) -> int:
    return ((1 << hi) - 1) ^ ((1 << lo) - 1) if hi > lo else 0


class _Calendar:
    """Month bitmasks (bit i: month i) of date ranges, found by bisecting the months' days: a
    team's state over all months costs a few integer operations instead of a check per month
    (20 000 teams × 36 months must stay well inside the bench's 5 s)."""

    def __init__(self, facts: Facts) -> None:
        months = facts.months
        self.n = months.count
        self.firsts = [months.start(i) for i in range(self.n)]
        self.lasts = [months.last(i) for i in range(self.n)]
        self.refs = [facts.reference_day(i) for i in range(self.n)]
        self.all = _bits(0, self.n)

    def on(self, start: dt.date, until: dt.date | None) -> int:
        """Months whose reference day lies in [start, until)."""
        hi = self.n if until is None else bisect_left(self.refs, until)
        return _bits(bisect_left(self.refs, start), hi)

    def during(self, start: dt.date, until: dt.date | None) -> int:
        """Months that share a day with [start, until)."""
        hi = self.n if until is None else bisect_left(self.firsts, until)
        return _bits(bisect_left(self.lasts, start), hi)


STATES = ("roles", "mandate", "leaders", "evaluated", "over_caseload")


def _states_on(team: TeamFacts, day: dt.date, over: bool) -> tuple[bool, ...]:
    """The states of one team on one day (for the month a team closed: read on that day)."""
    in_force, leaders = _plan_in_force(team.plans, day)
    return (
        all(_on(team.roles.get(role, []), day) for role in MANDATORY_ROLES),
        team.mandate is not None and span_on(team.mandate, day),
        leaders,
        in_force and _evaluated_in_time(team.periods, day),
        over,
    )


def _state_masks(team: TeamFacts, cal: _Calendar, over_by_user: dict[int, int]) -> list[int]:
    """The months in which the team has each of STATES, read on each month's reference day."""
    roles = cal.all
    for role in MANDATORY_ROLES:
        held = 0
        for span in team.roles.get(role, []):
            held |= cal.on(*span)
        roles &= held
    mandate = cal.on(*team.mandate) if team.mandate else 0
    in_force = leaders = 0
    for k, (since, approved) in enumerate(team.plans):
        in_force |= cal.on(since, None)
        if approved:
            following = team.plans[k + 1][0] if k + 1 < len(team.plans) else None
            leaders |= cal.on(since, following)
    overdue = 0
    grace = dt.timedelta(days=EVALUATION_GRACE_DAYS + 1)
    for ends_on, evaluated_on in team.periods:
        overdue |= cal.on(ends_on + grace, evaluated_on)
    evaluated = in_force & ~overdue if team.periods else 0
    over = 0
    for user, span in team.coordinators:
        over |= cal.on(*span) & over_by_user.get(user, 0)
    masks = [roles, mandate, leaders, evaluated & cal.all, over]
    if team.closed_on:
        i = bisect_left(cal.lasts, team.closed_on)
        if i < cal.n and team.closed_on < cal.refs[i]:
            states = _states_on(team, team.closed_on, bool(over >> i & 1))
            masks = [
                m | (1 << i) if on else m & ~(1 << i) for m, on in zip(masks, states, strict=True)
            ]
    return masks


def _add_counts(
    accs: dict[tuple[int, int], _Acc], key: int, name: str, masks: Counter[int]
) -> None:
    for mask, count in masks.items():
        i = 0
        while mask:
            if mask & 1:
                acc = accs[key, i]
                setattr(acc, name, getattr(acc, name) + count)
            mask >>= 1
            i += 1


class _Groups:
    """Owners (teams or patients) grouped by where they are present: {key: months}."""

    def __init__(self, present: dict[int, dict[int, int]]) -> None:
        ids: dict[tuple[tuple[int, int], ...], int] = {}
        self.of: dict[int, int] = {}
        for owner, where in present.items():
            signature = tuple(where.items())
            self.of[owner] = ids.setdefault(signature, len(ids))
        self.signatures = list(ids)

    def spread(
        self,
        accs: dict[tuple[int, int], _Acc],
        events: Mapping[tuple[int, int], Sequence[float] | float],
    ) -> Iterator[tuple[_Acc, list[float]]]:
        """Per organisation and month: [owners with an event, sum of each value]."""
        sums: dict[tuple[int, int], list[float]] = {}
        for (owner, i), values in events.items():
            group = self.of.get(owner)
            if group is None:
                continue
            row = values if isinstance(values, Sequence) else (values,)
            total = sums.get((group, i))
            if total is None:
                sums[group, i] = [1, *row]
            else:
                total[0] += 1
                for n, value in enumerate(row, 1):
                    total[n] += value
        for (group, i), total in sums.items():
            for key, months in self.signatures[group]:
                if months >> i & 1:
                    yield accs[key, i], total


def accumulate(facts: Facts, rows: dict[int, int], total: int) -> dict[tuple[int, int], _Acc]:
    """Each organisation's sums per month (``rows`` maps an organisation in the tree to its
    row; ``total`` is the chosen organisation's key)."""
    cal = _Calendar(facts)
    over_by_user = {
        user: sum(1 << i for i in range(cal.n) if facts.caseload.get((user, i), 0) > limit)
        for user, limit in facts.limits.items()
    }
    accs: dict[tuple[int, int], _Acc] = defaultdict(_Acc)
    counts: dict[tuple[int, str], Counter[int]] = defaultdict(Counter)
    team_present: dict[int, dict[int, int]] = {}
    patient_present: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for team_id, team in facts.teams.items():
        closed = team.closed_on + dt.timedelta(days=1) if team.closed_on else None
        active = cal.during(team.established_on, closed)
        present: dict[int, int] = defaultdict(int)
        for org, span in team.core:
            months = cal.during(*span) & active
            if months:
                present[total] |= months
                if org in rows:
                    present[rows[org]] |= months
        if not present:
            continue
        team_present[team_id] = present
        masks = _state_masks(team, cal, over_by_user)
        for key, months in present.items():
            counts[key, "teams"][months] += 1
            patient_present[team.patient_id][key] |= months
            for name, mask in zip(STATES, masks, strict=True):
                if mask & months:
                    counts[key, name][mask & months] += 1
    for (key, name), by_mask in counts.items():
        _add_counts(accs, key, name, by_mask)
    patient_counts: dict[int, Counter[int]] = defaultdict(Counter)
    for present in patient_present.values():
        for key, months in present.items():
            patient_counts[key][months] += 1
    for key, by_mask in patient_counts.items():
        _add_counts(accs, key, "patients", by_mask)

    # Events (meetings, contacts, ratings...) are first summed per group of owners present in
    # the same organisations in the same months, then spread to those organisations: a team
    # with core members in five units would otherwise cost five additions per event.
    teams_by = _Groups(team_present)
    patients_by = _Groups(patient_present)
    for acc, (n, due, on_time) in teams_by.spread(accs, facts.annual):
        acc.annual_teams += int(n)
        acc.annual_due += int(due)
        acc.annual_on_time += int(on_time)
    for acc, (n, held, minutes) in teams_by.spread(accs, facts.meetings):
        acc.meeting_teams += int(n)
        acc.held += int(held)
        acc.minutes += int(minutes)
    for acc, (_n, answers, score) in teams_by.spread(accs, facts.survey):
        acc.answers += int(answers)
        acc.score += score
    for acc, (_n, contacts, admitted) in patients_by.spread(accs, facts.night):
        acc.contacts += int(contacts)
        acc.admissions += int(admitted)
    for acc, (n, ratings) in patients_by.spread(accs, facts.good_days):
        acc.rated += int(n)
        acc.rating_sum += ratings
    # The median needs every value; a team has its first meeting once.
    for (team_id, i), days in facts.first_meeting.items():
        for key, months in team_present.get(team_id, {}).items():
            if months >> i & 1:
                accs[key, i].days.append(days)
    return accs


def _cell(indicator: Indicator, acc: _Acc | None) -> Cell:
    value, count = indicator.measure(acc or _Acc())
    return Cell(value, count, count < SUPPRESS_BELOW)


def _suppress_complement(total: Cell, cells: list[Cell]) -> list[Cell]:
    """When one organisation's cell is suppressed and the total is not, the total and the other
    cells could give it away: suppress the smallest other cell too."""
    hidden = [c for c in cells if c.suppressed and c.count > 0]
    shown = [c for c in cells if not c.suppressed]
    if len(hidden) != 1 or total.suppressed or not shown:
        return cells
    smallest = min(shown, key=lambda c: c.count)
    return [Cell(None, c.count, True) if c is smallest else c for c in cells]


def _hide(cell: Cell) -> Cell:
    """A suppressed cell keeps neither value nor count, so no output can print them."""
    return Cell(None, 0, True) if cell.suppressed else cell


def build(
    facts: Facts,
    names: dict[int, str],
    rows: dict[int, int],
    total: int,
) -> list[IndicatorResult]:
    accs = accumulate(facts, rows, total)
    children = sorted({r for r in rows.values() if r != total}, key=lambda pk: names[pk])
    results = []
    for indicator in INDICATORS:
        totals = [_cell(indicator, accs.get((total, i))) for i in range(facts.months.count)]
        columns = [
            _suppress_complement(
                totals[i], [_cell(indicator, accs.get((child, i))) for child in children]
            )
            for i in range(facts.months.count)
        ]
        results.append(
            IndicatorResult(
                indicator,
                Series(names[total], tuple(_hide(c) for c in totals)),
                tuple(
                    Series(names[child], tuple(_hide(column[n]) for column in columns))
                    for n, child in enumerate(children)
                ),
            )
        )
    return results


def indicator_report(
    organisation: Organisation, start: dt.date, end: dt.date, *, today: dt.date | None = None
) -> IndicatorReport:
    """The indicators of ``organisation`` (total) and of each organisation directly below it,
    for the whole months from ``start`` to ``end``. Access is the caller's: the views pass
    only an organisation from ``actors.access.leader_organisations``."""
    tree = organisation_tree()
    months: Months = months_between(start, end)
    in_tree = subtree(tree, organisation.pk)
    # Each organisation below counts for the child of ``organisation`` it sits under.
    rows: dict[int, int] = {organisation.pk: organisation.pk}
    for child in (pk for pk, (parent, _n, _l) in tree.items() if parent == organisation.pk):
        for pk in subtree(tree, child):
            rows[pk] = child
    facts = load_facts(tree, in_tree, months, today)
    names = {pk: name for pk, (_p, name, _l) in tree.items()}
    return IndicatorReport(
        organisation=organisation,
        start=months.first,
        end=months.end,
        months=tuple(months.start(i) for i in range(months.count)),
        results=tuple(build(facts, names, rows, organisation.pk)),
    )


CSV_HEADER = ("organisasjon", "indikator", "måned", "verdi", "antall", "prikket")


def csv_rows(report: IndicatorReport) -> list[tuple[str, ...]]:
    """One row per organisation, indicator and month. A suppressed cell has an empty value,
    "<5" as its count and "ja" in ``prikket``. Value and count are ``Figure``s, so the CSV
    writer (``lkt.core.csv_export``) leaves them numbers; the organisation's name is text."""
    rows: list[tuple[str, ...]] = []
    for result in report.results:
        unit = result.indicator.unit
        for series in result.series:
            for month, cell in zip(report.months, series.cells, strict=True):
                value = "" if cell.suppressed or cell.value is None else Figure(cell.show(unit))
                rows.append(
                    (
                        series.organisation,
                        str(result.indicator.name),
                        f"{month:%Y-%m}",
                        value,
                        cell.count_shown if cell.suppressed else Figure(cell.count_shown),
                        "ja" if cell.suppressed else "nei",
                    )
                )
    return rows
