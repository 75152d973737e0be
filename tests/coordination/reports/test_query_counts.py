"""Query budget of the indicator page, pinned at two data sizes (6 and 30 teams, each with
meetings and night contacts) to catch a query per team or per month: computed from the facts,
and read from the months beat keeps."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from coordination.models import Meeting, NightContact
from coordination.reports.indicator_months import indicator_months_refresh
from tests.conftest import Cast, client_for
from tests.coordination.reports.test_indicators import make_teams, plan_in_force
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

# 1 session, 2 user, 3 the leader's organisations (actors.access.leader_organisations), 4 the
# chosen organisation (the form's choice), 5 it and those directly below it, 6 the stored months
# (none yet), then the facts (coordination.reports.indicator_data.load_facts): 7 the
# organisation tree, 8 core members, 9 their teams in the period (by key: asked in one query
# with the members, PostgreSQL scanned every team in the country; with each team's plan id),
# 10 mandatory roles, 11 mandates, 12 plan versions in force (by their plans' ids; not asked
# when no team has a plan), 13 plan periods, 14 årshjul done, 15 årshjul missed, 16 årshjul
# passed since the last sweep, 17 held meetings, 18 need reports to the first meeting,
# 19 coordinators' memberships, 20 night contacts, 21 survey answers, 22 good-day ratings; then
# the two forms' organisation choices, each read twice by the select widget: 23–26.
PAGE_QUERIES = 26
# With the months stored: the first six, then the forms' four.
STORED_QUERIES = 10


@pytest.mark.parametrize("stored", [False, True], ids=["facts", "stored"])
@pytest.mark.parametrize("count", [6, 30])
def test_indicator_page_query_count_does_not_grow_with_teams(
    cast: Cast, count: int, stored: bool, django_assert_num_queries
):
    author = StaffFactory.create(organisation=cast.kommune)
    now = timezone.now()
    for n, team in enumerate(make_teams(cast.kommune, count, established=dt.date(2024, 1, 1))):
        plan_in_force(team, author, dt.date(2024, 2, 1), leaders=n % 2 == 0)
        Meeting.objects.create(
            team=team,
            kind=Meeting.Kind.STARTUP,
            status=Meeting.Status.HELD,
            starts_at=now - dt.timedelta(days=30 + n),
            minutes="Referat",
            created_by=author,
        )
        NightContact.objects.create(
            patient=team.patient,
            service="legevakt",
            occurred_at=now - dt.timedelta(days=10 + n),
            reason="Uro",
            outcome="sent_home",
            recorded_by=author,
        )
    if stored:
        indicator_months_refresh()
    client = client_for(cast.leader)

    with django_assert_num_queries(STORED_QUERIES if stored else PAGE_QUERIES):
        response = client.get(reverse("coordination:indicators"))

    assert response.status_code == 200
    assert ("natt til" in response.content.decode()) is stored
