"""Query budgets of the coordination lists, pinned at two data sizes to catch N+1 queries."""

from __future__ import annotations

import pytest
from django.urls import reverse

from actors.models import Role, User
from coordination.models import CoordinatorAppointment, Mandate, NeedReport, Notification
from tests.conftest import Cast, client_for
from tests.factories import MemberFactory, StaffFactory, TeamFactory

pytestmark = pytest.mark.django_db

# The unit's worklist: 1 session, 2 user, 3 the user's organisation (is it a koordinerende
# enhet?), 4 a page of the kommune's reports with reporter and team (one row more than the page
# says whether a next one follows: no COUNT). The menu's unread count is cached.
WORKLIST_QUERIES = 4
# Varsler: 1 session, 2 user, 3 the notifications, 4 and 6 the service's savepoint, 5 marking
# the unread ones read (the menu's cached count is set after commit, without a query).
NOTIFICATION_QUERIES = 6


# 50 reports fill the first page (WORKLIST_PAGE_SIZE); 120 show the same 50, with a next page.
@pytest.mark.parametrize(("reports", "shown"), [(5, 5), (50, 50), (120, 50)])
def test_the_worklist_uses_the_same_queries_for_5_and_50_reports(
    cast: Cast, unit_staff: User, reports: int, shown: int, django_assert_num_queries
):
    reporters = [StaffFactory.create() for _ in range(3)]
    NeedReport.objects.bulk_create(
        NeedReport(
            kommune=cast.kommune,
            patient_name=f"Pasient {n}",
            need="Behov",
            reported_by=reporters[n % 3],
            relation=NeedReport.Relation.GP,
            patient_knows=True,
            patient_agrees=True,
        )
        for n in range(reports)
    )
    client = client_for(unit_staff)
    with django_assert_num_queries(WORKLIST_QUERIES):
        response = client.get(reverse("coordination:need-report-worklist"))
    assert response.content.decode().count("Pasient ") == shown


@pytest.mark.parametrize("count", [5, 50])
def test_the_notification_list_uses_the_same_queries_for_5_and_50(
    cast: Cast, count: int, django_assert_num_queries
):
    Notification.objects.bulk_create(
        Notification(
            recipient=cast.leader,
            kind=Notification.Kind.COORDINATOR_LEAVING,
            team=cast.team,
            occurrence=f"test:{n}",
            message=f"Melding {n}.",
        )
        for n in range(count)
    )
    client = client_for(cast.leader)
    with django_assert_num_queries(NOTIFICATION_QUERIES):
        response = client.get(reverse("coordination:notification-list"))
    assert response.content.decode().count("Melding ") == count


# The leader's approvals: 1 session, 2 user, 3 the leader's organisations (actors.access.
# leader_organisations), 4 proposed coordinators with organisation and caseload (one query, a
# counted join), 5 unapproved mandates with deputy.
APPROVALS_QUERIES = 5


@pytest.mark.parametrize("count", [5, 50])
def test_the_leader_approvals_use_the_same_queries_for_5_and_50(
    cast: Cast, count: int, django_assert_num_queries
):
    for _ in range(count):
        team = TeamFactory.create(created_by=cast.coordinator)
        candidate = StaffFactory.create(organisation=cast.kommune)
        MemberFactory.create(team=TeamFactory.create(), user=candidate, role=Role.COORDINATOR)
        CoordinatorAppointment.objects.create(
            team=team, candidate=candidate, proposed_by=cast.coordinator
        )
        MemberFactory.create(team=team, user=cast.coordinator, role=Role.COORDINATOR)
        deputy = MemberFactory.create(team=team)
        Mandate.objects.create(
            team=team,
            task_description="Lede",
            authority="Innkalle",
            hours_per_month=4,
            deputy=deputy,
            updated_by=cast.coordinator,
        )
    client = client_for(cast.leader)
    with django_assert_num_queries(APPROVALS_QUERIES):
        response = client.get(reverse("coordination:leader-approvals"))
    body = response.content.decode()
    assert body.count("Koordinerer nå 1 team") == count
    assert body.count("Godkjenn mandatet") == count
