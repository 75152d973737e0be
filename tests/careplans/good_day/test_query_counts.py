"""Query budgets of Min gode dag, pinned at 3 and 100 versions: history must not cost queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actors.models import Role
from careplans.models import GoodDay, GoodDayVersion
from tests.careplans.helpers import many_versions
from tests.conftest import KEYED_PLANS, client_for
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}

# The team page section alone (htmx), for the coordinator: 1 session, 2 user, 3 team with
# patient and the viewer's standing, 4 the audit row, 5 the newest version of Min gode dag
# with its author; and the transaction of keyed plans.
SECTION_QUERIES = 5 + KEYED_PLANS
# The history page, for the coordinator: 1 session, 2 user, 3 patient, 4 standing, 5 audit row,
# 6 the number of versions (paginator), 7 one page of versions with their authors.
HISTORY_QUERIES = 7
# Kari's own page: 1 session, 2 user, 3 patient (her standing needs no query), 4 audit row,
# 5 the newest version with its author, 6 its co-writers, 7 the team's staff she may name as
# co-writers, 8 her open team (for the link back).
PAGE_QUERIES = 8
# The diff: 1 session, 2 user, 3 patient, 4 standing, 5 audit row, 6 the two versions.
DIFF_QUERIES = 6


@pytest.mark.parametrize("versions", [3, 100])
def test_the_team_section_uses_the_same_queries_for_3_and_100_versions(
    cast, versions, django_assert_num_queries
):
    many_versions(cast.team.patient, cast.patient, versions)
    client = client_for(cast.coordinator)
    url = reverse("workspace:team-min-gode-dag", args=[cast.team.pk])
    with django_assert_num_queries(SECTION_QUERIES):
        response = client.get(url, headers=HTMX)
    assert f"Versjon {versions}, skrevet" in response.content.decode()


@pytest.mark.parametrize("versions", [3, 100])
def test_the_history_uses_the_same_queries_for_3_and_100_versions(
    cast, versions, django_assert_num_queries
):
    many_versions(cast.team.patient, cast.patient, versions)
    client = client_for(cast.coordinator)
    url = reverse("careplans:good-day-history", args=[cast.team.patient.pk])
    with django_assert_num_queries(HISTORY_QUERIES):
        response = client.get(url)
    assert response.content.decode().count('name="til"') == min(versions, 25)


@pytest.mark.parametrize("versions", [3, 100])
def test_the_patients_page_uses_the_same_queries_for_3_and_100_versions(
    cast, versions, django_assert_num_queries
):
    many_versions(cast.team.patient, cast.patient, versions)
    client = client_for(cast.patient)
    url = reverse("careplans:good-day", args=[cast.team.patient.pk])
    with django_assert_num_queries(PAGE_QUERIES):
        response = client.get(url)
    assert f'name="base_version" value="{versions}"' in response.content.decode()


@pytest.mark.parametrize("versions", [3, 100])
def test_the_diff_uses_the_same_queries_for_3_and_100_versions(
    cast, versions, django_assert_num_queries
):
    many_versions(cast.team.patient, cast.patient, versions)
    client = client_for(cast.coordinator)
    url = reverse("careplans:good-day-diff", args=[cast.team.patient.pk])
    with django_assert_num_queries(DIFF_QUERIES):
        response = client.get(url, {"fra": 1, "til": versions})
    assert f"Fra versjon 1 til versjon {versions}" in response.content.decode()


def _team_page_queries(cast, members: int, versions: int) -> int:
    for _ in range(members - 2):  # Cecilie and Tor are in the team already
        MemberFactory(team=cast.team, role=Role.NURSE)
    many_versions(cast.team.patient, cast.patient, versions)
    client = client_for(cast.coordinator)
    url = reverse("workspace:team-min-gode-dag", args=[cast.team.pk])  # lazy (issue 17)
    client.get(url, headers={"HX-Request": "true"})  # warm the session
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers={"HX-Request": "true"})
    assert f"Versjon {versions}, skrevet" in response.content.decode()
    return len(queries)


def test_the_whole_team_page_costs_the_same_with_3_members_and_3_versions_as_with_40_and_100(
    cast,
):
    # The absolute budget of the whole page is pinned in tests/actors/test_query_counts.py,
    # where every section's queries add up; here: Min gode dag adds none per member or version.
    small = _team_page_queries(cast, 3, 3)
    GoodDayVersion.objects.all().delete()
    GoodDay.objects.all().delete()
    assert _team_page_queries(cast, 40, 100) == small
