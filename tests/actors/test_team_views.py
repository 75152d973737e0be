from __future__ import annotations

import pytest
from django.urls import reverse

from actors.models import Role
from lkt.models import AccessLog
from tests.conftest import client_for
from tests.factories import MemberFactory, StaffFactory, TeamFactory, ConsentFactory

pytestmark = pytest.mark.django_db


def test_coordinator_sees_team_members_grouped_by_level(cast):
    response = client_for(cast.coordinator).get(reverse("actors:team-detail", args=[cast.team.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Kari Nordvik" in body
    assert "Kommune" in body
    assert "Tor Testesen" in body
