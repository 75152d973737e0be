"""Relatives named by the patient or, with the patient's agreement, by the coordinator; and
representation with its basis (actors.relatives.services)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from actors.access import Action, can
from actors.models import RelativeLink, Representation
from actors.relatives.services import (
    relative_link_create,
    relative_link_end,
    relative_link_update,
    representation_end,
    representation_record,
)
from actors.validators import synthetic_national_id
from lkt.models import AccessLog
from tests.conftest import Cast
from tests.factories import PatientFactory, RelativeLinkFactory, RepresentationFactory

pytestmark = pytest.mark.django_db

SIRI = synthetic_national_id(dt.date(1990, 3, 12), 1)
FULL = {"may_see_team": True, "may_see_goals": True, "may_see_plan": True}


def _add(cast: Cast, actor=None, **fields) -> RelativeLink:
    values = {
        "actor": actor or cast.patient,
        "patient": cast.team.patient,
        "name": "Siri Nordvik",
        "national_id": SIRI,
        "phone": "912 34 567",
        "relation": RelativeLink.Relation.SIBLING,
        **fields,
    }
    return relative_link_create(**values)


def _update(actor, link: RelativeLink, **fields) -> RelativeLink:
    values = {
        "excluded": False,
        "may_see_team": link.may_see_team,
        "may_see_goals": link.may_see_goals,
        "may_see_plan": link.may_see_plan,
        "may_edit_goals": link.may_edit_goals,
        "ends_on": link.ends_on,
        **fields,
    }
    return relative_link_update(actor=actor, link=link, **values)


def test_the_patient_names_her_sister_with_goals_only_and_it_is_audited(cast: Cast):
    link = _add(cast, may_see_goals=True, ends_on=timezone.localdate() + dt.timedelta(days=90))

    assert link.relative is None  # linked at her first login
    assert (link.may_see_team, link.may_see_goals, link.may_see_plan) == (False, True, False)
    assert link.phone == "+4791234567"
    assert not link.added_on_behalf and link.created_by == cast.patient
    assert link.patient_confirmed_at is not None
    row = AccessLog.objects.get(object_type="actors.relativelink", object_id=str(link.pk))
    assert row.user == cast.patient and row.action == AccessLog.Action.CHANGE


def test_the_coordinator_adds_a_relative_only_with_the_patients_agreement(cast: Cast):
    with pytest.raises(ValidationError) as error:
        _add(cast, actor=cast.coordinator, may_see_team=True)
    assert "patient_agreed" in error.value.message_dict
    assert not RelativeLink.objects.filter(national_id=SIRI).exists()

    link = _add(cast, actor=cast.coordinator, may_see_team=True, patient_agreed=True)

    assert link.added_on_behalf and link.created_by == cast.coordinator
    assert link.patient_confirmed_at is None


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"national_id": "12345678901"}, "national_id"),
        ({"national_id": "١٢٣٤٥٦٧٨٩٠١"}, "national_id"),  # non-ASCII digits
        ({"phone": "123"}, "phone"),
        ({"name": "   "}, "name"),
        ({"ends_on": dt.date(1, 1, 1)}, "ends_on"),
    ],
)
def test_bad_input_names_its_field_and_saves_nothing(cast: Cast, fields, field):
    with pytest.raises(ValidationError) as error:
        _add(cast, **fields)
    assert field in error.value.message_dict
    assert not RelativeLink.objects.filter(patient=cast.team.patient, name="Siri Nordvik").exists()


def test_the_patients_own_national_id_and_a_second_link_for_one_person_are_refused(cast: Cast):
    with pytest.raises(ValidationError, match="pasientens eget fødselsnummer"):
        _add(cast, national_id=cast.team.patient.national_id)
    _add(cast)
    with pytest.raises(ValidationError, match="allerede registrert"):
        _add(cast, name="Siri igjen")


def test_relatives_and_strangers_cannot_name_relatives(cast: Cast):
    with pytest.raises(PermissionDenied):
        _add(cast, actor=cast.relative)
    with pytest.raises(PermissionDenied):
        _add(cast, actor=cast.member, patient_agreed=True)
    with pytest.raises(Http404):
        _add(cast, actor=cast.outsider, patient_agreed=True)
    with pytest.raises(Http404):
        _add(cast, actor=cast.other_patient)


def test_an_end_date_is_kept_and_the_access_ends_on_that_day(cast: Cast, time_machine):
    per = RelativeLink.objects.get(relative=cast.relative)
    kari = cast.team.patient
    _update(cast.patient, per, ends_on=timezone.localdate() + dt.timedelta(days=1))
    assert can(cast.relative, Action.VIEW_GOALS, kari)

    time_machine.move_to(timezone.now() + dt.timedelta(days=1), tick=False)

    assert not can(cast.relative, Action.VIEW_GOALS, kari)


def test_an_end_date_that_has_passed_is_refused_unless_it_is_kept(cast: Cast):
    per = RelativeLink.objects.get(relative=cast.relative)
    with pytest.raises(ValidationError) as error:
        _update(cast.patient, per, ends_on=timezone.localdate())
    assert "ends_on" in error.value.message_dict
    RelativeLink.objects.filter(pk=per.pk).update(ends_on=timezone.localdate())
    per.refresh_from_db()

    _update(cast.patient, per, may_see_team=False)  # the old date may stay as it is

    per.refresh_from_db()
    assert per.ends_on == timezone.localdate() and not per.may_see_team


def test_ending_the_access_now_shuts_the_relative_out_and_can_be_undone(cast: Cast):
    per = RelativeLink.objects.get(relative=cast.relative)
    kari = cast.team.patient

    relative_link_end(actor=cast.patient, link=per)

    assert not can(cast.relative, Action.VIEW_IDENTITY, kari)
    with pytest.raises(ValidationError, match="allerede avsluttet"):
        relative_link_end(actor=cast.patient, link=per)
    per.refresh_from_db()
    _update(cast.patient, per, ends_on=None)
    assert can(cast.relative, Action.VIEW_GOALS, kari)


def test_the_patient_may_now_let_a_relative_take_part_in_meetings(cast: Cast):
    lise = RelativeLink.objects.get(relative=cast.excluded_relative)
    _update(cast.patient, lise, may_see_team=True, may_communicate=True)
    lise.refresh_from_db()
    assert lise.may_communicate and not lise.excluded

    _update(cast.patient, lise, excluded=True, may_communicate=True)
    lise.refresh_from_db()
    assert not lise.may_communicate  # an excluded relative gets nothing, messages included


# Representation


def test_a_representatives_link_cannot_be_limited_or_ended_until_the_representation_ends(
    cast: Cast,
):
    link = _add(cast, **FULL)
    representation = representation_record(
        actor=cast.coordinator, link=link, basis=Representation.Basis.POWER_OF_ATTORNEY
    )
    for change in ({"may_see_plan": False}, {"excluded": True}):
        with pytest.raises(ValidationError, match="registrert som representant"):
            _update(cast.patient, link, **change)
    with pytest.raises(ValidationError, match="registrert som representant"):
        _update(cast.patient, link, ends_on=timezone.localdate() + dt.timedelta(days=5))
    with pytest.raises(ValidationError, match="registrert som representant"):
        relative_link_end(actor=cast.patient, link=link)

    representation_end(
        actor=cast.coordinator, representation=representation, reason="Fullmakten er trukket"
    )
    relative_link_end(actor=cast.patient, link=link)

    representation.refresh_from_db()
    assert representation.ended_reason == "Fullmakten er trukket"


def test_a_limited_link_never_becomes_a_representative(cast: Cast):
    per = RelativeLink.objects.get(relative=cast.relative)  # team and goals, not the plan
    with pytest.raises(ValidationError) as error:
        representation_record(
            actor=cast.coordinator, link=per, basis=Representation.Basis.POWER_OF_ATTORNEY
        )
    assert "relative_link" in error.value.message_dict
    assert not Representation.objects.exists()


def test_foreldreansvar_is_for_a_child_under_16_and_a_verge_needs_the_scope(cast: Cast):
    adult_link = _add(cast, **FULL)
    with pytest.raises(ValidationError) as error:
        representation_record(
            actor=cast.coordinator,
            link=adult_link,
            basis=Representation.Basis.PARENTAL_RESPONSIBILITY,
        )
    assert "basis" in error.value.message_dict
    with pytest.raises(ValidationError):
        representation_record(
            actor=cast.coordinator, link=adult_link, basis=Representation.Basis.GUARDIANSHIP
        )
    verge = representation_record(
        actor=cast.coordinator,
        link=adult_link,
        basis=Representation.Basis.GUARDIANSHIP,
        scope="  Helse og bolig ",
    )
    assert verge.scope == "Helse og bolig"
    assert AccessLog.objects.filter(
        object_type="actors.representation", object_id=str(verge.pk), user=cast.coordinator
    ).exists()


def test_both_parents_of_a_child_are_recorded_with_foreldreansvar(cast: Cast):
    child = PatientFactory.create(birth_date=timezone.localdate() - dt.timedelta(days=365 * 9))
    cast.team.patient = child  # the coordinator manages Kari's team; give it to the child
    cast.team.save()
    parents = [RelativeLinkFactory(patient=child, **FULL) for _ in range(2)]

    for link in parents:
        representation_record(
            actor=cast.coordinator, link=link, basis=Representation.Basis.PARENTAL_RESPONSIBILITY
        )

    assert Representation.objects.in_effect().filter(patient=child).count() == 2
    with pytest.raises(ValidationError, match="allerede registrert som representant"):
        representation_record(
            actor=cast.coordinator,
            link=parents[0],
            basis=Representation.Basis.PARENTAL_RESPONSIBILITY,
        )


def test_only_the_coordinator_records_and_ends_a_representation(cast: Cast):
    link = _add(cast, **FULL)
    for actor in (cast.patient, cast.member, cast.relative):
        with pytest.raises(PermissionDenied):
            representation_record(
                actor=actor, link=link, basis=Representation.Basis.POWER_OF_ATTORNEY
            )
    with pytest.raises(Http404):
        representation_record(
            actor=cast.outsider, link=link, basis=Representation.Basis.POWER_OF_ATTORNEY
        )
    representation = RepresentationFactory(relative_link=link, basis="fullmakt")
    with pytest.raises(PermissionDenied):
        representation_end(actor=cast.patient, representation=representation, reason="Nei")
    with pytest.raises(ValidationError):
        representation_end(actor=cast.coordinator, representation=representation, reason=" ")


def test_a_relative_abroad_is_named_with_her_country_code_and_a_wrong_number_is_refused(
    cast: Cast,
):
    """Issue 16, item 14: a sister in Sweden keeps her +46 number (E.164); a number that is
    none is refused with a Norwegian message on the phone field."""
    link = _add(cast, phone="+46 70 123 45 67")
    assert link.phone == "+46701234567"
    with pytest.raises(ValidationError) as refused:
        _add(cast, national_id=synthetic_national_id(dt.date(1992, 4, 1), 2), phone="1234")
    assert "Telefonnummeret er ikke gyldig" in refused.value.message_dict["phone"][0]
