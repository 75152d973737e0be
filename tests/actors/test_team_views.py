from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_coordinator_sees_team_members_grouped_by_level(cast):
    response = client_for(cast.coordinator).get(reverse("actors:team-detail", args=[cast.team.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Kari Nordvik" in body
    assert "Kommune" in body
    assert "Tor Testesen" in body
