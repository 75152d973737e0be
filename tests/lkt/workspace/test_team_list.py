"""The coordinator's "Mine aktørfellesskap": the teams a staff member may open, and how many she
is in that still wait for the patient's consent to sharing (counted per team of her own, never
against every team in LKT: actors.access.sees_team)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from actors.models import Consent, Role, Team
from actors.selectors import team_count_awaiting_consent, team_list_for_member
from tests.factories import ConsentFactory, MemberFactory, PatientFactory, TeamFactory

pytestmark = pytest.mark.django_db

WAITING = "venter på samtykke til deling"


def _team_without_consent(cast, role=Role.NURSE) -> Team:
    team = TeamFactory(
        patient=PatientFactory(name="Ola Uten Samtykke"),
        created_by=cast.coordinator,
        status=Team.Status.ACTIVE,
    )
    MemberFactory(team=team, user=cast.member, role=role)
    return team


def test_a_team_without_sharing_consent_is_counted_and_not_listed(cast):
    waiting = _team_without_consent(cast)

    assert [t.pk for t in team_list_for_member(cast.member)] == [cast.team.pk]
    assert team_count_awaiting_consent(cast.member) == 1
    assert waiting.pk not in [t.pk for t in team_list_for_member(cast.member)]


def test_the_consent_once_given_moves_the_team_into_the_list(cast):
    waiting = _team_without_consent(cast)
    ConsentFactory(
        patient=waiting.patient, recorded_by=cast.coordinator, scope=Consent.Scope.TEAM_SHARING
    )

    assert sorted(t.pk for t in team_list_for_member(cast.member)) == sorted(
        [cast.team.pk, waiting.pk]
    )
    assert team_count_awaiting_consent(cast.member) == 0


def test_a_coordinator_of_a_team_without_consent_sees_it_and_is_not_told_to_wait(cast):
    waiting = _team_without_consent(cast, role=Role.COORDINATOR)

    assert waiting.pk in [t.pk for t in team_list_for_member(cast.member)]
    assert team_count_awaiting_consent(cast.member) == 0


def test_closed_and_left_teams_do_not_wait(cast):
    closed = _team_without_consent(cast)
    closed.status, closed.closed_on = Team.Status.CLOSED, closed.established_on
    closed.save()
    left = _team_without_consent(cast)
    membership = left.members.get(user=cast.member)
    membership.left_on = membership.joined_on
    membership.save()

    assert team_count_awaiting_consent(cast.member) == 0


def test_the_page_says_how_many_wait(client, cast):
    _team_without_consent(cast)
    _team_without_consent(cast)
    client.force_login(cast.member)

    page = client.get(reverse("workspace:team-list")).content.decode()

    assert f"Du er med i 2 aktørfellesskap som {WAITING}" in page
