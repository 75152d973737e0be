"""Reads for observations: the team page section and the patient's own reports in the portal."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import F

from actors.access import require_user
from actors.models import Patient, Team, User
from actors.selectors import portal_patient
from coordination.models import Observation
from lkt.core import audit
from lkt.core.compiled_query import CompiledQuery

if TYPE_CHECKING:
    from actors.access import AnyUser

# How many decided observations the team section shows under the open ones.
RECENTLY_DECIDED = 5
# How many of their own reports the patient sees in the portal.
PORTAL_REPORTS = 50


def open_observations(team: Team) -> list[Observation]:
    """The team's open observations, oldest first: the one waiting longest is answered first
    (one query)."""
    return _OPEN.all(team=team.pk)


def decided_observations(team: Team) -> list[Observation]:
    """The latest decided observations with who reported and who decided (one query)."""
    return _DECIDED.all(team=team.pk)


# The team section's reads, compiled once: compiling them took longer than running them, on
# every request of the team page (issue 17, lkt.core.compiled_query).
_OPEN = CompiledQuery(
    lambda team: (
        Observation.objects.filter(team_id=team, status=Observation.Status.OPEN)
        .select_related("reported_by")
        .order_by("created_at", "pk")
    ),
    "team",
)
_DECIDED = CompiledQuery(
    lambda team: (
        Observation.objects.filter(team_id=team)
        .exclude(status=Observation.Status.OPEN)
        .select_related("reported_by", "decided_by")
        .order_by(F("decided_at").desc(nulls_last=True), "-pk")[:RECENTLY_DECIDED]
    ),
    "team",
)


@dataclass
class PortalObservations:
    patient: Patient
    team: Team | None
    reports: list[Observation]


def observation_list_for_patient(who: AnyUser, patient_pk: int) -> PortalObservations:
    """The patient's own reports to their team with the coordinator's answers. Only the
    patient: staff use the team page (403), a relative has no reports here (403), strangers
    get 404. Three queries: patient, team, reports (and the audit row)."""
    patient, standing = portal_patient(who, patient_pk)
    if not standing.is_self:
        raise PermissionDenied
    user: User = require_user(who)
    audit.record(user=user, patient=patient, action=audit.VIEW, obj=patient)
    team = Team.objects.open().filter(patient=patient).order_by("-established_on").first()
    reports = (
        list(
            Observation.objects.filter(team=team, reported_by=user).order_by("-created_at", "-pk")[
                :PORTAL_REPORTS
            ]
        )
        if team is not None
        else []
    )
    return PortalObservations(patient=patient, team=team, reports=reports)
