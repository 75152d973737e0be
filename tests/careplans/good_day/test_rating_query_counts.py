"""Query budget of the "gode-dager" section, pinned at two data sizes to catch N+1 queries.

The team page as a whole is pinned in tests/actors/test_query_counts.py; this section adds
SECTION_QUERIES to it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from actors.selectors import team_get
from careplans.good_day.rating_views import good_day_rating_section
from careplans.models import GoodDayRating
from tests.conftest import KEYED_PLANS, Cast, client_for
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

# The section's own build: 1 the last twelve answers with who recorded each.
SECTION_QUERIES = 1
# The partial: 1 session, 2 user, 3 team with patient and the viewer's standing (team_get),
# 4 the audit row, 5 the answers; and the transaction of keyed plans.
PARTIAL_QUERIES = 5 + KEYED_PLANS


def _answers(cast: Cast, count: int) -> None:
    """``count`` weekly answers, each recorded by its own person."""
    today = timezone.localdate()
    GoodDayRating.objects.bulk_create(
        GoodDayRating(
            patient=cast.team.patient,
            rated_on=today - dt.timedelta(days=7 * n),
            good_days=n % 8,
            recorded_by=StaffFactory.create(),
        )
        for n in range(count)
    )


@pytest.mark.parametrize("count", [5, 50])
def test_the_section_builds_in_one_query_for_5_and_50_answers(
    cast: Cast, count: int, django_assert_num_queries
):
    _answers(cast, count)
    page = team_get(cast.coordinator, cast.team.pk)
    with django_assert_num_queries(SECTION_QUERIES):
        data = good_day_rating_section(page)
        str([r.recorded_by for r in data["ratings"]])
    assert len(data["ratings"]) == min(count, 12)


@pytest.mark.parametrize("count", [5, 50])
def test_the_partial_costs_the_same_for_5_and_50_answers(
    cast: Cast, count: int, django_assert_num_queries
):
    _answers(cast, count)
    client = client_for(cast.coordinator)
    url = reverse("workspace:team-gode-dager", args=[cast.team.pk])
    with django_assert_num_queries(PARTIAL_QUERIES):
        response = client.get(url, headers={"HX-Request": "true"})
    assert response.content.decode().count("<circle") == min(count, 12)
