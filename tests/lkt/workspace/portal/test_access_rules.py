"""The consent rules in the one access policy, read without a request."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from actors.access import Action, Standing, allows, can, sees_team, standing, visible_patients
from actors.models import RelativeLink, Representation, Team, User
from actors.validators import synthetic_national_id
from tests.conftest import client_for
from tests.factories import UserFactory
from tests.lkt.workspace.portal.helpers import child, parent_of

pytestmark = pytest.mark.django_db


def test_an_adult_patient_records_her_own_consent(cast):
    assert can(cast.patient, Action.RECORD_CONSENT, cast.team.patient)


def test_a_member_who_does_not_manage_the_team_records_no_consent(cast):
    assert not can(cast.member, Action.RECORD_CONSENT, cast.team.patient)


def test_another_patient_records_no_consent_for_kari(cast):
    assert not can(cast.other_patient, Action.RECORD_CONSENT, cast.team.patient)


def test_karis_father_does_not_consent_for_his_adult_daughter(cast):
    s = standing(cast.relative, cast.team.patient)
    assert s.relative is not None and not s.acts_for_child
    assert not allows(s, Action.RECORD_CONSENT)


def test_the_excluded_parent_of_a_child_does_not_act_for_her():
    patient, _user = child(9)
    parent = parent_of(patient)
    RelativeLink.objects.filter(relative=parent).update(excluded=True)
    assert standing(parent, patient) == Standing()


def test_acting_for_a_child_gives_identity_and_consent_but_no_content():
    s = Standing(acts_for_child=True)
    assert allows(s, Action.VIEW_IDENTITY) and allows(s, Action.RECORD_CONSENT)
    for action in (Action.VIEW_TEAM, Action.VIEW_GOALS, Action.VIEW_PLAN, Action.VIEW_CLINICAL):
        assert not allows(s, action)
    assert not allows(s, Action.MANAGE_RELATIVES)


def test_a_parent_by_relation_alone_does_not_act_for_a_child():
    """Acting for a child is an explicit representation with its basis, not a relation."""
    patient, _user = child(9)
    parent = parent_of(patient)
    Representation.objects.filter(relative_link__relative=parent).delete()
    assert not standing(parent, patient).acts_for_child
    assert not can(parent, Action.RECORD_CONSENT, patient)


def test_a_parent_whose_link_is_limited_no_longer_acts_for_the_child():
    patient, _user = child(9)
    parent = parent_of(patient)
    RelativeLink.objects.filter(relative=parent).update(may_see_plan=False)
    assert not can(parent, Action.RECORD_CONSENT, patient)


def test_a_relative_whose_access_has_ended_sees_nothing(cast, time_machine):
    link = RelativeLink.objects.get(relative=cast.relative)
    link.ends_on = timezone.localdate() + dt.timedelta(days=2)
    link.save()
    kari = cast.team.patient
    assert can(cast.relative, Action.VIEW_GOALS, kari)
    assert list(visible_patients(cast.relative)) == [kari]

    time_machine.move_to(timezone.now() + dt.timedelta(days=2), tick=False)

    assert standing(cast.relative, kari) == Standing()
    assert not visible_patients(cast.relative).exists()
    assert not Team.objects.filter(sees_team(cast.relative)).exists()
    response = client_for(cast.relative).get(reverse("workspace:portal-overview", args=[kari.pk]))
    assert response.status_code == 404


def test_a_relative_named_by_national_id_is_no_users_link(cast):
    """Nobody logs in as a link without a user: the policy's lookups are by user."""
    RelativeLink.objects.create(
        patient=cast.team.patient,
        name="Siri Nordvik",
        national_id=synthetic_national_id(dt.date(1990, 3, 12), 1),
        relation=RelativeLink.Relation.SIBLING,
        may_see_goals=True,
        created_by=cast.patient,
    )
    stranger = UserFactory(kind=User.Kind.RELATIVE)
    assert not visible_patients(stranger).exists()
    assert standing(stranger, cast.team.patient) == Standing()
