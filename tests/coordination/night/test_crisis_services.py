"""Opening the crisis card: consent or break-glass, the reason, the audit rows, the signed
steps bound to one user and one patient (the lookup's rate limit: tests/lkt/core/test_throttling.py)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404
from django.utils import timezone

from actors.access import (
    CRISIS_CARD,
    CrisisAccess,
    CrisisStanding,
    crisis_grant_holds,
    crisis_team,
    record_crisis_access,
)
from actors.models import Consent, Organisation, Team, User
from coordination.night import crisis_services as services
from coordination.night.crisis_selectors import (
    Contact,
    crisis_card_for_grant,
    crisis_card_get,
    crisis_patient_find,
)
from lkt.models import AccessLog
from tests.conftest import Cast
from tests.coordination.crisis_helpers import (
    CALL_NIGHT,
    RED_ACTIONS,
    RED_SIGNS,
    WISHES,
    consent_to_crisis_sharing,
    crisis_plan,
)
from tests.factories import OrganisationFactory, PatientFactory

pytestmark = pytest.mark.django_db


def _crisis_rows(cast: Cast) -> list[AccessLog]:
    return list(AccessLog.objects.filter(patient=cast.team.patient, object_type=CRISIS_CARD))


def test_with_consent_the_card_opens_with_a_reason_logged_as_a_view(cast: Cast):
    consent_to_crisis_sharing(cast)
    step = services.crisis_step_get(cast.night, patient_pk=cast.team.patient.pk)
    assert step.access == CrisisAccess.CONSENTED

    services.crisis_card_open(
        actor=cast.night, step=step, reason="Pasienten er på legevakten nå", emergency=False
    )

    [row] = _crisis_rows(cast)
    assert (row.action, row.user, row.reason) == (
        AccessLog.Action.VIEW,
        cast.night,
        "Pasienten er på legevakten nå",
    )


def test_without_consent_only_break_glass_with_the_paragraph_7_confirmation(cast: Cast):
    step = services.crisis_step_get(cast.night, patient_pk=cast.team.patient.pk)
    assert step.break_glass

    with pytest.raises(ValidationError) as error:
        services.crisis_card_open(
            actor=cast.night, step=step, reason="Bevisstløs, trenger plan", emergency=False
        )
    assert "emergency" in error.value.message_dict
    assert _crisis_rows(cast) == []

    services.crisis_card_open(
        actor=cast.night, step=step, reason="Bevisstløs, trenger plan", emergency=True
    )
    [row] = _crisis_rows(cast)
    assert row.action == AccessLog.Action.BREAK_GLASS
    assert (row.patient, row.user, row.reason) == (
        cast.team.patient,
        cast.night,
        "Bevisstløs, trenger plan",
    )


def test_a_withdrawn_crisis_consent_means_break_glass_again(cast: Cast):
    consent = consent_to_crisis_sharing(cast)
    Consent.objects.filter(pk=consent.pk).update(withdrawn_at=consent.given_at)
    step = services.crisis_step_get(cast.night, patient_pk=cast.team.patient.pk)
    assert step.break_glass


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_reason_is_always_required(cast: Cast, reason: str):
    consent_to_crisis_sharing(cast)
    step = services.crisis_step_get(cast.night, patient_pk=cast.team.patient.pk)
    with pytest.raises(ValidationError):
        services.crisis_card_open(actor=cast.night, step=step, reason=reason, emergency=True)
    assert _crisis_rows(cast) == []


@pytest.mark.parametrize("role", ["outsider", "leader", "patient", "relative"])
def test_nobody_else_gets_a_crisis_step(cast: Cast, role: str):
    consent_to_crisis_sharing(cast)
    with pytest.raises(Http404):
        services.crisis_step_get(cast.user(role), patient_pk=cast.team.patient.pk)


def test_staff_in_the_team_open_the_card_directly_audited_as_a_view(cast: Cast):
    team = services.crisis_card_for_team(cast.member, cast.team.pk)
    assert team == cast.team
    [row] = _crisis_rows(cast)
    assert (row.action, row.user, row.reason) == (AccessLog.Action.VIEW, cast.member, "")


def test_a_night_user_cannot_open_the_card_from_the_team_page(cast: Cast):
    consent_to_crisis_sharing(cast)
    with pytest.raises(Http404):
        services.crisis_card_for_team(cast.night, cast.team.pk)


def test_a_closed_team_has_no_crisis_card(cast: Cast):
    consent_to_crisis_sharing(cast)
    Team.objects.filter(pk=cast.team.pk).update(
        status=Team.Status.CLOSED, closed_on=timezone.localdate()
    )
    with pytest.raises(Http404):
        services.crisis_step_get(cast.night, patient_pk=cast.team.patient.pk)
    assert crisis_patient_find(cast.team.patient.national_id) is None
    assert crisis_card_get(patient_pk=cast.team.patient.pk) is None


def test_the_lookup_finds_only_patients_with_an_open_team(cast: Cast):
    assert crisis_patient_find(cast.team.patient.national_id) == cast.team.patient
    assert crisis_patient_find(PatientFactory().national_id) is None
    assert crisis_patient_find("01010112345") is None


def test_a_token_is_bound_to_its_user_and_its_step(cast: Cast):
    kari = cast.team.patient.pk
    token = services.lookup_token(cast.night, kari)
    assert services.lookup_token_patient(cast.night, token) == kari
    with pytest.raises(Http404):
        services.lookup_token_patient(cast.outsider, token)
    with pytest.raises(Http404):
        services.card_token_grant(cast.night, token)
    with pytest.raises(Http404):
        services.lookup_token_patient(cast.night, token[:-2] + "xx")


def test_a_token_expires_after_fifteen_minutes(cast: Cast):
    start = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        token = services.card_token(cast.night, 1)
    with time_machine.travel(start + dt.timedelta(minutes=14), tick=False):
        assert services.card_token_grant(cast.night, token) == 1
    with time_machine.travel(start + dt.timedelta(minutes=16), tick=False), pytest.raises(Http404):
        services.card_token_grant(cast.night, token)


def test_the_card_holds_red_first_then_yellow_whom_to_call_and_the_wishes(cast: Cast):
    crisis_plan(cast)
    card = crisis_card_get(team_pk=cast.team.pk)
    assert card is not None
    assert card == crisis_card_get(patient_pk=cast.team.patient.pk)
    assert (card.patient_name, card.birth_date) == (
        cast.team.patient.name,
        cast.team.patient.birth_date,
    )
    assert [e.phase for e in card.entries] == ["red", "yellow"]
    assert card.phase == "yellow"
    assert not card.is_draft
    red = card.entries[0]
    assert (red.signs, red.actions, red.call_night) == (RED_SIGNS, RED_ACTIONS, CALL_NIGHT)
    assert red.actor is not None and red.actor.name == str(cast.member)
    assert [e.patient_wishes for e in card.patient_wishes] == [WISHES]
    assert card.call_first == Contact(name=str(cast.member), role="Sykepleier", phone="+4798765432")
    assert card.coordinator is not None
    assert (card.coordinator.name, card.coordinator.phone) == (str(cast.coordinator), "+4791234567")


def test_the_card_follows_the_version_in_force_else_the_newest_draft(cast: Cast):
    from careplans.models import PhasePlanEntry
    from tests.careplans.phase_helpers import version_for

    crisis_plan(cast)
    draft = version_for(cast.team, cast.coordinator)
    PhasePlanEntry.objects.create(version=draft, phase="red", signs="Nytt utkast", actions="x")
    card = crisis_card_get(team_pk=cast.team.pk)
    assert card is not None and card.entries[0].signs == RED_SIGNS
    from careplans.models import CarePlanVersion

    CarePlanVersion.objects.exclude(pk=draft.pk).update(status="superseded")
    card = crisis_card_get(team_pk=cast.team.pk)
    assert card is not None and card.is_draft
    assert [e.signs for e in card.entries] == ["Nytt utkast"]


def test_a_team_without_a_plan_has_an_empty_card_in_green(cast: Cast):
    card = crisis_card_get(team_pk=cast.team.pk)
    assert card is not None
    assert (card.entries, card.phase, card.version_status) == ([], "green", "")
    assert card.call_first == card.coordinator
    assert card.coordinator is not None and card.coordinator.name == str(cast.coordinator)


def test_an_external_night_contact_is_named_with_their_own_phone(cast: Cast):
    from actors.models import Member, Role
    from careplans.models import PhasePlanEntry

    crisis_plan(cast)
    lise = Member.objects.create(
        team=cast.team,
        external_name="Søster Lise",
        external_phone="+4791112222",
        role=Role.OTHER,
        level="privat",
        joined_on=timezone.localdate(),
    )
    PhasePlanEntry.objects.filter(phase="red").update(night_contact=lise)
    card = crisis_card_get(team_pk=cast.team.pk)
    assert card is not None and card.call_first is not None
    assert (card.call_first.name, card.call_first.phone) == ("Søster Lise", "+4791112222")


def test_without_a_night_contact_the_coordinator_is_called_first(cast: Cast):
    crisis_plan(cast)
    from careplans.models import PhasePlanEntry

    PhasePlanEntry.objects.filter(phase="red").update(night_contact=None)
    card = crisis_card_get(team_pk=cast.team.pk)
    assert card is not None and card.call_first == card.coordinator


def _withdraw(cast: Cast, scope: str) -> None:
    Consent.objects.filter(patient=cast.team.patient, scope=scope).update(
        withdrawn_at=timezone.now()
    )


def _leave(cast: Cast, user) -> None:
    cast.team.members.filter(user=user).update(left_on=timezone.localdate())


def _move_to(cast: Cast, user, kind: str) -> None:
    user.organisation = OrganisationFactory(kind=kind)
    user.save(update_fields=["organisation"])


# Each changes one thing the crisis rule reads; the card's own statement must read it as the
# policy's ORM does (crisis_team), or the card would decide differently from the step.
CHANGES = {
    "nothing": lambda cast, user: None,
    "crisis consent withdrawn": lambda cast, user: _withdraw(cast, Consent.Scope.CRISIS_PLAN),
    "team consent withdrawn": lambda cast, user: _withdraw(cast, Consent.Scope.TEAM_SHARING),
    "left the team": lambda cast, user: _leave(cast, user),
    "team establishing": lambda cast, user: Team.objects.filter(pk=cast.team.pk).update(
        status=Team.Status.ESTABLISHING
    ),
    "moved to an AMK": lambda cast, user: _move_to(cast, user, Organisation.Kind.AMK),
    "moved to a kommune": lambda cast, user: _move_to(cast, user, Organisation.Kind.KOMMUNE),
    "without organisation": lambda cast, user: User.objects.filter(pk=user.pk).update(
        organisation=None
    ),
}


@pytest.mark.parametrize("role", ["night", "member", "outsider"])
@pytest.mark.parametrize("change", list(CHANGES))
def test_the_cards_own_read_of_the_standing_is_the_policys(cast: Cast, role: str, change: str):
    consent_to_crisis_sharing(cast)
    user = getattr(cast, role)
    grant = record_crisis_access(
        user, cast.team.patient, CrisisAccess.CONSENTED, reason="Pasienten er her nå"
    )
    CHANGES[change](cast, user)
    user = User.objects.get(pk=user.pk)
    found = crisis_card_for_grant(user, grant, services.granted_within())
    policy = crisis_team(user, patient_pk=cast.team.patient.pk)
    assert found is not None and policy is not None
    assert found.standing == policy[1]
    assert (found.patient_pk, found.granted) == (cast.team.patient.pk, CrisisAccess.CONSENTED)
    assert found.card == crisis_card_get(patient_pk=cast.team.patient.pk)


def test_a_grant_of_another_user_or_another_kind_of_row_opens_no_card(cast: Cast):
    consent_to_crisis_sharing(cast)
    kari = cast.team.patient
    grant = record_crisis_access(cast.night, kari, CrisisAccess.CONSENTED, reason="Her nå")
    assert crisis_card_for_grant(cast.outsider, grant, services.granted_within()) is None
    other = AccessLog.objects.create(
        user=cast.night, patient=kari, action=AccessLog.Action.VIEW, object_type="actors.patient"
    )
    assert crisis_card_for_grant(cast.night, other.pk, services.granted_within()) is None


def test_a_grant_written_before_a_valid_link_could_be_made_opens_no_card(cast: Cast):
    consent_to_crisis_sharing(cast)
    grant = record_crisis_access(
        cast.night, cast.team.patient, CrisisAccess.CONSENTED, reason="Her nå"
    )
    assert crisis_card_for_grant(cast.night, grant, services.granted_within()) is not None
    later = timezone.now() + dt.timedelta(seconds=services.TOKEN_MAX_AGE + 120)
    with time_machine.travel(later, tick=False):
        assert crisis_card_for_grant(cast.night, grant, services.granted_within()) is None


@pytest.mark.parametrize(
    ("granted", "now", "holds"),
    [
        (CrisisAccess.CONSENTED, CrisisAccess.CONSENTED, True),
        (CrisisAccess.CONSENTED, CrisisAccess.BREAK_GLASS, False),
        (CrisisAccess.BREAK_GLASS, CrisisAccess.BREAK_GLASS, True),
        (CrisisAccess.BREAK_GLASS, CrisisAccess.CONSENTED, True),
        (CrisisAccess.CONSENTED, CrisisAccess.TEAM, True),
        (CrisisAccess.CONSENTED, CrisisAccess.NONE, False),
        (CrisisAccess.BREAK_GLASS, CrisisAccess.NONE, False),
    ],
)
def test_a_grant_holds_only_while_the_standing_now_allows_it(
    granted: CrisisAccess, now: CrisisAccess, holds: bool
):
    standing = {
        CrisisAccess.CONSENTED: CrisisStanding(night=True, crisis_consent=True),
        CrisisAccess.BREAK_GLASS: CrisisStanding(night=True),
        CrisisAccess.TEAM: CrisisStanding(is_member=True, team_consent=True),
        CrisisAccess.NONE: CrisisStanding(),
    }[now]
    assert standing.access == now
    assert crisis_grant_holds(granted, standing) is holds


def test_a_consented_card_asks_for_break_glass_after_the_withdrawal(cast: Cast):
    consent = consent_to_crisis_sharing(cast)
    step = services.crisis_step_get(cast.night, patient_pk=cast.team.patient.pk)
    token = services.crisis_card_open(actor=cast.night, step=step, reason="Her nå", emergency=False)
    assert services.crisis_card_show(cast.night, token).team_pk == cast.team.pk
    Consent.objects.filter(pk=consent.pk).update(withdrawn_at=timezone.now())
    with pytest.raises(services.BreakGlassRequired) as needed:
        services.crisis_card_show(cast.night, token)
    assert services.lookup_token_patient(cast.night, needed.value.lookup) == cast.team.patient.pk


def test_the_cards_kept_plans_do_not_outlast_its_reads(cast: Cast):
    # Inside a caller's transaction (here the test's), later statements plan as the app's
    # connections do (settings: plan_cache_mode), not with the card's generic plans.
    consent_to_crisis_sharing(cast)
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        before = cursor.fetchone()[0]
        assert crisis_card_get(patient_pk=cast.team.patient.pk) is not None
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone()[0] == before == "force_custom_plan"
