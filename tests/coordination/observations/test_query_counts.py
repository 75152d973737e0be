"""Query budget of the "observasjoner" section, pinned at two data sizes to catch N+1 queries."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from actors.selectors import team_get
from coordination.models import Observation
from coordination.observations.views import observation_section
from tests.conftest import KEYED_PLANS, Cast, client_for
from tests.factories import MemberFactory, StaffFactory

pytestmark = pytest.mark.django_db

# The section's own build: 1 the open observations with their reporters, 2 the latest decided
# observations with reporter and decider. The answer forms and the report form cost none.
SECTION_QUERIES = 2
# The section served alone (htmx): 1 session, 2 user, 3 team with patient and the viewer's
# standing, 4 the audit row, the transaction of keyed plans, then the section's 2.
PARTIAL_QUERIES = 4 + KEYED_PLANS + SECTION_QUERIES


def _observations(cast: Cast, count: int) -> None:
    """``count`` open observations and ``count`` decided ones, each by its own reporter."""
    rows = []
    for n in range(count):
        reporter = StaffFactory.create()
        MemberFactory(team=cast.team, user=reporter)
        rows.append(
            Observation(
                team=cast.team, reported_by=reporter, text=f"Åpen {n}", proposed_phase="red"
            )
        )
        rows.append(
            Observation(
                team=cast.team,
                reported_by=reporter,
                text=f"Behandlet {n}",
                status=Observation.Status.NOTED,
                decided_by=cast.coordinator,
                decided_at=timezone.now(),
            )
        )
    Observation.objects.bulk_create(rows)


@pytest.mark.parametrize("count", [5, 50])
def test_the_section_builds_in_two_queries_for_5_and_50_observations(
    cast: Cast, count: int, django_assert_num_queries
):
    _observations(cast, count)
    page = team_get(cast.coordinator, cast.team.pk)
    with django_assert_num_queries(SECTION_QUERIES):
        data = observation_section(page)
    assert len(data["open"]) == count


@pytest.mark.parametrize("count", [5, 50])
def test_the_section_partial_uses_the_same_queries_for_5_and_50_observations(
    cast: Cast, count: int, django_assert_num_queries
):
    _observations(cast, count)
    client = client_for(cast.coordinator)
    url = reverse("workspace:team-observasjoner", args=[cast.team.pk])
    with django_assert_num_queries(PARTIAL_QUERIES):
        response = client.get(url, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.count('value="confirm"') == count
    # The latest answers only, newest first.
    assert f"Behandlet {count - 1}" in html
    assert f"Behandlet {count - 6}" not in html
