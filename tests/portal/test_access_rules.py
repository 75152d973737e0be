"""The consent rules in the one access policy, read without a request."""

from __future__ import annotations

import pytest

from actors.models import RelativeLink
from lkt.access import Action, Standing, allows, can, standing
from tests.portal.helpers import child, parent_of

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
