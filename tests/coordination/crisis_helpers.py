"""A full crisis plan for Kari, with text on every side of the plan that the crisis card must
NOT show (Min gode dag, goals, the members list, meeting minutes)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from actors.models import Consent, Member
from careplans.models import Goal, GoodDay, GoodDayVersion, Phase, PhaseChange, PhasePlanEntry
from coordination.models import Meeting
from coordination.night.crisis_services import crisis_card_open, crisis_step_get, lookup_token
from tests.careplans.phase_helpers import version_for
from tests.conftest import Cast
from tests.factories import ConsentFactory, MemberFactory, StaffFactory

GOOD_DAY_TEXT = "Kaffe på trappa med katten"
GOAL_TEXT = "Gå tur med hunden hver dag"
MINUTES_TEXT = "Referat: vi snakket om bolig"
OUTSIDE_MEMBER = "Fysioterapeut Frida"
RED_SIGNS = "Slutter å spise og svarer ikke på telefon"
RED_ACTIONS = "Ta henne til legevakten, ikke la henne være alene"
YELLOW_SIGNS = "Sover under fire timer"
GREEN_SIGNS = "Jobber tre dager i uka"
WISHES = "Ring søsteren min Lise, ikke politiet hvis det kan unngås"
CALL_NIGHT = "AMK 113, Tor (primærkontakt) 987 65 432"


def crisis_plan(cast: Cast, *, extra_members: int = 0) -> None:
    """Kari's plan in force with all three phases; Tor is the named night contact in rød; the
    team is in gul now. Min gode dag, a goal, an outside member and minutes exist beside it."""
    cast.coordinator.phone = "+4791234567"
    cast.coordinator.save(update_fields=["phone"])
    cast.member.phone = "+4798765432"
    cast.member.save(update_fields=["phone"])
    team = cast.team
    tor = team.members.get(user=cast.member)
    MemberFactory(team=team, user=StaffFactory(first_name="Fysioterapeut", last_name="Frida"))
    for _ in range(extra_members):
        MemberFactory(team=team)
    version = version_for(team, cast.coordinator, status="in_force", goals=[{"text": GOAL_TEXT}])
    PhasePlanEntry.objects.create(
        version=version, phase=Phase.GREEN, signs=GREEN_SIGNS, actions="Vanlig oppfølging"
    )
    PhasePlanEntry.objects.create(
        version=version,
        phase=Phase.YELLOW,
        signs=YELLOW_SIGNS,
        actions="Tettere kontakt",
        actor=tor,
    )
    PhasePlanEntry.objects.create(
        version=version,
        phase=Phase.RED,
        signs=RED_SIGNS,
        actions=RED_ACTIONS,
        actor=tor,
        night_contact=tor,
        call_night=CALL_NIGHT,
        patient_wishes=WISHES,
    )
    PhaseChange.objects.create(
        team=team, phase=Phase.YELLOW, reason="Sover dårlig", changed_by=cast.coordinator
    )
    kari = team.patient
    document = GoodDay.objects.create(patient=kari)
    GoodDayVersion.objects.create(
        document=document, number=1, good_day=GOOD_DAY_TEXT, written_by=cast.patient
    )
    Goal.objects.create(patient=kari, text=GOAL_TEXT, wish="Orke mer")
    members = team.members
    Meeting.objects.create(
        team=team,
        kind=Meeting.Kind.RESPONSIBILITY_GROUP,
        starts_at=timezone.now() - dt.timedelta(days=7),
        place="Helsehuset",
        leader=members.get(user=cast.coordinator),
        referent=members.get(user=cast.member),
        created_by=cast.coordinator,
        minutes=MINUTES_TEXT,
    )


def consent_to_crisis_sharing(cast: Cast) -> Consent:
    return ConsentFactory(
        patient=cast.team.patient, recorded_by=cast.coordinator, scope=Consent.Scope.CRISIS_PLAN
    )


def lookup_url(cast: Cast) -> str:
    from django.urls import reverse

    return reverse(
        "coordination:crisis-access", args=[lookup_token(cast.night, cast.team.patient.pk)]
    )


def card_token(cast: Cast, reason: str = "Pasienten er på legevakten nå") -> str:
    """Nils opens Kari's card as the policy lets him now (by her consent, or break-glass) and
    gets the link to it; the opening writes its audit row."""
    step = crisis_step_get(cast.night, patient_pk=cast.team.patient.pk)
    return crisis_card_open(actor=cast.night, step=step, reason=reason, emergency=True)


def card_url(cast: Cast) -> str:
    from django.urls import reverse

    return reverse("coordination:crisis-card", args=[card_token(cast)])


def tor(cast: Cast) -> Member:
    return cast.team.members.get(user=cast.member)
