"""Query budgets of the task pages, pinned at two data sizes to catch N+1 queries."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from actors.models import Role
from coordination.models import Task
from tests.conftest import KEYED_PLANS, Cast, client_for
from tests.coordination.tiltak.test_services import goal_for
from tests.factories import MemberFactory

HTMX = {"HX-Request": "true"}
MONDAY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
# The module's rows and sessions are made on its own Monday, as its tests travel there.
pytestmark = [pytest.mark.django_db, pytest.mark.instant(MONDAY)]

# The task list: 1 session, 2 user, 3 team with patient, 4 standing, 5 audit row, 6 the tasks
# with goal, owner (user, organisation) and the meeting of the decision they came from.
TASK_LIST_QUERIES = 6
# The "tiltak" section as htmx: 1 session, 2 user, the team page's shared reads (3 team with
# patient and standing, 4 audit row, 5 the members, each owner among them) and the section's
# one: 6 open tasks with goal and decision (a query with the owners joined in spent longer
# planning than both take together, issue 17); and the transaction of keyed plans.
TASKS_SECTION_QUERIES = 6 + KEYED_PLANS


def _tasks(cast: Cast, size: int) -> None:
    owners = [MemberFactory.create(team=cast.team, role=Role.OTHER) for _ in range(3)]
    goals = [goal_for(cast, text=f"Mål {n}") for n in range(3)]
    Task.objects.bulk_create(
        Task(
            team=cast.team,
            goal=goals[n % 3],
            title=f"Tiltak nummer {n}",
            owner=owners[n % 3],
            due_on=MONDAY.date() + dt.timedelta(days=n - size // 2),
            created_by=cast.coordinator,
        )
        for n in range(size)
    )


@pytest.mark.parametrize("size", [5, 50])
def test_the_task_list_uses_the_same_queries_for_5_and_50_tasks(
    cast: Cast, size: int, django_assert_num_queries
):
    _tasks(cast, size)
    client = client_for(cast.coordinator)
    with time_machine.travel(MONDAY, tick=False), django_assert_num_queries(TASK_LIST_QUERIES):
        response = client.get(reverse("coordination:team-tasks", args=[cast.team.pk]))
    body = response.content.decode()
    assert body.count("<td>Tiltak nummer") == size
    assert body.count("Over fristen") == size // 2


@pytest.mark.parametrize("size", [5, 50])
def test_the_tasks_section_uses_the_same_queries_for_5_and_50_tasks(
    cast: Cast, size: int, django_assert_num_queries
):
    _tasks(cast, size)
    client = client_for(cast.member)
    with time_machine.travel(MONDAY, tick=False), django_assert_num_queries(TASKS_SECTION_QUERIES):
        response = client.get(reverse("workspace:team-tiltak", args=[cast.team.pk]), headers=HTMX)
    assert response.content.decode().count("<td>Tiltak nummer") == size
