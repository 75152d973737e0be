from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_coordinator_sees_team_members_grouped_by_level(cast):
    response = client_for(cast.coordinator).get(
        reverse("workspace:team-detail", args=[cast.team.pk])
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Kari Nordvik" in body
    assert "Kommune" in body
    assert "Tor Testesen" in body


def test_home_warns_about_a_member_leaving_without_a_plan(cast):
    tor = cast.team.members.get(user=cast.member)
    tor.expected_leave_on = timezone.localdate() + dt.timedelta(days=30)
    tor.save()
    body = client_for(cast.coordinator).get(reverse("workspace:team-list")).content.decode()
    assert "1 overgang uten plan" in body
    assert f'href="/aktorfellesskap/{cast.team.pk}/#scenarier"' in body
