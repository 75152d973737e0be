"""Leaders see the teams of their organisation that miss a mandatory role, without patient data."""

from __future__ import annotations

import pytest
from django.urls import reverse

from actors.models import MANDATORY_ROLES, Member, Role, Team
from tests.conftest import client_for
from tests.factories import MemberFactory, OrganisationFactory, StaffFactory, TeamFactory

pytestmark = pytest.mark.django_db

# 1 session, 2 user, 3 the leader's organisations (actors.access.leader_organisations), 4 teams
# with role flags, 5 their coordinators.
LEADER_LIST_QUERIES = 5


def _complete_team(organisation):
    team = TeamFactory()
    for role in MANDATORY_ROLES:
        MemberFactory(team=team, user=StaffFactory(organisation=organisation), role=role)
    return team


def test_leader_sees_incomplete_teams_of_her_organisation_without_patient_names(cast):
    complete = _complete_team(cast.kommune)
    response = client_for(cast.leader).get(reverse("actors:incomplete-teams"))
    body = response.content.decode()
    assert response.status_code == 200
    assert f"#{cast.team.pk}" in body  # Kari's team lacks fastlege and the specialist roles
    assert f"#{complete.pk}<" not in body
    assert f"#{cast.other_team.pk}<" not in body  # another kommune's team
    assert "Kari Nordvik" not in body
    assert "Fastlege" in body
    assert "Cecilie" in body  # who to follow up with


def test_a_coordinator_from_outside_the_services_is_shown_by_organisation_not_name(cast):
    team = TeamFactory.create()
    MemberFactory(team=team, user=StaffFactory(organisation=cast.kommune), role=Role.NURSE)
    outside = OrganisationFactory(name="Frivilligsentralen Fjordvik", level="annen")
    MemberFactory(
        team=team,
        user=None,
        external_name="Sigrunn Aakervik",
        organisation=outside,
        level="annen",
        role=Role.COORDINATOR,
    )
    body = client_for(cast.leader).get(reverse("actors:incomplete-teams")).content.decode()
    assert f"#{team.pk}" in body
    assert "Frivilligsentralen Fjordvik" in body
    assert "Sigrunn Aakervik" not in body
    assert "Cecilie Testesen" in body  # Kari's coordinator is the kommune's own staff


def test_a_filled_role_takes_the_team_off_the_list(cast):
    for role in (Role.GP, Role.SPECIALIST_CONTACT, Role.INTERNAL_COORDINATOR):
        MemberFactory(team=cast.team, role=role)
    body = client_for(cast.leader).get(reverse("actors:incomplete-teams")).content.decode()
    assert f"#{cast.team.pk}<" not in body


@pytest.mark.parametrize("teams", [1, 30])
def test_the_list_uses_the_same_queries_for_1_and_30_teams(cast, teams, django_assert_num_queries):
    for _ in range(teams):
        team = TeamFactory()
        MemberFactory(
            team=team, user=StaffFactory(organisation=cast.kommune), role=Role.COORDINATOR
        )
    client = client_for(cast.leader)
    with django_assert_num_queries(LEADER_LIST_QUERIES):
        response = client.get(reverse("actors:incomplete-teams"))
    assert response.content.decode().count("<tr>") == teams + 2  # header, Kari's team, the rest


def test_the_status_report_is_offered_only_where_a_core_member_works_under_the_leader(cast):
    # Kari's coordinator Cecilie is a core member in the kommune: Leif may print the report.
    TeamFactory()
    other = Team.objects.latest("pk")
    MemberFactory(
        team=other,
        user=StaffFactory(organisation=cast.kommune),
        role=Role.OTHER,
        involvement=Member.Involvement.AS_NEEDED,
    )
    body = client_for(cast.leader).get(reverse("actors:incomplete-teams")).content.decode()
    assert f"#{other.pk}" in body
    assert reverse("coordination:status-report", args=[cast.team.pk]) in body
    assert reverse("coordination:status-report", args=[other.pk]) not in body
    assert (
        client_for(cast.leader)
        .get(reverse("coordination:status-report", args=[other.pk]))
        .status_code
        == 404
    )
