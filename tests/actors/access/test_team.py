"""``authorize_team`` (the team page's one read for access: the team with the viewer's standing)
decides as ``authorize`` does with ``standing``, for every role of the cast, audits each read,
and reads the standing afresh on every request."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from actors.access import Action, authorize_team, check, standing
from actors.models import Member, Role, Team
from lkt.models import AccessLog
from tests.conftest import Cast
from tests.factories import MemberFactory, TeamFactory
from tests.test_access_matrix import ROLES

pytestmark = pytest.mark.django_db


def _outcome(call):
    try:
        return call()
    except (Http404, PermissionDenied) as refusal:
        return type(refusal)


@pytest.mark.parametrize("action", [Action.VIEW_TEAM, Action.VIEW_CLINICAL, Action.MANAGE_TEAM])
@pytest.mark.parametrize("role", ROLES)
def test_the_team_read_decides_as_the_policy(cast: Cast, role: str, action: Action):
    user = cast.user(role)
    expected = standing(user, cast.team.patient)
    got = _outcome(lambda: authorize_team(user, action, cast.team.pk))
    if isinstance(got, tuple):
        team, got_standing = got
        assert team == cast.team
        assert got_standing == expected
    else:
        assert got is _outcome(lambda: check(user, action, cast.team.patient))


def test_each_read_writes_one_audit_row(cast: Cast):
    authorize_team(cast.coordinator, Action.VIEW_TEAM, cast.team.pk)
    authorize_team(cast.coordinator, Action.VIEW_TEAM, cast.team.pk)
    rows = AccessLog.objects.filter(user=cast.coordinator, object_type="actors.team")
    assert rows.count() == 2
    assert {row.object_id for row in rows} == {str(cast.team.pk)}


def test_a_team_that_does_not_exist_is_404(cast: Cast):
    with pytest.raises(Http404):
        authorize_team(cast.coordinator, Action.VIEW_TEAM, cast.team.pk + 1000)


def test_a_member_who_has_left_is_refused_on_the_next_read(cast: Cast):
    _, before = authorize_team(cast.member, Action.VIEW_TEAM, cast.team.pk)
    assert before.is_member
    Member.objects.filter(team=cast.team, user=cast.member).update(left_on=timezone.localdate())
    with pytest.raises(Http404):
        authorize_team(cast.member, Action.VIEW_TEAM, cast.team.pk)


def test_the_standing_on_a_closed_team_comes_from_the_patients_open_team(cast: Cast):
    """As ``standing`` reads it: membership counts in the patient's open team, whichever team
    of hers the page shows."""
    Team.objects.filter(pk=cast.team.pk).update(
        status=Team.Status.CLOSED, closed_on=timezone.localdate()
    )
    new = TeamFactory(patient=cast.team.patient, status=Team.Status.ACTIVE)
    MemberFactory(team=new, user=cast.outsider, role=Role.NURSE)
    _, s = authorize_team(cast.outsider, Action.VIEW_TEAM, cast.team.pk)
    assert s == standing(cast.outsider, cast.team.patient)
    assert s.is_member and not s.is_coordinator
