"""The night-service role in the access policy: staff at a legevakt or an AMK-sentral see no
team, only the crisis card of a patient they looked up, by consent or by break-glass."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from actors.access import (
    Action,
    CrisisAccess,
    can,
    crisis_team,
    is_night_service,
    record_crisis_access,
    sees_team,
    visible_patients,
)
from actors.models import Organisation, Team, User
from tests.conftest import Cast, client_for
from tests.coordination.crisis_helpers import consent_to_crisis_sharing, crisis_plan
from tests.factories import OrganisationFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("kind", "night"),
    [
        (Organisation.Kind.LEGEVAKT, True),
        (Organisation.Kind.AMK, True),
        (Organisation.Kind.KOMMUNE, False),
        (Organisation.Kind.SYKEHUSAVDELING, False),
    ],
)
def test_night_service_is_staff_at_a_legevakt_or_an_amk(kind: str, night: bool):
    user = StaffFactory(organisation=OrganisationFactory(kind=kind))
    assert is_night_service(user) is night


def test_no_organisation_no_patient_and_no_login_are_no_night_service():
    from django.contrib.auth.models import AnonymousUser

    assert is_night_service(StaffFactory(organisation=None)) is False
    assert is_night_service(UserFactory(kind=User.Kind.PATIENT)) is False
    assert is_night_service(AnonymousUser()) is False


def test_a_night_user_sees_no_patient_and_no_team(cast: Cast):
    consent_to_crisis_sharing(cast)
    assert list(visible_patients(cast.night)) == []
    assert list(Team.objects.filter(sees_team(cast.night))) == []
    kari = cast.team.patient
    for action in Action:
        assert can(cast.night, action, kari) is False, action


@pytest.mark.parametrize(
    ("role", "consent", "expected"),
    [
        ("night", True, CrisisAccess.CONSENTED),
        ("night", False, CrisisAccess.BREAK_GLASS),
        ("member", False, CrisisAccess.TEAM),
        ("coordinator", True, CrisisAccess.TEAM),
        ("outsider", True, CrisisAccess.NONE),
        ("leader", True, CrisisAccess.NONE),
    ],
)
def test_crisis_access_by_standing_and_consent(
    cast: Cast, role: str, consent: bool, expected: CrisisAccess
):
    if consent:
        consent_to_crisis_sharing(cast)
    found = crisis_team(cast.user(role), patient_pk=cast.team.patient.pk)
    assert found is not None
    assert found[1].access == expected


@pytest.mark.parametrize("role", ["patient", "relative", "anonymous"])
def test_crisis_access_is_for_staff_only(cast: Cast, role: str):
    consent_to_crisis_sharing(cast)
    assert crisis_team(cast.user(role), patient_pk=cast.team.patient.pk) is None


def test_the_policy_refuses_a_crisis_row_without_reason_or_access(cast: Cast):
    kari = cast.team.patient
    with pytest.raises(PermissionDenied):
        record_crisis_access(cast.night, kari, CrisisAccess.BREAK_GLASS, reason=" ")
    with pytest.raises(Http404):
        record_crisis_access(cast.outsider, kari, CrisisAccess.NONE, reason="x")


def test_staff_in_the_team_may_view_the_crisis_card_action(cast: Cast):
    kari = cast.team.patient
    assert can(cast.member, Action.VIEW_CRISIS_CARD, kari)
    assert not can(cast.patient, Action.VIEW_CRISIS_CARD, kari)
    assert not can(cast.relative, Action.VIEW_CRISIS_CARD, kari)


def test_having_opened_the_card_the_night_user_still_gets_404_everywhere_else(cast: Cast):
    crisis_plan(cast)
    consent_to_crisis_sharing(cast)
    client = client_for(cast.night)
    found = client.post(
        reverse("coordination:crisis-lookup"), {"national_id": cast.team.patient.national_id}
    )
    opened = client.post(found["Location"], {"reason": "Pasienten er her nå"})
    assert client.get(opened["Location"]).status_code == 200
    kari, team = cast.team.patient.pk, cast.team.pk
    for name, args in [
        ("workspace:team-detail", [team]),
        ("careplans:plan", [team]),
        ("careplans:good-day", [kari]),
        ("workspace:portal-overview", [kari]),
        ("workspace:portal-plan", [kari]),
        ("workspace:portal-access-log", [kari]),
        ("coordination:team-meetings", [team]),
        ("coordination:crisis-card-team", [team]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404, name
    assert client.get(reverse("api:team-detail", args=[team])).status_code == 404
