"""The network reads: the matching classifier, scenario detection, continuity warnings, the
communication warnings, and the query budgets of the three sections."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from actors.models import CommunicationLine, Consent, Member, Perspective, Role, Scenario
from actors.network.selectors import (
    ScenarioKey,
    add_months,
    birthday,
    communication_overview,
    continuity_warnings,
    continuity_warnings_for_teams,
    detect_scenarios,
    parse_scenario_key,
    scenario_key,
)
from actors.selectors import team_get
from careplans.good_day.perspective_selectors import (
    Matching,
    classify_matching,
    perspective_matching,
)
from careplans.models import Challenge
from tests.conftest import KEYED_PLANS, Cast, client_for
from tests.factories import (
    ConsentFactory,
    MemberFactory,
    OrganisationFactory,
    PatientFactory,
    StaffFactory,
    TeamFactory,
)

Channel = CommunicationLine.Channel


# The matching classifier (pure)


@pytest.mark.parametrize(
    ("importances", "expected"),
    [
        ([], Matching.TOO_FEW),
        ([5], Matching.TOO_FEW),
        ([3, 3], Matching.AGREED),
        ([4, 5, 4], Matching.AGREED),
        ([2, 4], Matching.PARTIAL),
        ([1, 3, 2], Matching.PARTIAL),
        ([1, 4], Matching.DIVERGENT),
        ([1, 5, 3, 3], Matching.DIVERGENT),
    ],
)
def test_matching_is_classified_by_the_spread_of_importance(importances, expected):
    assert classify_matching(importances) == expected


def test_each_matching_has_a_norwegian_label_and_a_colour():
    assert str(Matching.AGREED.label) == "Samstemt"
    assert str(Matching.DIVERGENT.label) == "Sprikende"
    assert str(Matching.TOO_FEW.label) == "For få perspektiver"
    assert {m.color for m in Matching} == {"success", "warning", "danger", "neutral"}


# Scenario detection (pure)

TODAY = dt.date(2025, 3, 15)


def _member(**kwargs) -> Member:
    return Member(pk=kwargs.pop("pk", 1), role=Role.NURSE, joined_on=TODAY, **kwargs)


def test_a_member_leaving_in_five_months_is_detected_and_in_seven_months_is_not():
    soon = _member(pk=1, expected_leave_on=add_months(TODAY, 5))
    later = _member(pk=2, expected_leave_on=add_months(TODAY, 7))
    found = detect_scenarios(today=TODAY, birth_date=dt.date(1980, 1, 1), members=[soon, later])
    assert [(d.kind, d.member) for d in found] == [(Scenario.Kind.MEMBER_LEAVING, soon)]


def test_a_member_past_their_leave_date_but_still_in_the_team_is_detected():
    overdue = _member(expected_leave_on=TODAY - dt.timedelta(days=3))
    found = detect_scenarios(today=TODAY, birth_date=dt.date(1980, 1, 1), members=[overdue])
    assert [d.member for d in found] == [overdue]


def test_a_member_who_has_left_raises_no_scenario():
    gone = _member(expected_leave_on=TODAY, left_on=TODAY)
    assert detect_scenarios(today=TODAY, birth_date=dt.date(1980, 1, 1), members=[gone]) == []


def test_a_patient_turning_16_in_three_months_is_detected():
    birth = dt.date(2009, 6, 15)  # 16 on 15 June 2025
    found = detect_scenarios(today=TODAY, birth_date=birth, members=[])
    assert [(d.kind, d.expected_on) for d in found] == [
        (Scenario.Kind.TURNING_16, dt.date(2025, 6, 15))
    ]


def test_a_patient_turning_18_in_seven_months_is_not_yet_detected():
    birth = dt.date(2007, 10, 15)
    assert detect_scenarios(today=TODAY, birth_date=birth, members=[]) == []


def test_a_birthday_already_passed_raises_no_scenario():
    birth = dt.date(2007, 3, 14)  # turned 18 yesterday
    assert detect_scenarios(today=TODAY, birth_date=birth, members=[]) == []


def test_dates_are_counted_in_calendar_months():
    assert add_months(dt.date(2025, 8, 31), 6) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2025, 1, 15), 13) == dt.date(2026, 2, 15)
    assert birthday(dt.date(2008, 2, 29), 16) == dt.date(2024, 2, 29)
    assert birthday(dt.date(2008, 2, 29), 18) == dt.date(2026, 3, 1)


def test_scenario_keys_round_trip():
    assert parse_scenario_key(scenario_key(Scenario.Kind.MEMBER_LEAVING, 7)) == ScenarioKey(
        kind="member_leaving", member_id=7
    )
    assert parse_scenario_key(scenario_key(Scenario.Kind.TURNING_16)) == ScenarioKey(
        kind="turning_16"
    )
    assert parse_scenario_key(scenario_key(Scenario.Kind.OTHER, scenario_id=3)) == ScenarioKey(
        scenario_id=3
    )
    assert parse_scenario_key("turning_17") is None
    assert parse_scenario_key("s-x") is None


# Reads against the database


def _tor(cast: Cast) -> Member:
    return cast.team.members.get(user=cast.member)


def _cecilie(cast: Cast) -> Member:
    return cast.team.members.get(user=cast.coordinator)


def _line(cast: Cast, source: Member, target: Member, channel: str = Channel.PHONE):
    return CommunicationLine.objects.create(
        team=cast.team,
        from_member=source,
        to_member=target,
        channel=channel,
        frequency=CommunicationLine.Frequency.WEEKLY,
        created_by=cast.coordinator,
    )


@pytest.mark.django_db
def test_an_actor_without_a_direct_line_to_the_coordinator_is_listed(cast):
    overview = communication_overview(team_get(cast.coordinator, cast.team.pk))
    assert overview.without_coordinator_line == [_tor(cast)]
    _line(cast, _cecilie(cast), _tor(cast))
    overview = communication_overview(team_get(cast.coordinator, cast.team.pk))
    assert overview.without_coordinator_line == []


@pytest.mark.django_db
def test_a_line_via_the_patient_is_no_direct_line_and_is_warned_about(cast):
    line = _line(cast, _tor(cast), _cecilie(cast), Channel.VIA_PATIENT)
    overview = communication_overview(team_get(cast.coordinator, cast.team.pk))
    assert overview.via_patient == [line]
    assert overview.without_coordinator_line == [_tor(cast)]


@pytest.mark.django_db
def test_an_ended_line_is_history_and_no_longer_counts(cast):
    line = _line(cast, _tor(cast), _cecilie(cast))
    CommunicationLine.objects.filter(pk=line.pk).update(ended_on=timezone.localdate())
    overview = communication_overview(team_get(cast.coordinator, cast.team.pk))
    assert overview.open_lines == []
    assert overview.ended_lines == [line]
    assert overview.without_coordinator_line == [_tor(cast)]


@pytest.mark.django_db
def test_matching_lists_who_has_not_answered_and_ignores_former_actors_and_retired_challenges(
    cast,
):
    sleep = Challenge.objects.create(patient=cast.team.patient, text="Jeg sover dårlig")
    Challenge.objects.create(patient=cast.team.patient, text="Gammel", retired_at=timezone.now())
    former = MemberFactory.create(
        team=cast.team, left_on=timezone.localdate(), end_reason="Ny jobb"
    )
    given: list[tuple[Member, int]] = [(_tor(cast), 2), (former, 5)]
    for member, importance in given:
        Perspective.objects.create(
            member=member,
            challenge=sleep,
            text="Uro",
            importance=importance,
            updated_by=cast.member,
        )
    [item] = perspective_matching(team_get(cast.coordinator, cast.team.pk))
    assert item.challenge == sleep
    assert [row.member for row in item.given] == [_tor(cast)]
    assert item.missing == [_cecilie(cast)]
    assert item.matching == Matching.TOO_FEW


@pytest.mark.django_db
def test_continuity_warnings_count_scenarios_without_a_plan_or_a_responsible_actor(cast):
    tor = _tor(cast)
    Member.objects.filter(pk=tor.pk).update(expected_leave_on=add_months(timezone.localdate(), 2))
    assert continuity_warnings(cast.team) == 1
    scenario = Scenario.objects.create(
        team=cast.team,
        kind=Scenario.Kind.MEMBER_LEAVING,
        member=tor,
        expected_on=add_months(timezone.localdate(), 2),
        what_then="Cecilie tar over",
        updated_by=cast.coordinator,
    )
    assert continuity_warnings(cast.team) == 1  # no responsible yet
    scenario.responsible = _cecilie(cast)
    scenario.save()
    assert continuity_warnings(cast.team) == 0
    # A responsible actor who leaves takes the plan with them.
    Member.objects.filter(pk=_cecilie(cast).pk).update(left_on=timezone.localdate())
    assert continuity_warnings(cast.team) == 1


@pytest.mark.django_db
def test_a_planned_transition_counts_until_its_date_has_passed(cast):
    Scenario.objects.create(
        team=cast.team,
        kind=Scenario.Kind.DISCHARGE,
        expected_on=timezone.localdate() + dt.timedelta(days=10),
        description="Utskrivning",
        updated_by=cast.coordinator,
    )
    Scenario.objects.create(
        team=cast.team,
        kind=Scenario.Kind.SCHOOL_CHANGE,
        expected_on=timezone.localdate() - dt.timedelta(days=10),
        description="Ny skole",
        updated_by=cast.coordinator,
    )
    assert continuity_warnings(cast.team) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("teams", [1, 20])
def test_continuity_warnings_use_two_queries_for_any_number_of_teams(
    teams, django_assert_num_queries
):
    coordinator = StaffFactory.create()
    all_teams = []
    for _ in range(teams):
        team = TeamFactory.create(created_by=coordinator)
        MemberFactory.create(
            team=team,
            role=Role.GP,
            expected_leave_on=add_months(timezone.localdate(), 1),
        )
        all_teams.append(team)
    # The teams' patients are loaded; 1 active members, 2 saved scenarios.
    with django_assert_num_queries(2):
        counts = continuity_warnings_for_teams(all_teams)
    assert counts == {team.pk: 1 for team in all_teams}


# Query budgets of the three sections: the same with 3 and with 40 members.

# Every section partial starts from the team page's reads: 1 session, 2 user, 3 team with
# patient and the viewer's standing, 4 the audit row, and the transaction of keyed plans.
# Then each section's own, all starting
# with 5 the members with user and organisation:
#  kommunikasjon: 6 the team's lines.
#  perspektiver: 6 the current challenges, 7 the active actors' perspectives on them.
#  scenarier: 6 the team's saved scenarios.
PAGE_QUERIES = 4 + KEYED_PLANS
SECTION_QUERIES = {"kommunikasjon": 2, "perspektiver": 3, "scenarier": 2}


def _busy_team(members: int):
    """A team where every actor has a line, a perspective on each of two challenges and, for
    every third actor, a scenario: enough rows to reveal a query per row."""
    coordinator = StaffFactory.create()
    # The patient turns 16 in two months: one more scenario.
    patient = PatientFactory.create(birth_date=birthday(add_months(timezone.localdate(), 2), -16))
    team = TeamFactory.create(patient=patient, created_by=coordinator)
    ConsentFactory.create(
        patient=patient, recorded_by=coordinator, scope=Consent.Scope.TEAM_SHARING
    )
    lead = MemberFactory.create(team=team, user=coordinator, role=Role.COORDINATOR)
    challenges = [
        Challenge.objects.create(patient=patient, text=f"Utfordring {i}") for i in range(2)
    ]
    organisations = [OrganisationFactory.create() for _ in range(3)]
    leave_on = add_months(timezone.localdate(), 3)
    for i in range(members - 1):
        member = MemberFactory.create(
            team=team,
            organisation=organisations[i % 3],
            role=Role.NURSE,
            expected_leave_on=leave_on if i % 3 == 0 else None,
        )
        CommunicationLine.objects.create(
            team=team,
            from_member=member,
            to_member=lead,
            channel=Channel.VIA_PATIENT if i % 2 else Channel.PHONE,
            frequency=CommunicationLine.Frequency.MONTHLY,
            created_by=coordinator,
        )
        for challenge in challenges:
            Perspective.objects.create(
                member=member,
                challenge=challenge,
                text="Slik ser jeg det",
                importance=1 + i % 5,
                updated_by=coordinator,
            )
        if i % 3 == 0:
            Scenario.objects.create(
                team=team,
                kind=Scenario.Kind.MEMBER_LEAVING,
                member=member,
                expected_on=leave_on,
                what_then="Overlapp",
                responsible=lead,
                updated_by=coordinator,
            )
    Perspective.objects.create(
        member=lead,
        challenge=challenges[0],
        text="Min vurdering",
        importance=3,
        updated_by=coordinator,
    )
    return team, coordinator


@pytest.mark.django_db
@pytest.mark.parametrize("members", [3, 40])
@pytest.mark.parametrize("key", sorted(SECTION_QUERIES))
def test_each_network_section_uses_the_same_queries_for_3_and_40_members(
    key, members, django_assert_num_queries
):
    team, coordinator = _busy_team(members)
    client = client_for(coordinator)
    with django_assert_num_queries(PAGE_QUERIES + SECTION_QUERIES[key]):
        response = client.get(
            reverse(f"workspace:team-{key}", args=[team.pk]), headers={"HX-Request": "true"}
        )
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="{key}-heading"' in body
    assert body.count("Testesen") >= members - 1  # every actor is shown by name
