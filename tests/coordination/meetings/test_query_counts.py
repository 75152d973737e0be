"""Query budgets of the meeting pages, pinned at two data sizes to catch N+1 queries."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from actors.models import Role
from coordination.models import AgendaItem, Decision, Meeting, Task
from tests.conftest import KEYED_PLANS, Cast, client_for
from tests.coordination.meetings.test_services import FROZEN, NEXT_WEEK, plan
from tests.coordination.tiltak.test_services import goal_for, tor
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}

# The meeting page: 1 session, 2 user, 3 the meeting with team, patient, leader, referent and
# who last saved the minutes, 4 its agenda items, 5 its decisions with their tasks, goals and
# owners, 6 the invited members with user and organisation, 7 the invited relatives, 8 the
# viewer's standing, 9 the audit row, 10 the patient's wishes for meetings, 11 the documents
# attached to the meeting (issue 19).
MEETING_QUERIES = 11
# The meeting list: 1 session, 2 user, 3 team with patient, 4 standing, 5 audit row, 6 the
# meetings with leader and referent, 7 the patient's wishes.
MEETING_LIST_QUERIES = 7
# The "moter" section as htmx: 1 session, 2 user, then the team page's shared reads (3 team
# with patient and standing, 4 audit row, 5 the members, leaders and referents among them) and
# the section's own three: 6 the next meetings, 7 the last ones held, 8 the patient's wishes
# (the meetings with leader and referent joined in spent longer planning than running, issue 17);
# and the transaction of keyed plans.
MEETINGS_SECTION_QUERIES = 8 + KEYED_PLANS


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(FROZEN, tick=False):
        yield


def _busy_meeting(cast: Cast, size: int) -> Meeting:
    for _ in range(size):
        MemberFactory(team=cast.team, role=Role.OTHER)
    meeting = plan(cast, invited=list(cast.team.members.all()))
    items = AgendaItem.objects.bulk_create(
        AgendaItem(meeting=meeting, title=f"Sak {n}", position=100 + n) for n in range(size)
    )
    decisions = Decision.objects.bulk_create(
        Decision(meeting=meeting, agenda_item=item, text=f"Beslutning {n}", created_by=cast.member)
        for n, item in enumerate(items)
    )
    goal = goal_for(cast)
    Task.objects.bulk_create(
        Task(
            team=cast.team,
            goal=goal,
            title=f"Tiltak {n}",
            owner=tor(cast),
            due_on=FROZEN.date() + dt.timedelta(days=3),
            decision=decision,
            created_by=cast.member,
        )
        for n, decision in enumerate(decisions)
        if n % 2 == 0
    )
    return meeting


@pytest.mark.parametrize("size", [5, 50])
def test_the_meeting_page_uses_the_same_queries_for_5_and_50_items(
    cast: Cast, size: int, django_assert_num_queries
):
    meeting = _busy_meeting(cast, size)
    client = client_for(cast.member)
    with django_assert_num_queries(MEETING_QUERIES):
        response = client.get(reverse("coordination:meeting-detail", args=[meeting.pk]))
    body = response.content.decode()
    assert f"Beslutning {size - 1}" in body
    assert body.count("Gjør til tiltak<") == size // 2  # the decisions without a task yet
    assert "Tiltak 0" in body


def _meetings(cast: Cast, size: int) -> None:
    leader = cast.team.members.get(user=cast.coordinator)
    Meeting.objects.bulk_create(
        Meeting(
            team=cast.team,
            kind=Meeting.Kind.BOARD,
            status=Meeting.Status.HELD if n % 2 else Meeting.Status.PLANNED,
            starts_at=NEXT_WEEK + dt.timedelta(days=(n if n % 2 == 0 else -n - 10)),
            place=f"Rom {n}",
            leader=leader,
            referent=tor(cast),
            created_by=cast.coordinator,
        )
        for n in range(size)
    )


@pytest.mark.parametrize("size", [5, 50])
def test_the_meeting_list_uses_the_same_queries_for_5_and_50_meetings(
    cast: Cast, size: int, django_assert_num_queries
):
    _meetings(cast, size)
    client = client_for(cast.member)
    with django_assert_num_queries(MEETING_LIST_QUERIES):
        response = client.get(reverse("coordination:team-meetings", args=[cast.team.pk]))
    assert response.content.decode().count("Tavlemøte") == size


@pytest.mark.parametrize("size", [5, 50])
def test_the_meetings_section_uses_the_same_queries_for_5_and_50_meetings(
    cast: Cast, size: int, django_assert_num_queries
):
    _meetings(cast, size)
    client = client_for(cast.member)
    with django_assert_num_queries(MEETINGS_SECTION_QUERIES):
        response = client.get(reverse("workspace:team-moter", args=[cast.team.pk]), headers=HTMX)
    assert response.content.decode().count("Tavlemøte") == min(3, size // 2) + min(
        5, (size + 1) // 2
    )
