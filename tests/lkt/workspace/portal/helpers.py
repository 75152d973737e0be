"""An approved plan for Kari, and children with parents, for the portal tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from actors.models import Consent, Patient, RelativeLink, Representation, Role, Team, User
from actors.network.selectors import add_months
from careplans.models import AnnualActivity, CarePlan, CarePlanVersion, PhasePlanEntry
from tests.factories import (
    ConsentFactory,
    MemberFactory,
    PatientFactory,
    RelativeLinkFactory,
    RepresentationFactory,
    TeamFactory,
    UserFactory,
)

NIGHT = "Legevakt 116 117. AMK 113."


def karis_plan_in_force(cast: Any) -> CarePlanVersion:
    """Kari's plan, version 1, in force: goals, roles, a phase plan for all three phases and
    two årshjul activities."""
    plan = CarePlan.objects.create(team=cast.team, version=1)
    today = timezone.localdate()
    version = CarePlanVersion.objects.create(
        plan=plan,
        number=1,
        status=CarePlanVersion.Status.IN_FORCE,
        goals=[{"id": 1, "text": "Jeg vil gå tur hver dag"}],
        roles=[{"name": "Cecilie", "role": "koordinator"}],
        period_start=today,
        period_end=today + dt.timedelta(days=365),
        created_by=cast.coordinator,
        in_force_at=timezone.now(),
    )
    coordinator = cast.team.members.get(user=cast.coordinator)
    PhasePlanEntry.objects.create(
        version=version,
        phase="red",
        signs="Jeg sover ikke og vil ikke leve",
        actions="Ring legevakten",
        actor=coordinator,
        call_office_hours="Cecilie 900 11 222",
        call_night=NIGHT,
    )
    PhasePlanEntry.objects.create(
        version=version, phase="yellow", signs="Jeg trekker meg unna", actions="Flere besøk"
    )
    PhasePlanEntry.objects.create(
        version=version, phase="green", signs="Jeg går tur", actions="Vanlig oppfølging"
    )
    AnnualActivity.objects.create(
        version=version,
        kind=AnnualActivity.Kind.EVALUATION,
        title="Evalueringsmøte",
        recurrence=AnnualActivity.Recurrence.EVERY_N_MONTHS,
        interval_months=6,
        responsible=coordinator,
    )
    AnnualActivity.objects.create(
        version=version,
        kind=AnnualActivity.Kind.CONSENT_RENEWAL,
        title="Fornye samtykke",
        recurrence=AnnualActivity.Recurrence.YEARLY,
        month=3,
    )
    return version


def child(age_years: int, days: int = 0) -> tuple[Patient, User]:
    """A patient who is ``age_years`` old today (minus ``days``), with a portal login and a team
    whose coordinator holds consent to share."""
    # add_months: on 29 February, a year without one gives the 28th, so the age is still exact.
    born = add_months(timezone.localdate(), -12 * age_years) + dt.timedelta(days=days)
    user = UserFactory(kind=User.Kind.PATIENT)
    patient = PatientFactory(birth_date=born, user=user)
    team = TeamFactory(patient=patient, status=Team.Status.ACTIVE)
    MemberFactory(team=team, user=team.created_by, role=Role.COORDINATOR)
    ConsentFactory(
        patient=patient,
        recorded_by=team.created_by,
        scope=Consent.Scope.TEAM_SHARING,
        given_by=Consent.GivenBy.GUARDIAN,
    )
    return patient, user


def parent_of(patient: Patient, relation: str = RelativeLink.Relation.PARENT) -> User:
    """A relative with full access; a parent with foreldreansvar or a guardian is recorded as
    the child's representative, anyone else is not."""
    parent = UserFactory(kind=User.Kind.RELATIVE)
    link = RelativeLinkFactory(
        patient=patient,
        relative=parent,
        relation=relation,
        created_by=parent,
        may_see_team=True,
        may_see_goals=True,
        may_see_plan=True,
    )
    if relation == RelativeLink.Relation.GUARDIAN:
        RepresentationFactory(
            relative_link=link,
            basis=Representation.Basis.GUARDIANSHIP,
            scope="Helse og personlige forhold",
        )
    elif relation == RelativeLink.Relation.PARENT:
        RepresentationFactory(relative_link=link)
    return parent
