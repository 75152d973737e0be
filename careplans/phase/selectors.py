"""Reads for the phase plan, the team's current phase and the årshjul."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import Http404
from django.utils.translation import ngettext

from actors.access import authorize
from actors.models import Member
from careplans.models import AnnualActivity, CarePlanVersion, Phase, PhaseChange, PhasePlanEntry
from lkt.core.compiled_query import CompiledQuery

if TYPE_CHECKING:
    from actors.access import Action, AnyUser, Standing
    from actors.models import Team

# The order the phase plan is read in: the working phase first, the acute last.
PHASE_ORDER = [Phase.GREEN, Phase.YELLOW, Phase.RED]
# Designsystemet's colours for the phases; always shown together with the phase's name.
PHASE_COLOURS = {Phase.GREEN: "success", Phase.YELLOW: "warning", Phase.RED: "danger"}


def current_phase(team: Team) -> str:
    """The team's phase now: its latest change, green when it never changed (one query)."""
    latest = PhaseChange.objects.filter(team=team).values_list("phase", flat=True).first()
    return latest or Phase.GREEN


def shown_versions(team: Team | int) -> QuerySet[CarePlanVersion]:
    """The version whose phase plan the team works by: the one in force, else the newest
    draft. A queryset of at most one row, so it can also be used as a subquery."""
    in_force_first = Case(
        When(status=CarePlanVersion.Status.IN_FORCE, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return (
        CarePlanVersion.objects.filter(
            plan__team=team,
            status__in=[CarePlanVersion.Status.IN_FORCE, CarePlanVersion.Status.DRAFT],
        )
        .annotate(in_force_first=in_force_first)
        .order_by("in_force_first", "-number")[:1]
    )


@dataclass
class PhaseRow:
    """One phase of the plan as shown: its entry (None when not written yet)."""

    phase: str
    label: str
    entry: PhasePlanEntry | None = None

    @property
    def colour(self) -> str:
        return PHASE_COLOURS[Phase(self.phase)]


@dataclass
class PhaseOverview:
    """The team's phase now and how it got there (the "fase" section)."""

    current: str
    history: list[PhaseChange]

    @property
    def current_label(self) -> str:
        return str(Phase(self.current).label)

    @property
    def current_colour(self) -> str:
        return PHASE_COLOURS[Phase(self.current)]

    @property
    def history_label(self) -> str:
        return ngettext(
            "Historikk (%(counter)s endring)",
            "Historikk (%(counter)s endringer)",
            len(self.history),
        ) % {"counter": len(self.history)}


@dataclass
class PhasePlan:
    """Who does what in green, yellow and red (the "faseplan" section): the version shown and
    its rows, with the phase the team is in now marked."""

    current: str
    version: CarePlanVersion | None
    rows: list[PhaseRow] = field(default_factory=list)


def phase_rows(
    entries: list[PhasePlanEntry], members: list[Member] | None = None
) -> list[PhaseRow]:
    """Green, yellow, red in that order; the acting member is taken from ``members`` when
    given, so no query is needed for it."""
    by_phase = {entry.phase: entry for entry in entries}
    by_pk = {m.pk: m for m in members or []}
    rows = []
    for phase in PHASE_ORDER:
        entry = by_phase.get(phase)
        if entry is not None and members is not None:
            entry.actor = by_pk.get(entry.actor_id) if entry.actor_id else None
        rows.append(PhaseRow(phase=phase.value, label=str(phase.label), entry=entry))
    return rows


def phase_overview(team: Team) -> PhaseOverview:
    """The current phase with its history, newest first (one query whatever the history)."""
    history = _HISTORY.all(team=team.pk)
    return PhaseOverview(current=history[0].phase if history else Phase.GREEN, history=history)


def phase_plan(team: Team, members: list[Member]) -> PhasePlan:
    """The phase plan of the version in force (or the draft). Three queries whatever the plan
    or the team's size: 1 the current phase, 2 the version shown, 3 its phase entries (the
    actors come from ``members``, already read for the page)."""
    return PhasePlan(
        current=next(iter(_CURRENT.rows(team=team.pk)), (Phase.GREEN,))[0],
        version=_SHOWN_VERSION.first(team=team.pk),
        rows=phase_rows(_SHOWN_ENTRIES.all(team=team.pk), members),
    )


# The sections' reads, compiled once: compiling them took longer than running them, on every
# request of the team page (issue 17, lkt.core.compiled_query).
_HISTORY = CompiledQuery(
    lambda team: (
        PhaseChange.objects.filter(team_id=team)
        .select_related("changed_by")
        .order_by("-changed_at", "-pk")
    ),
    "team",
)


def _latest_phase(team: int) -> QuerySet[PhaseChange]:
    # A values_list() queryset, typed by its model as CompiledQuery.rows takes it.
    latest = PhaseChange.objects.filter(team_id=team).order_by("-changed_at", "-pk")
    return latest.values_list("phase")[:1]  # type: ignore[return-value]


_CURRENT = CompiledQuery(_latest_phase, "team")
_SHOWN_VERSION = CompiledQuery(shown_versions, "team")
_SHOWN_ENTRIES = CompiledQuery(
    lambda team: PhasePlanEntry.objects.filter(version__in=shown_versions(team).values("pk")),
    "team",
)


def version_for_action(
    user: AnyUser, version_pk: int, action: Action
) -> tuple[CarePlanVersion, Standing]:
    """A plan version with its team and patient, when the user may do the action on the
    patient (404 for those who may not see the patient, 403 otherwise; audited)."""
    version = (
        CarePlanVersion.objects.select_related("plan__team__patient").filter(pk=version_pk).first()
    )
    if version is None:
        raise Http404
    return version, authorize(user, action, version.plan.team.patient, obj=version)


def annual_activities(version: CarePlanVersion) -> list[AnnualActivity]:
    """The version's årshjul with the responsible members (one query)."""
    activities = list(
        AnnualActivity.objects.filter(version=version)
        .select_related("responsible__user")
        .order_by("pk")
    )
    for activity in activities:
        activity.version = version
    return activities


def phase_plan_members(version: CarePlanVersion) -> list[Member]:
    """Everyone the phase plan may name, former members too (an entry may name one)."""
    return list(
        Member.objects.filter(team_id=version.plan.team_id).select_related("user", "organisation")
    )


def phase_entry(version: CarePlanVersion, phase: str) -> PhasePlanEntry | None:
    return PhasePlanEntry.objects.filter(version=version, phase=phase).first()
