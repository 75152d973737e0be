"""Reads for night contacts (issue 7): the team page section "natt", the full timeline page and
an import's result.

The timeline puts the patient's contacts outside office hours and the team's phase changes on
one line, newest first: the overview of how often the night services were needed, and what the
team did about it, that nobody had in the UKOM report's story.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from actors.access import require_user
from careplans.models import PhaseChange
from careplans.phase.selectors import PHASE_COLOURS
from coordination.models import ContactImport, NightContact, NightService
from lkt.core.compiled_query import CompiledQuery

if TYPE_CHECKING:
    from actors.access import AnyUser
    from actors.models import Team

# The section shows the latest entries; the full page shows the rest.
SECTION_LIMIT = 30
# The full timeline page: years of contacts fit; beyond this the oldest are left out.
PAGE_LIMIT = 1000
PERIODS = (3, 6, 12)  # months, for the per-service count
_LONGEST = f"m{max(PERIODS)}"


@dataclass(frozen=True)
class TimelineEntry:
    when: dt.datetime
    contact: NightContact | None = None
    phase_change: PhaseChange | None = None

    @property
    def phase_colour(self) -> str:
        return PHASE_COLOURS[self.phase_change.phase] if self.phase_change else ""  # type: ignore[index]


@dataclass(frozen=True)
class ServiceCount:
    service: str
    label: str
    counts: tuple[int, ...]  # one per PERIODS


def timeline(team: Team, limit: int) -> tuple[list[TimelineEntry], bool]:
    """The newest ``limit`` entries, and whether there are more (two queries: contacts with who
    recorded them, phase changes with who made them)."""
    contacts = list(_contacts_newest_first(team.patient_id)[: limit + 1])
    changes = list(_changes_newest_first(team.pk)[: limit + 1])
    return _merged(contacts, changes, limit)


def _contacts_newest_first(patient: int) -> QuerySet[NightContact]:
    return (
        NightContact.objects.filter(patient_id=patient)
        .select_related("recorded_by")
        .order_by("-occurred_at", "-pk")
    )


def _changes_newest_first(team: int) -> QuerySet[PhaseChange]:
    return (
        PhaseChange.objects.filter(team_id=team)
        .select_related("changed_by")
        .order_by("-changed_at", "-pk")
    )


def _merged(
    contacts: list[NightContact], changes: list[PhaseChange], limit: int
) -> tuple[list[TimelineEntry], bool]:
    """The newest ``limit`` of the contacts and phase changes read (``limit + 1`` of each at
    most), on one line, and whether there are more."""
    entries = [TimelineEntry(when=c.occurred_at, contact=c) for c in contacts] + [
        TimelineEntry(when=p.changed_at, phase_change=p) for p in changes
    ]
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit], len(entries) > limit


def months_ago(moment: dt.datetime, months: int) -> dt.datetime:
    """The same day and time ``months`` earlier (the month's last day when it is shorter)."""
    year, month = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    month += 1
    for day in range(moment.day, 27, -1):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    return moment.replace(year=year, month=month, day=min(moment.day, 28))


def service_counts(team: Team) -> list[ServiceCount]:
    """Contacts per service over the last 3, 6 and 12 months: one aggregate query with a
    conditional count per period; services without contacts are left out."""
    now = timezone.localtime(timezone.now())
    starts = {f"m{months}": months_ago(now, months) for months in PERIODS}
    rows = _SERVICE_COUNTS.rows(patient=team.patient_id, **starts)
    labels = dict(NightService.choices)
    return [
        ServiceCount(service=service, label=str(labels.get(service, service)), counts=tuple(counts))
        for service, *counts in rows
    ]


def night_section_data(team: Team) -> dict[str, Any]:
    """The section: at most three queries whatever the number of contacts (1 contacts,
    2 phase changes, 3 the per-service counts)."""
    entries, more = _merged(
        _SECTION_CONTACTS.all(patient=team.patient_id),
        _SECTION_CHANGES.all(team=team.pk),
        SECTION_LIMIT,
    )
    counts = service_counts(team)
    totals = tuple(sum(c.counts[i] for c in counts) for i in range(len(PERIODS)))
    return {
        "entries": entries,
        "more": more,
        "counts": counts,
        "totals": totals,
        "periods": PERIODS,
    }


def _service_counts(patient: int, **starts: dt.datetime) -> QuerySet[NightContact]:
    """``starts``: each period's start by name ("m3" …); the longest period's bounds the rows
    (named, not the least of them: a compiled key is a parameter, never compared here)."""
    aggregates = {name: Count("pk", filter=Q(occurred_at__gte=at)) for name, at in starts.items()}
    return (
        NightContact.objects.filter(patient_id=patient, occurred_at__gte=starts[_LONGEST])
        .values("service")
        .annotate(**aggregates)
        .values_list("service", *aggregates)
        .order_by("service")
    )


# The section's reads, compiled once (issue 17, lkt.core.compiled_query): the per-service
# counts from each period's start (the longest period's start also bounds the rows read).
_SERVICE_COUNTS = CompiledQuery(
    _service_counts, "patient", m3=dt.datetime, m6=dt.datetime, m12=dt.datetime
)  # one key per period of PERIODS
# The section's timeline reads, compiled once (issue 17, lkt.core.compiled_query).
_SECTION_CONTACTS = CompiledQuery(
    lambda patient: _contacts_newest_first(patient)[: SECTION_LIMIT + 1], "patient"
)
_SECTION_CHANGES = CompiledQuery(
    lambda team: _changes_newest_first(team)[: SECTION_LIMIT + 1], "team"
)


def contact_import_get(who: AnyUser, pk: int) -> ContactImport:
    """An import's result: only for the one who uploaded it (404 for anyone else)."""
    user = require_user(who)
    batch = ContactImport.objects.filter(pk=pk, uploaded_by=user).first()
    if batch is None:
        raise Http404
    return batch
