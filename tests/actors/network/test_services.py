"""Rules of the network services (element B): bad input gets a clear Norwegian message and
nothing is saved; every write is authorised and audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from actors.models import CommunicationLine, Member, Patient, Perspective, Role, Scenario, Team
from actors.network import services as network_services
from actors.network.selectors import add_months
from careplans.good_day import perspective_services
from careplans.models import Challenge
from lkt.models import AccessLog
from tests.conftest import Cast
from tests.factories import ConsentFactory, MemberFactory, PatientFactory

pytestmark = pytest.mark.django_db

Channel = CommunicationLine.Channel
Frequency = CommunicationLine.Frequency


def cecilie(cast: Cast) -> Member:
    return cast.team.members.get(user=cast.coordinator)


def tor(cast: Cast) -> Member:
    return cast.team.members.get(user=cast.member)


def neighbour(cast: Cast) -> Member:
    """Nabo Nils: an external actor without login."""
    return MemberFactory.create(
        team=cast.team, user=None, external_name="Nabo Nils", role=Role.NEIGHBOUR
    )


def challenge(cast: Cast, text: str = "Jeg sover dårlig") -> Challenge:
    return Challenge.objects.create(patient=cast.team.patient, text=text)


def add_line(cast: Cast, **kwargs) -> CommunicationLine:
    fields = {
        "actor": cast.member,
        "team": cast.team,
        "from_member": tor(cast),
        "to_member": cecilie(cast),
        "channel": Channel.PHONE,
        "frequency": Frequency.WEEKLY,
        **kwargs,
    }
    return network_services.communication_line_add(**fields)


# Communication lines


def test_a_member_records_a_line_to_the_coordinator_and_it_is_audited(cast):
    line = add_line(cast, note="  Etter hvert møte  ")
    assert line.team == cast.team
    assert line.note == "Etter hvert møte"
    assert line.created_by == cast.member
    assert AccessLog.objects.filter(
        user=cast.member, patient=cast.team.patient, action="change", object_type="actors.team"
    ).exists()


def test_a_line_to_an_actor_of_another_team_is_refused_and_nothing_is_saved(cast):
    stranger = cast.other_team.members.get()
    with pytest.raises(ValidationError) as error:
        add_line(cast, to_member=stranger)
    assert error.value.message_dict == {
        "to_member": ["Aktøren hører ikke til dette aktørfellesskapet."]
    }
    assert not CommunicationLine.objects.exists()


def test_a_line_from_a_member_who_has_left_is_refused(cast):
    former = MemberFactory.create(
        team=cast.team, left_on=timezone.localdate(), end_reason="Ny jobb"
    )
    with pytest.raises(ValidationError) as error:
        add_line(cast, from_member=former)
    assert "har sluttet i aktørfellesskapet" in error.value.message_dict["from_member"][0]
    assert not CommunicationLine.objects.exists()


def test_a_line_from_an_actor_to_themself_is_refused(cast):
    with pytest.raises(ValidationError, match="to ulike aktører"):
        add_line(cast, to_member=tor(cast))


def test_a_second_open_line_with_the_same_channel_gets_the_constraints_message(cast):
    add_line(cast)
    with pytest.raises(ValidationError, match="Denne linjen finnes allerede"):
        add_line(cast)
    assert CommunicationLine.objects.count() == 1
    # Another channel between the same two is another line.
    add_line(cast, channel=Channel.EMAIL)
    assert CommunicationLine.objects.count() == 2


def test_ending_a_line_keeps_it_as_history_and_frees_the_pair_for_a_new_line(cast):
    line = add_line(cast)
    network_services.communication_line_end(actor=cast.coordinator, line=line)
    line.refresh_from_db()
    assert line.ended_on == timezone.localdate()
    add_line(cast)
    assert CommunicationLine.objects.count() == 2
    with pytest.raises(ValidationError, match="allerede avsluttet"):
        network_services.communication_line_end(actor=cast.coordinator, line=line)


def test_outsiders_get_404_and_the_patient_or_a_relative_get_403_when_adding_a_line(cast):
    with pytest.raises(Http404):
        add_line(cast, actor=cast.outsider)
    with pytest.raises(PermissionDenied):
        add_line(cast, actor=cast.relative)
    with pytest.raises(PermissionDenied):
        add_line(cast, actor=cast.patient)
    assert not CommunicationLine.objects.exists()


def test_without_consent_to_sharing_not_even_the_coordinator_edits_the_network(cast):
    cast.team.patient.consents.filter(scope="team_sharing").update(withdrawn_at=timezone.now())
    with pytest.raises(PermissionDenied):
        add_line(cast, actor=cast.coordinator)


# Perspectives


def test_a_member_writes_and_then_updates_their_own_perspective(cast):
    sleep = challenge(cast)
    perspective_services.perspective_save(
        actor=cast.member, member=tor(cast), challenge=sleep, text=" Uro om natta ", importance=4
    )
    perspective_services.perspective_save(
        actor=cast.member, member=tor(cast), challenge=sleep, text="Angst om natta", importance=5
    )
    perspective = Perspective.objects.get()
    assert (perspective.text, perspective.importance) == ("Angst om natta", 5)
    assert perspective.updated_by == cast.member
    assert (
        AccessLog.objects.filter(
            user=cast.member, action="change", object_type="careplans.challenge"
        ).count()
        == 2
    )


@pytest.mark.parametrize("importance", [0, 6, -1])
def test_importance_outside_one_to_five_is_refused_with_a_clear_message(cast, importance):
    with pytest.raises(ValidationError) as error:
        perspective_services.perspective_save(
            actor=cast.member,
            member=tor(cast),
            challenge=challenge(cast),
            text="Uro",
            importance=importance,
        )
    assert error.value.message_dict == {"importance": ["Viktighet må være et tall fra 1 til 5."]}
    assert not Perspective.objects.exists()


def test_an_empty_or_oversized_perspective_is_refused(cast):
    sleep = challenge(cast)
    for text, message in [("   ", "Skriv kort"), ("x" * 501, "høyst 500 tegn")]:
        with pytest.raises(ValidationError, match=message):
            perspective_services.perspective_save(
                actor=cast.member, member=tor(cast), challenge=sleep, text=text, importance=3
            )
    assert not Perspective.objects.exists()


def test_the_coordinator_records_an_external_actors_perspective_but_not_a_colleagues(cast):
    sleep = challenge(cast)
    nils = neighbour(cast)
    perspective_services.perspective_save(
        actor=cast.coordinator,
        member=nils,
        challenge=sleep,
        text="Hører henne om natta",
        importance=3,
    )
    assert Perspective.objects.get().member == nils
    with pytest.raises(PermissionDenied):
        perspective_services.perspective_save(
            actor=cast.coordinator, member=tor(cast), challenge=sleep, text="X", importance=1
        )


def test_a_member_may_not_write_for_an_external_actor(cast):
    with pytest.raises(PermissionDenied):
        perspective_services.perspective_save(
            actor=cast.member,
            member=neighbour(cast),
            challenge=challenge(cast),
            text="X",
            importance=2,
        )


def test_a_retired_challenge_or_another_patients_challenge_takes_no_perspective(cast):
    retired = Challenge.objects.create(
        patient=cast.team.patient, text="Gammel", retired_at=timezone.now()
    )
    foreign = Challenge.objects.create(patient=cast.other_team.patient, text="Ola sin")
    for item, message in [(retired, "tatt bort"), (foreign, "gjelder ikke denne pasienten")]:
        with pytest.raises(ValidationError, match=message):
            perspective_services.perspective_save(
                actor=cast.member, member=tor(cast), challenge=item, text="X", importance=2
            )
    assert not Perspective.objects.exists()


def test_the_patient_and_a_relative_cannot_write_perspectives(cast):
    sleep = challenge(cast)
    nils = neighbour(cast)
    for user in (cast.patient, cast.relative):
        with pytest.raises(PermissionDenied):
            perspective_services.perspective_save(
                actor=user, member=nils, challenge=sleep, text="X", importance=2
            )
    with pytest.raises(Http404):
        perspective_services.perspective_save(
            actor=cast.outsider, member=nils, challenge=sleep, text="X", importance=2
        )


# Scenarios


def test_a_planned_discharge_is_added_with_its_plan_and_audited(cast):
    day = timezone.localdate() + dt.timedelta(days=30)
    scenario = network_services.scenario_add(
        actor=cast.member,
        team=cast.team,
        kind=Scenario.Kind.DISCHARGE,
        expected_on=day,
        description="Utskrivning fra DPS",
        what_then="Hjemmetjenesten kommer daglig første uke.",
        responsible=cecilie(cast),
    )
    assert scenario.is_prepared
    assert AccessLog.objects.filter(user=cast.member, action="change").exists()


def test_a_planned_transition_in_the_past_or_without_description_is_refused(cast):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    with pytest.raises(ValidationError, match="Datoen har vært"):
        network_services.scenario_add(
            actor=cast.member,
            team=cast.team,
            kind=Scenario.Kind.SCHOOL_CHANGE,
            expected_on=yesterday,
            description="Ny skole",
        )
    with pytest.raises(ValidationError, match="Beskriv kort"):
        network_services.scenario_add(
            actor=cast.member,
            team=cast.team,
            kind=Scenario.Kind.SCHOOL_CHANGE,
            expected_on=timezone.localdate(),
            description=" ",
        )
    with pytest.raises(ValidationError, match="utskrivning, skolebytte"):
        network_services.scenario_add(
            actor=cast.member,
            team=cast.team,
            kind=Scenario.Kind.TURNING_18,
            expected_on=timezone.localdate(),
            description="X",
        )
    assert not Scenario.objects.exists()


def test_preparing_a_leaving_member_creates_the_row_once_and_then_updates_it(cast):
    leaving_on = add_months(timezone.localdate(), 2)
    Member.objects.filter(pk=tor(cast).pk).update(expected_leave_on=leaving_on)
    for text in ("Cecilie tar over", "Cecilie tar over, overlapp i to uker"):
        network_services.scenario_prepare_detected(
            actor=cast.coordinator,
            team=cast.team,
            kind=Scenario.Kind.MEMBER_LEAVING,
            member=tor(cast),
            what_then=text,
            responsible=cecilie(cast),
        )
    scenario = Scenario.objects.get()
    assert (scenario.member, scenario.expected_on) == (tor(cast), leaving_on)
    assert scenario.what_then == "Cecilie tar over, overlapp i to uker"
    assert scenario.is_prepared


def test_a_plan_needs_a_what_then_and_a_responsible_actor_in_the_team(cast):
    Member.objects.filter(pk=tor(cast).pk).update(expected_leave_on=timezone.localdate())
    former = MemberFactory.create(
        team=cast.team, left_on=timezone.localdate(), end_reason="Flyttet"
    )
    attempts = [
        ({"what_then": "  ", "responsible": None}, "what_then"),
        ({"what_then": "x" * 2001, "responsible": None}, "what_then"),
        ({"what_then": "Plan", "responsible": former}, "responsible"),
        ({"what_then": "Plan", "responsible": cast.other_team.members.get()}, "responsible"),
    ]
    for kwargs, field in attempts:
        with pytest.raises(ValidationError) as error:
            network_services.scenario_prepare_detected(
                actor=cast.member,
                team=cast.team,
                kind=Scenario.Kind.MEMBER_LEAVING,
                member=tor(cast),
                **kwargs,
            )
        assert list(error.value.message_dict) == [field]
    assert not Scenario.objects.exists()


def test_an_age_transition_already_passed_cannot_be_prepared(cast):
    Patient.objects.filter(pk=cast.team.patient_id).update(birth_date=dt.date(1990, 5, 1))
    cast.team.patient.refresh_from_db()
    with pytest.raises(ValidationError, match="allerede fylt 18"):
        network_services.scenario_prepare_detected(
            actor=cast.member, team=cast.team, kind=Scenario.Kind.TURNING_18, what_then="X"
        )


def test_turning_16_is_prepared_on_the_patients_birthday(cast):
    turns_16 = add_months(timezone.localdate(), 3)
    teen = PatientFactory.create(birth_date=turns_16.replace(year=turns_16.year - 16))
    team = Team.objects.create(
        patient=teen, created_by=cast.coordinator, established_on=timezone.localdate()
    )
    MemberFactory.create(team=team, user=cast.coordinator, role=Role.COORDINATOR)
    ConsentFactory.create(patient=teen, recorded_by=cast.coordinator, given_by="guardian")
    scenario = network_services.scenario_prepare_detected(
        actor=cast.coordinator,
        team=team,
        kind=Scenario.Kind.TURNING_16,
        what_then="Snakke med henne om samtykke alene",
        responsible=team.members.get(),
    )
    assert scenario.expected_on == turns_16
    assert scenario.member is None


def test_a_scenario_of_another_team_is_not_prepared_by_an_outsider(cast):
    scenario = network_services.scenario_add(
        actor=cast.member,
        team=cast.team,
        kind=Scenario.Kind.OTHER,
        expected_on=timezone.localdate(),
        description="Flytting",
    )
    with pytest.raises(Http404):
        network_services.scenario_prepare(actor=cast.outsider, scenario=scenario, what_then="X")
    with pytest.raises(PermissionDenied):
        network_services.scenario_prepare(actor=cast.relative, scenario=scenario, what_then="X")
    scenario.refresh_from_db()
    assert scenario.what_then == ""
