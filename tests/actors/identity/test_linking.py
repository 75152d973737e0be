"""The first login of a relative the patient named and of a staff member their leader invited,
through the real test provider (tests/oidc_provider/): the account is linked to what was
prepared for it, with the access the patient set or the profile the leader gave."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from actors.access import Action, can
from actors.identity.linking import MESSAGES, Refusal
from actors.models import (
    Consent,
    Organisation,
    Patient,
    Profession,
    RelativeLink,
    StaffInvitation,
    User,
)
from lkt.models import AccessLog, LoginEvent
from tests.conftest import Cast
from tests.factories import OrganisationFactory, PatientFactory, StaffFactory
from tests.oidc_provider.provider import (
    INVITED_HPR,
    INVITED_PID,
    SISTER_PID,
    log_in,
)

pytestmark = pytest.mark.django_db


def _refused(response, refusal: Refusal) -> None:
    assert response.status_code == 403
    assert str(MESSAGES[refusal]) in response.content.decode()
    event = LoginEvent.objects.get()
    assert (event.outcome, event.reason) == (LoginEvent.Outcome.REFUSED, refusal.value)


def _logged_in_as(client) -> User | None:
    from django.urls import reverse

    user = client.get(reverse("home")).wsgi_request.user
    return user if user.is_authenticated else None


def a_patient() -> Patient:
    return PatientFactory()


def a_staff_member(**fields) -> User:
    return StaffFactory(**fields)


def name_sister(patient: Patient, by: User, **access) -> RelativeLink:
    """The patient names her sister by name, fødselsnummer and phone: no account yet."""
    return RelativeLink.objects.create(
        patient=patient,
        relative=None,
        name="Siri Nordvik",
        national_id=SISTER_PID,
        phone="91234567",
        relation=RelativeLink.Relation.SIBLING,
        created_by=by,
        **access,
    )


# --- relatives ---


def test_a_named_relative_logs_in_with_exactly_the_access_the_patient_set(
    client, oidc_provider, cast: Cast
):
    kari = cast.team.patient
    link = name_sister(kari, cast.patient, may_see_goals=True)

    log_in(client, "idporten", "soster")

    link.refresh_from_db()
    sister = link.relative
    assert sister is not None
    assert (sister.kind, sister.national_id, sister.get_full_name(), sister.phone) == (
        User.Kind.RELATIVE,
        SISTER_PID,
        "Siri Nordvik",
        "91234567",
    )
    assert _logged_in_as(client) == sister
    assert can(sister, Action.VIEW_GOALS, kari)
    assert not can(sister, Action.VIEW_PLAN, kari)
    assert not can(sister, Action.VIEW_TEAM, kari)
    event = LoginEvent.objects.get()
    assert (event.outcome, event.reason, event.user) == (
        LoginEvent.Outcome.LINKED,
        "relative_created",
        sister,
    )
    audit = AccessLog.objects.get(patient=kari, action=AccessLog.Action.CHANGE)
    assert (audit.user, audit.object_type) == (sister, "actors.relativelink")


def test_a_relative_named_by_two_patients_gets_one_account_for_both(
    client, oidc_provider, cast: Cast
):
    first = name_sister(cast.team.patient, cast.patient, may_see_team=True)
    other = a_patient()
    Consent.objects.create(
        patient=other,
        scope=Consent.Scope.RELATIVES,
        method=Consent.Method.ORAL,
        given_at=timezone.now(),
        recorded_by=cast.coordinator,
    )
    second = name_sister(other, cast.coordinator, may_see_goals=True, added_on_behalf=True)

    log_in(client, "idporten", "soster")

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.relative is not None
    assert first.relative == second.relative
    assert User.objects.filter(kind=User.Kind.RELATIVE, national_id=SISTER_PID).count() == 1


def test_a_link_named_after_the_first_login_is_attached_at_the_next(
    client, oidc_provider, cast: Cast
):
    from django.urls import reverse

    name_sister(cast.team.patient, cast.patient, may_see_team=True)
    log_in(client, "idporten", "soster")
    client.post(reverse("logout"))
    later = name_sister(PatientFactory(), cast.coordinator, added_on_behalf=True)

    log_in(client, "idporten", "soster")

    later.refresh_from_db()
    assert later.relative is not None
    assert later.relative.national_id == SISTER_PID


def test_a_relative_whose_access_has_ended_is_refused_and_nothing_is_made(
    client, oidc_provider, cast: Cast
):
    link = name_sister(
        cast.team.patient, cast.patient, may_see_team=True, ends_on=timezone.localdate()
    )

    _refused(log_in(client, "idporten", "soster"), Refusal.RELATIVE_ENDED)

    link.refresh_from_db()
    assert link.relative is None
    assert not User.objects.filter(national_id=SISTER_PID).exists()


def test_a_relative_whose_access_ends_tomorrow_still_logs_in(client, oidc_provider, cast: Cast):
    name_sister(
        cast.team.patient,
        cast.patient,
        may_see_team=True,
        ends_on=timezone.localdate() + dt.timedelta(days=1),
    )

    log_in(client, "idporten", "soster")

    assert _logged_in_as(client) is not None


def test_an_account_whose_every_link_has_ended_is_refused(client, oidc_provider, cast: Cast):
    link = name_sister(cast.team.patient, cast.patient, may_see_team=True)
    log_in(client, "idporten", "soster")
    client.logout()
    RelativeLink.objects.filter(pk=link.pk).update(ends_on=timezone.localdate())

    response = log_in(client, "idporten", "soster")

    assert response.status_code == 403
    assert LoginEvent.objects.filter(reason=Refusal.RELATIVE_ENDED.value).count() == 1


def test_a_named_relative_whose_patient_withdrew_the_consent_is_refused(
    client, oidc_provider, cast: Cast
):
    link = name_sister(cast.team.patient, cast.patient, may_see_team=True)
    Consent.objects.filter(patient=cast.team.patient, scope=Consent.Scope.RELATIVES).update(
        withdrawn_at=timezone.now()
    )

    _refused(log_in(client, "idporten", "soster"), Refusal.CONSENT_WITHDRAWN)

    link.refresh_from_db()
    assert link.relative is None


def test_an_excluded_relative_is_told_no_more_than_a_stranger(client, oidc_provider, cast: Cast):
    name_sister(cast.team.patient, cast.patient, excluded=True)

    response = log_in(client, "idporten", "soster")

    _refused(response, Refusal.UNKNOWN_CITIZEN)
    assert not User.objects.filter(national_id=SISTER_PID).exists()


def test_a_link_with_an_account_from_before_is_linked_to_that_account(
    client, oidc_provider, cast: Cast
):
    per = cast.relative
    RelativeLink.objects.filter(relative=per).update(national_id=SISTER_PID)

    log_in(client, "idporten", "soster")

    per.refresh_from_db()
    assert per.national_id == SISTER_PID
    assert LoginEvent.objects.get().reason == "relative_linked"
    assert _logged_in_as(client) == per


# --- staff ---


@pytest.fixture
def dps() -> Organisation:
    return OrganisationFactory(name="Vestfjord DPS", kind=Organisation.Kind.DPS)


def invite(organisation: Organisation, by: User, **who) -> StaffInvitation:
    return StaffInvitation.objects.create(
        organisation=organisation,
        name="Ingvild Invitert",
        profession=Profession.PSYKOLOG,
        invited_by=by,
        **who,
    )


def test_an_invited_staff_member_gets_her_profile_at_the_first_login(
    client, oidc_provider, dps: Organisation
):
    leader = StaffFactory(organisation=dps, is_leader=True)
    invitation = invite(dps, leader, national_id=INVITED_PID)

    log_in(client, "helseid", "invitert")

    invitation.refresh_from_db()
    staff = invitation.accepted_by
    assert staff is not None
    assert invitation.accepted_at == timezone.now()
    assert (
        staff.kind,
        staff.get_full_name(),
        staff.organisation,
        staff.profession,
        staff.hpr_number,
        staff.national_id,
        staff.has_usable_password(),
    ) == (User.Kind.STAFF, "Ingvild Invitert", dps, "psykolog", INVITED_HPR, INVITED_PID, False)
    assert _logged_in_as(client) == staff
    event = LoginEvent.objects.get()
    assert (event.outcome, event.reason) == (LoginEvent.Outcome.LINKED, "invitation")


def test_an_invitation_by_hpr_number_alone_is_accepted(client, oidc_provider, dps):
    invitation = invite(dps, StaffFactory(organisation=dps), hpr_number=INVITED_HPR)

    log_in(client, "helseid", "invitert")

    invitation.refresh_from_db()
    assert invitation.accepted_by is not None
    assert invitation.accepted_by.national_id == INVITED_PID


def test_a_revoked_invitation_lets_no_one_in(client, oidc_provider, dps):
    invitation = invite(dps, StaffFactory(organisation=dps), national_id=INVITED_PID)
    StaffInvitation.objects.filter(pk=invitation.pk).update(revoked_at=timezone.now())

    _refused(log_in(client, "helseid", "invitert"), Refusal.UNKNOWN_STAFF)
    assert not User.objects.filter(national_id=INVITED_PID).exists()


def test_an_invitation_whose_hpr_number_is_someone_elses_does_not_match(client, oidc_provider, dps):
    invite(dps, StaffFactory(organisation=dps), national_id=INVITED_PID, hpr_number="1234567")

    _refused(log_in(client, "helseid", "invitert"), Refusal.UNKNOWN_STAFF)


def test_an_existing_staff_member_invited_by_another_organisation_works_there_too(
    client, oidc_provider, dps, cast: Cast
):
    staff = a_staff_member(organisation=cast.kommune, national_id=INVITED_PID)
    invitation = invite(dps, StaffFactory(organisation=dps), hpr_number=INVITED_HPR)

    log_in(client, "helseid", "invitert")

    invitation.refresh_from_db()
    assert invitation.accepted_by == staff
    assert list(staff.organisations.all()) == [dps]
    assert User.objects.get(pk=staff.pk).organisation == cast.kommune


def test_an_invitation_never_makes_a_citizen_a_staff_member(client, oidc_provider, dps):
    # ID-porten reaches no invitation: staff log in with HelseID.
    invite(dps, StaffFactory(organisation=dps), national_id=SISTER_PID)

    _refused(log_in(client, "idporten", "soster"), Refusal.UNKNOWN_CITIZEN)
    assert not User.objects.filter(national_id=SISTER_PID).exists()
