"""The onboarding tables' own rules (issue 14): relatives named by fødselsnummer with an end
date, explicit representation with its basis, staff invitations, the staff profile and the
patient's approval given in person. The constraints hold in the database, whatever a service
forgets."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from actors.models import (
    Profession,
    RelativeLink,
    Representation,
    StaffInvitation,
    User,
    birth_date_cutoff,
)
from actors.validators import synthetic_national_id
from careplans.models import CarePlan, CarePlanVersion, PersonalApproval, PlanApproval
from tests.conftest import Cast
from tests.factories import PatientFactory, RelativeLinkFactory, UserFactory

pytestmark = pytest.mark.django_db

SISTER_ID = synthetic_national_id(dt.date(1990, 3, 12), 1)


def _named_link(cast: Cast, **fields: object) -> RelativeLink:
    """A relative the patient named by fødselsnummer, who has not logged in yet."""
    values: dict[str, object] = {
        "patient": cast.patient.patient_record,
        "relative": None,
        "name": "Siri Nordvik",
        "national_id": SISTER_ID,
        "relation": RelativeLink.Relation.SIBLING,
        "created_by": cast.patient,
        **fields,
    }
    return RelativeLink.objects.create(**values)


def test_a_relative_named_by_national_id_needs_no_user_until_the_first_login(cast: Cast):
    link = _named_link(cast, may_see_goals=True)

    link.full_clean()
    assert link.relative is None
    assert str(link) == "Siri Nordvik → Kari Nordvik"


def test_a_link_without_user_or_national_id_is_refused_by_the_database(cast: Cast):
    with pytest.raises(IntegrityError), transaction.atomic():
        _named_link(cast, national_id="")


def test_the_same_national_id_twice_for_one_patient_is_refused(cast: Cast):
    _named_link(cast)
    with pytest.raises(IntegrityError), transaction.atomic():
        _named_link(cast, name="Siri igjen")


def test_the_same_relative_may_be_named_by_two_patients(cast: Cast):
    _named_link(cast)
    ola = cast.other_patient.patient_record

    _named_link(cast, patient=ola)

    assert RelativeLink.objects.filter(national_id=SISTER_ID).count() == 2


def test_links_made_before_national_ids_may_share_an_empty_one(cast: Cast):
    """The cast's Per and Lise were made as users and have no fødselsnummer on the link."""
    assert RelativeLink.objects.filter(patient__user=cast.patient, national_id="").count() == 2


def test_an_invalid_national_id_or_phone_fails_validation(cast: Cast):
    link = RelativeLink(
        patient=cast.patient.patient_record,
        name="Siri",
        national_id="12345678901",
        phone="123",
        relation=RelativeLink.Relation.SIBLING,
        created_by=cast.patient,
    )
    with pytest.raises(ValidationError) as error:
        link.full_clean()
    assert {"national_id", "phone"} <= set(error.value.message_dict)


def test_active_links_are_those_not_excluded_and_not_ended(cast: Cast):
    today = timezone.localdate()
    ends_tomorrow = _named_link(cast, ends_on=today + dt.timedelta(days=1))
    ended_today = _named_link(
        cast,
        name="Siv",
        national_id=synthetic_national_id(dt.date(1991, 4, 2), 2),
        ends_on=today,
    )

    active = set(RelativeLink.objects.filter(patient__user=cast.patient).active())

    assert ends_tomorrow in active
    assert ended_today not in active  # the access ends at the start of that day
    assert cast.excluded_relative.relative_links.get() not in active
    assert cast.relative.relative_links.get() in active
    assert ends_tomorrow.is_active and not ended_today.is_active


def test_the_access_ends_on_its_day_when_the_clock_reaches_it(cast: Cast, time_machine):
    link = _named_link(cast, ends_on=timezone.localdate() + dt.timedelta(days=3))

    time_machine.move_to(timezone.now() + dt.timedelta(days=3), tick=False)

    assert not RelativeLink.objects.filter(pk=link.pk).active().exists()


# Representation


def _representation(link: RelativeLink, recorder: User, **fields: object) -> Representation:
    values: dict[str, object] = {
        "patient": link.patient,
        "relative_link": link,
        "basis": Representation.Basis.POWER_OF_ATTORNEY,
        "valid_from": timezone.localdate(),
        "recorded_by": recorder,
        **fields,
    }
    return Representation.objects.create(**values)


def _full_link(cast: Cast, **fields: object) -> RelativeLink:
    return _named_link(cast, may_see_team=True, may_see_goals=True, may_see_plan=True, **fields)


def test_a_guardianship_without_its_scope_is_refused(cast: Cast):
    link = _full_link(cast)
    with pytest.raises(IntegrityError), transaction.atomic():
        _representation(link, cast.coordinator, basis=Representation.Basis.GUARDIANSHIP)

    verge = _representation(
        link,
        cast.coordinator,
        basis=Representation.Basis.GUARDIANSHIP,
        scope="Økonomi og helse",
    )
    assert Representation.objects.in_effect().get() == verge


def test_a_representation_through_a_limited_link_is_never_in_effect(cast: Cast):
    """Per sees the team and goals but not the plan: he never acts for Kari."""
    per = cast.relative.relative_links.get()
    _representation(per, cast.coordinator)

    assert not Representation.objects.in_effect().exists()


def test_a_representation_stops_when_the_link_is_limited_ended_or_excluded(cast: Cast):
    link = _full_link(cast)
    _representation(link, cast.coordinator)
    assert Representation.objects.in_effect().exists()

    for change in ({"may_see_goals": False}, {"excluded": True}, {"ends_on": timezone.localdate()}):
        RelativeLink.objects.filter(pk=link.pk).update(**change)
        assert not Representation.objects.in_effect().exists(), change
        RelativeLink.objects.filter(pk=link.pk).update(
            may_see_goals=True, excluded=False, ends_on=None
        )


def test_a_representation_is_in_effect_only_within_its_dates_and_until_ended(cast: Cast):
    today = timezone.localdate()
    link = _full_link(cast)
    later = _representation(link, cast.coordinator, valid_from=today + dt.timedelta(days=1))
    assert not Representation.objects.in_effect().exists()

    assert Representation.objects.in_effect(today + dt.timedelta(days=1)).get() == later
    later.valid_until = today + dt.timedelta(days=2)
    later.save()
    assert not Representation.objects.in_effect(today + dt.timedelta(days=2)).exists()

    later.ended_at, later.ended_reason = timezone.now(), "Fullmakten er trukket"
    later.save()
    assert not Representation.objects.in_effect(today + dt.timedelta(days=1)).exists()


def test_an_ended_representation_needs_a_reason(cast: Cast):
    link = _full_link(cast)
    with pytest.raises(IntegrityError), transaction.atomic():
        _representation(link, cast.coordinator, ended_at=timezone.now())


def test_one_open_representation_per_link_and_basis(cast: Cast):
    link = _full_link(cast)
    _representation(link, cast.coordinator)
    with pytest.raises(IntegrityError), transaction.atomic():
        _representation(link, cast.coordinator)


def test_parental_responsibility_counts_until_the_sixteenth_birthday(cast: Cast):
    today = timezone.localdate()
    child = PatientFactory(birth_date=birth_date_cutoff(today, 16) + dt.timedelta(days=1))
    mother = RelativeLinkFactory(
        patient=child, may_see_team=True, may_see_goals=True, may_see_plan=True
    )
    _representation(mother, cast.coordinator, basis=Representation.Basis.PARENTAL_RESPONSIBILITY)

    assert Representation.objects.in_effect(today).exists()
    assert not Representation.objects.in_effect(today + dt.timedelta(days=1)).exists()


@pytest.mark.parametrize(
    ("day", "cutoff"),
    [
        (dt.date(2028, 2, 29), dt.date(2012, 2, 29)),
        (dt.date(2027, 2, 28), dt.date(2011, 2, 28)),
        (dt.date(2027, 3, 1), dt.date(2011, 3, 1)),
        (dt.date(2026, 2, 28), dt.date(2008, 2, 28)),  # 18 years back from a common year
    ],
)
def test_the_birth_date_cutoff_agrees_with_the_patients_age(day: dt.date, cutoff: dt.date):
    years = day.year - cutoff.year
    assert birth_date_cutoff(day, years) == cutoff
    patient = PatientFactory.build(birth_date=cutoff)
    assert patient.age_on(day) == years
    assert PatientFactory.build(birth_date=cutoff + dt.timedelta(days=1)).age_on(day) == years - 1


def test_someone_born_on_29_february_is_older_on_1_march_in_a_common_year():
    leapling = PatientFactory.build(birth_date=dt.date(2008, 2, 29))
    cutoff = birth_date_cutoff(dt.date(2026, 2, 28), 18)

    assert leapling.birth_date > cutoff
    assert leapling.age_on(dt.date(2026, 2, 28)) == 17
    assert leapling.age_on(dt.date(2026, 3, 1)) == 18


# Staff invitations and the staff profile


def _invitation(cast: Cast, **fields: object) -> StaffInvitation:
    values: dict[str, object] = {
        "organisation": cast.kommune,
        "name": "Hanne Hansen",
        "national_id": SISTER_ID,
        "profession": Profession.SYKEPLEIER,
        "invited_by": cast.leader,
        **fields,
    }
    return StaffInvitation.objects.create(**values)


def test_an_invitation_names_a_national_id_or_an_hpr_number(cast: Cast):
    with pytest.raises(IntegrityError), transaction.atomic():
        _invitation(cast, national_id="", hpr_number="")
    assert _invitation(cast, national_id="", hpr_number="1234567").is_open


def test_one_open_invitation_per_organisation_and_person(cast: Cast):
    first = _invitation(cast)
    with pytest.raises(IntegrityError), transaction.atomic():
        _invitation(cast)
    # Another organisation may invite the same person.
    _invitation(cast, organisation=cast.other_kommune)

    first.revoked_at = timezone.now()
    first.save()
    again = _invitation(cast)

    assert list(StaffInvitation.objects.filter(organisation=cast.kommune).open()) == [again]


def test_one_open_invitation_per_organisation_and_hpr_number(cast: Cast):
    _invitation(cast, national_id="", hpr_number="7654321")
    with pytest.raises(IntegrityError), transaction.atomic():
        _invitation(cast, national_id="", hpr_number="7654321")


def test_an_accepted_invitation_names_who_accepted_it_and_is_not_revoked(cast: Cast):
    invitation = _invitation(cast)
    with pytest.raises(IntegrityError), transaction.atomic():
        StaffInvitation.objects.filter(pk=invitation.pk).update(accepted_at=timezone.now())
    hanne = UserFactory(kind=User.Kind.STAFF)
    with pytest.raises(IntegrityError), transaction.atomic():
        StaffInvitation.objects.filter(pk=invitation.pk).update(
            accepted_at=timezone.now(), accepted_by=hanne, revoked_at=timezone.now()
        )

    StaffInvitation.objects.filter(pk=invitation.pk).update(
        accepted_at=timezone.now(), accepted_by=hanne
    )
    assert not StaffInvitation.objects.open().exists()


def test_only_staff_have_a_profession(cast: Cast):
    cast.coordinator.profession = Profession.SYKEPLEIER
    cast.coordinator.save()
    assert cast.coordinator.has_clinical_profession
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=cast.relative.pk).update(profession=Profession.LEGE)


def test_staff_may_work_for_further_organisations(cast: Cast):
    cast.night.organisations.add(cast.kommune)

    assert list(cast.kommune.further_employees.all()) == [cast.night]
    assert not User(profession=Profession.OTHER).has_clinical_profession


# The patient's approval given in person


def test_a_personal_approval_names_its_witness_and_counts_as_the_patients(cast: Cast):
    plan = CarePlan.objects.create(team=cast.team)
    version = CarePlanVersion.objects.create(plan=plan, number=1, created_by=cast.coordinator)
    approval = PlanApproval.objects.create(
        version=version, approver=cast.coordinator, capacity=PlanApproval.Capacity.PATIENT
    )
    fields: dict[str, object] = {
        "version": version,
        "approval": approval,
        "given_on": timezone.localdate(),
        "how": PersonalApproval.How.MEETING,
        "recorded_by": cast.coordinator,
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        PersonalApproval.objects.create(**fields)

    given = PersonalApproval.objects.create(**fields, witness_name="Tor, sykepleier")

    assert version.personal_approval == given
    assert approval.personal_approval == given
