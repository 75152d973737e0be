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
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from actors.models import Organisation
from coordination.reports.indicator_data import (
    Months,
    load_facts,
    months_between,
    organisation_tree,
    subtree,
)
from coordination.reports.indicator_months import SumsByMonth, stored_sums
from coordination.reports.indicator_sums import Sums, accumulate
from lkt.core.csv_export import Figure

# Statistics below five are small enough to point at one person (Helsedirektoratet's and
# SSB's usual rule for published health statistics).
SUPPRESS_BELOW = 5
# The national target: 80 % of patients have a plan and an evaluation (NPR indicators).
TARGET_PLAN_EVALUATED = 0.8


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


Measure = Callable[[Sums], tuple[float | None, int]]


def _share(numerator: int, denominator: int) -> tuple[float | None, int]:
    return (numerator / denominator if denominator else None), denominator


def _per_patient(events: int, acc: Sums) -> tuple[float | None, int]:
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
    # The day the stored months were read (``indicator_months``), or None: read just now.
    as_of: dt.date | None = None

    @property
    def groups(self) -> list[tuple[Promise, list[IndicatorResult]]]:
        return [
            (label, [r for r in self.results if r.indicator.group == group])
            for group, label in GROUP_LABELS.items()
        ]


def _cell(indicator: Indicator, acc: Sums | None) -> Cell:
    value, count = indicator.measure(acc or Sums())
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
    sums: SumsByMonth,
    count: int,
    names: dict[int, str],
    total: int,
    children: list[int],
) -> list[IndicatorResult]:
    """The cells of ``count`` months for the total and each child, from their sums."""
    children = sorted(children, key=lambda pk: names[pk])
    results = []
    for indicator in INDICATORS:
        totals = [_cell(indicator, sums.get((total, i))) for i in range(count)]
        columns = [
            _suppress_complement(
                totals[i], [_cell(indicator, sums.get((child, i))) for child in children]
            )
            for i in range(count)
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
    for the whole months from ``start`` to ``end``: from the months beat keeps
    (``indicator_months``) when they are all there and fresh, else from the facts. Access is
    the caller's: the views pass only an organisation from ``actors.access.leader_organisations``."""
    today = today or timezone.localdate()
    months: Months = months_between(start, end)
    # The organisation and those directly below it, by key: the page reads no other (every
    # organisation took 3 ms of the page at 2,964 of them, issue 17).
    names = dict(
        Organisation.objects.filter(Q(pk=organisation.pk) | Q(parent_id=organisation.pk))
        .order_by()
        .values_list("pk", "name")
    )
    children = [pk for pk in names if pk != organisation.pk]
    stored = stored_sums([organisation.pk, *children], months, today)
    if stored:
        sums, as_of = stored
    else:
        # From the facts: the whole tree, for the subtrees and the caseload limits inherited
        # from above. Each organisation counts for the total and for the child it sits under.
        tree = organisation_tree()
        keys: dict[int, tuple[int, ...]] = {organisation.pk: (organisation.pk,)}
        for child in children:
            for pk in subtree(tree, child):
                keys[pk] = (organisation.pk, child)
        facts = load_facts(tree, subtree(tree, organisation.pk), months, today)
        sums, as_of = accumulate(facts, keys), None
    return IndicatorReport(
        organisation=organisation,
        start=months.first,
        end=months.end,
        months=tuple(months.start(i) for i in range(months.count)),
        results=tuple(build(sums, months.count, names, organisation.pk, children)),
        as_of=as_of,
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
