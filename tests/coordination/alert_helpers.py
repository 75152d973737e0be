"""Kari's crisis plan for the observation and alert tests.

Around the named cast: the plan version in force names Tor (the nurse) as the one who acts in
gul and rød, and Nils (a GP in Kari's team) as the named contact for evenings and nights in rød.
Dina is the deputy coordinator in Cecilie's mandate. Leif leads the kommune Cecilie works in,
so he is her line leader.
"""

from __future__ import annotations

from dataclasses import dataclass

from actors.models import Member, Role, User
from careplans.models import CarePlanVersion, Phase, PhasePlanEntry
from coordination.models import Mandate
from tests.careplans.phase_helpers import NIGHT, version_for
from tests.conftest import Cast
from tests.factories import MemberFactory, StaffFactory

RED_ACTIONS = "Tor ringer Kari samme dag og avtaler hjemmebesøk."
YELLOW_ACTIONS = "Tettere oppfølging: Tor ringer to ganger i uka."


@dataclass
class CrisisPlan:
    version: CarePlanVersion
    tor: Member
    nils_user: User
    nils: Member
    dina_user: User
    dina: Member
    coordinator: Member


def crisis_plan(cast: Cast, *, in_force: bool = True, with_deputy: bool = True) -> CrisisPlan:
    team = cast.team
    tor = team.members.get(user=cast.member)
    coordinator = team.members.get(user=cast.coordinator)
    nils_user = StaffFactory.create(
        username="nils", first_name="Nils", organisation=cast.kommune, phone="91234567"
    )
    nils = MemberFactory.create(team=team, user=nils_user, role=Role.GP)
    dina_user = StaffFactory.create(username="dina", first_name="Dina", organisation=cast.kommune)
    dina = MemberFactory.create(team=team, user=dina_user, role=Role.PSYCHIATRIC_NURSE)
    status = CarePlanVersion.Status.IN_FORCE if in_force else CarePlanVersion.Status.DRAFT
    version = version_for(team, cast.coordinator, status=status)
    PhasePlanEntry.objects.create(
        version=version, phase=Phase.GREEN, signs="Sover godt", actions="Vanlig oppfølging"
    )
    PhasePlanEntry.objects.create(
        version=version, phase=Phase.YELLOW, signs="Sover dårlig", actions=YELLOW_ACTIONS, actor=tor
    )
    PhasePlanEntry.objects.create(
        version=version,
        phase=Phase.RED,
        signs="Snakker om å gi opp",
        actions=RED_ACTIONS,
        actor=tor,
        night_contact=nils,
        call_night=NIGHT,
    )
    if with_deputy:
        Mandate.objects.create(
            team=team,
            task_description="Lede teamet",
            authority="Kalle inn",
            hours_per_month=8,
            deputy=dina,
            updated_by=cast.coordinator,
        )
    return CrisisPlan(
        version=version,
        tor=tor,
        nils_user=nils_user,
        nils=nils,
        dina_user=dina_user,
        dina=dina,
        coordinator=coordinator,
    )
