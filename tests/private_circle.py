"""Kari's private circle and other-sector contacts in her team, with names no page for a
leader may print: a leader sees their roles and organisations, never who they are."""

from __future__ import annotations

from dataclasses import dataclass

from actors.models import Member, NetworkLevel, Organisation, Role
from tests.conftest import Cast
from tests.factories import MemberFactory, OrganisationFactory


@dataclass(frozen=True)
class PrivateCircle:
    stottekontakt: Member  # a støttekontakt without a login, in the private network
    mother: Member  # Kari's mother, in the team as family
    nav: Member  # a NAV adviser without a login (another sector)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(m.display_name for m in (self.stottekontakt, self.mother, self.nav))


def karis_private_circle(cast: Cast) -> PrivateCircle:
    nav = OrganisationFactory(
        name="NAV Fjordvik", kind=Organisation.Kind.NAV, level=NetworkLevel.ANNEN
    )
    return PrivateCircle(
        stottekontakt=MemberFactory(
            team=cast.team,
            user=None,
            external_name="Gunnhild Sandvik-Ødegård",
            external_phone="41234567",
            role=Role.OTHER,
            level=NetworkLevel.PRIVAT,
        ),
        mother=MemberFactory(
            team=cast.team,
            user=None,
            external_name="Torborg Kvalsvik",
            role=Role.FAMILY,
            level=NetworkLevel.PRIVAT,
        ),
        nav=MemberFactory(
            team=cast.team,
            user=None,
            external_name="Ragnfrid Brekkestø",
            organisation=nav,
            role=Role.NAV_ADVISER,
            level=NetworkLevel.ANNEN,
            # As needed: NAV's leader is not asked to approve the plan.
            involvement=Member.Involvement.AS_NEEDED,
        ),
    )
