"""Rules enforced by the actors services: bad input gets a clear message, nothing is half-saved."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from actors import services
from actors.access import visible_patients
from actors.models import Consent, Member, Organisation, Patient, Role, Team
from actors.validators import synthetic_national_id
from lkt.models import AccessLog
from tests.factories import (
    OrganisationFactory,
    PatientFactory,
    StaffFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db


def test_registering_a_patient_opens_a_team_under_establishment_and_audits_it(cast):
    national_id = synthetic_national_id(dt.date(1985, 3, 9), 3)
    team = services.patient_register(
        actor=cast.outsider, name="Siv Fjelltun", national_id=national_id
    )
    assert team.status == Team.Status.ESTABLISHING
    assert team.patient.birth_date == dt.date(1985, 3, 9)
    assert team.created_by == cast.outsider
    # The creator sees identity before consent: she needs it to ask for consent.
    assert team.patient in visible_patients(cast.outsider)
    assert AccessLog.objects.filter(patient=team.patient, user=cast.outsider, action="change")


def test_malformed_national_id_is_refused_with_a_norwegian_message(cast):
    with pytest.raises(ValidationError, match="kontrollsifrene"):
        services.patient_register(actor=cast.coordinator, name="X", national_id="17859000186")
    with pytest.raises(ValidationError, match="11 siffer"):
        services.patient_register(actor=cast.coordinator, name="X", national_id="1234")
    assert not Patient.objects.filter(name="X").exists()


def test_a_second_open_team_for_one_patient_is_refused(cast):
    with pytest.raises(ValidationError, match="har allerede et aktørfellesskap"):
        services.team_open(actor=cast.coordinator, patient=cast.team.patient)
    assert Team.objects.filter(patient=cast.team.patient).count() == 1


def test_a_closed_team_can_be_followed_by_a_new_one(cast):
    Team.objects.filter(pk=cast.team.pk).update(
        status=Team.Status.CLOSED, closed_on=timezone.localdate()
    )
    unit = OrganisationFactory(kind=Organisation.Kind.KOORDINERENDE_ENHET)
    team = services.team_open(actor=StaffFactory(organisation=unit), patient=cast.team.patient)
    assert team.status == Team.Status.ESTABLISHING
    with pytest.raises(Http404):
        services.team_open(actor=cast.outsider, patient=cast.team.patient)


def test_only_staff_register_patients(cast):
    with pytest.raises(PermissionDenied):
        services.patient_register(
            actor=cast.relative,
            name="Y",
            national_id=synthetic_national_id(dt.date(1970, 1, 1), 1),
        )


def test_duplicate_active_membership_is_refused(cast):
    with pytest.raises(ValidationError, match="allerede aktivt medlem"):
        services.member_add(actor=cast.coordinator, team=cast.team, user=cast.member, role=Role.GP)
    assert cast.team.members.filter(user=cast.member).count() == 1


def test_a_former_member_can_join_again(cast):
    membership = cast.team.members.get(user=cast.member)
    services.member_end(actor=cast.coordinator, member=membership, reason="Ny jobb")
    services.member_add(actor=cast.coordinator, team=cast.team, user=cast.member, role=Role.GP)
    assert cast.team.members.filter(user=cast.member).count() == 2


def test_unknown_role_is_refused(cast):
    with pytest.raises(ValidationError) as error:
        services.member_add(
            actor=cast.coordinator, team=cast.team, external_name="Nabo", role="trollmann"
        )
    assert "role" in error.value.message_dict


def test_external_contact_needs_a_name_and_a_norwegian_phone(cast):
    with pytest.raises(ValidationError) as error:
        services.member_add(actor=cast.coordinator, team=cast.team, role=Role.OTHER)
    assert "external_name" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.member_add(
            actor=cast.coordinator,
            team=cast.team,
            role=Role.OTHER,
            external_name="Nabo Nils",
            external_phone="12345",
        )
    assert "8 siffer" in error.value.message_dict["external_phone"][0]
    member = services.member_add(
        actor=cast.coordinator,
        team=cast.team,
        role=Role.OTHER,
        external_name="Nabo Nils",
        external_phone="912 34 567",
    )
    assert member.external_phone == "+4791234567"


def test_ending_a_membership_keeps_it_as_history_and_ends_access(cast):
    membership = cast.team.members.get(user=cast.member)
    services.member_end(actor=cast.coordinator, member=membership, reason="Ny jobb")
    membership.refresh_from_db()
    assert membership.left_on == timezone.localdate()
    assert cast.team.patient not in visible_patients(cast.member)
    with pytest.raises(ValidationError, match="allerede avsluttet"):
        services.member_end(actor=cast.coordinator, member=membership, reason="Ny jobb")


def test_team_members_cannot_manage_the_team_and_outsiders_do_not_see_it(cast):
    with pytest.raises(PermissionDenied):
        services.member_add(
            actor=cast.member, team=cast.team, external_name="Nabo", role=Role.OTHER
        )
    with pytest.raises(Http404):
        services.member_add(
            actor=cast.outsider, team=cast.team, external_name="Nabo", role=Role.OTHER
        )
    assert not Member.objects.filter(external_name="Nabo").exists()


def test_withdrawn_consent_ends_team_access_at_once(cast):
    consent = cast.team.patient.consents.get(scope=Consent.Scope.TEAM_SHARING)
    services.consent_withdraw(actor=cast.coordinator, consent=consent)
    assert cast.team.patient not in visible_patients(cast.member)
    # The coordinator still sees identity and consent status, to ask again.
    assert cast.team.patient in visible_patients(cast.coordinator)
    consent.refresh_from_db()
    assert consent.withdrawn_by == cast.coordinator


def test_a_second_standing_consent_of_the_same_scope_is_refused(cast):
    with pytest.raises(ValidationError, match="allerede et gyldig samtykke"):
        services.consent_record(
            actor=cast.coordinator,
            patient=cast.team.patient,
            scope=Consent.Scope.TEAM_SHARING,
            method=Consent.Method.ORAL,
        )


def test_a_recorded_consent_is_up_for_review_a_year_after_it_was_given(cast):
    Consent.objects.filter(patient=cast.team.patient, scope=Consent.Scope.CRISIS_PLAN).delete()
    consent = services.consent_record(
        actor=cast.coordinator,
        patient=cast.team.patient,
        scope=Consent.Scope.CRISIS_PLAN,
        method=Consent.Method.ORAL,
        given_at=dt.datetime(2024, 2, 29, 12, tzinfo=dt.UTC),
    )
    assert consent.renew_on == dt.date(2025, 2, 28)


def test_under_16_the_guardian_consents(cast):
    child = PatientFactory(
        birth_date=timezone.localdate() - dt.timedelta(days=15 * 365),
        national_id=synthetic_national_id(timezone.localdate() - dt.timedelta(days=15 * 365), 7),
    )
    TeamFactory(patient=child, created_by=cast.coordinator)
    with pytest.raises(ValidationError, match="under 16"):
        services.consent_record(
            actor=cast.coordinator,
            patient=child,
            scope=Consent.Scope.TEAM_SHARING,
            method=Consent.Method.WRITTEN,
        )
    consent = services.consent_record(
        actor=cast.coordinator,
        patient=child,
        scope=Consent.Scope.TEAM_SHARING,
        method=Consent.Method.WRITTEN,
        given_by=Consent.GivenBy.GUARDIAN,
    )
    assert consent.is_standing


def test_relatives_see_nothing_once_consent_to_inform_them_is_withdrawn(cast):
    consent = cast.team.patient.consents.get(scope=Consent.Scope.RELATIVES)
    services.consent_withdraw(actor=cast.coordinator, consent=consent)
    assert not visible_patients(cast.relative).exists()


def test_only_staff_users_can_be_members(cast):
    with pytest.raises(ValidationError) as error:
        services.member_add(
            actor=cast.coordinator, team=cast.team, user=cast.relative, role="annen"
        )
    assert "user" in error.value.message_dict


def test_expected_leave_before_joining_is_refused(cast):
    with pytest.raises(ValidationError) as error:
        services.member_add(
            actor=cast.coordinator,
            team=cast.team,
            user=StaffFactory(),
            role=Role.NURSE,
            joined_on=dt.date(2026, 5, 1),
            expected_leave_on=dt.date(2026, 4, 1),
        )
    assert "expected_leave_on" in error.value.message_dict
