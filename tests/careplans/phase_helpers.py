"""Plan versions, phase entries and phase changes for the phase and årshjul tests."""

from __future__ import annotations

from typing import Any

from actors.models import Member, Team, User
from careplans.models import CarePlan, CarePlanVersion, Phase, PhasePlanEntry

NIGHT = "Legevakt 116 117, AMK 113, Karis søster Lise 912 34 567"


def version_for(team: Team, author: User, **fields: Any) -> CarePlanVersion:
    """A new version of the team's plan (a draft unless ``status`` says otherwise)."""
    plan, _ = CarePlan.objects.get_or_create(team=team)
    number = plan.versions.count() + 1
    return CarePlanVersion.objects.create(plan=plan, number=number, created_by=author, **fields)


def entry_for(version: CarePlanVersion, phase: str, actor: Member | None = None) -> PhasePlanEntry:
    return PhasePlanEntry.objects.create(
        version=version,
        phase=phase,
        signs=f"Tegn i {phase}",
        actions=f"Tiltak i {phase}",
        actor=actor,
        call_office_hours="Koordinator 55 00 00 00",
        call_night=NIGHT if phase == Phase.RED else "",
    )


def full_phase_plan(version: CarePlanVersion, actor: Member | None = None) -> None:
    for phase in Phase.values:
        entry_for(version, phase, actor)
