"""Query budgets of the FHIR reads and searches, pinned at two data sizes to catch N+1."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from actors.models import Role
from careplans.models import CarePlanVersion, Goal
from coordination.models import Task
from tests.careplans.phase_helpers import full_phase_plan, version_for
from tests.conftest import Cast, client_for
from tests.coordination.tiltak.test_services import tor
from tests.factories import MemberFactory, StaffFactory
from tests.lkt.fhir_helpers import entries, fhir_get, resource

pytestmark = pytest.mark.django_db
SIZES = [5, 50]

# A CarePlan read: 1 session, 2 user, 3 the version with its team and patient, the version it
# replaces, when it was replaced and the team's phase (subqueries), 4 the reader's standing,
# 5 the audit row, 6 the phase plan with who acts and the named night contact.
CARE_PLAN_READ_QUERIES = 6
# A CarePlan search: 1 session, 2 user, 3 the count, 4 the page of versions (as the read), 5
# their phase plans, 6 the audit rows (one insert for the page).
CARE_PLAN_SEARCH_QUERIES = 6
# A CareTeam read: 1 session, 2 user, 3 the team with patient and when it or a member last
# changed, 4 the members with their users, 5 standing, 6 the audit row.
CARE_TEAM_READ_QUERIES = 6
# A Task search: 1 session, 2 user, 3 the count, 4 the page of tasks with goal and owner, 5
# the audit rows.
TASK_SEARCH_QUERIES = 5


def _plan_history(cast: Cast, size: int) -> CarePlanVersion:
    """``size`` approved versions, each with the phase plan and ``size`` goals."""
    goals = Goal.objects.bulk_create(
        Goal(patient=cast.team.patient, wish="Å sove godt", text=f"Mål {n}") for n in range(size)
    )
    actor = MemberFactory(team=cast.team, user=StaffFactory(), role=Role.NURSE)
    now = timezone.now()
    version = None
    for n in range(size):
        version = version_for(
            cast.team,
            cast.coordinator,
            status="in_force" if n == size - 1 else "superseded",
            in_force_at=now - dt.timedelta(days=size - n),
            goals=[{"id": g.pk, "text": g.text} for g in goals],
        )
        full_phase_plan(version, actor=actor)
    assert version is not None
    return version


@pytest.mark.parametrize("size", SIZES)
def test_a_care_plan_read_costs_the_same_whatever_the_history(
    cast: Cast, size: int, django_assert_num_queries
):
    version = _plan_history(cast, size)
    client = client_for(cast.member)
    with django_assert_num_queries(CARE_PLAN_READ_QUERIES):
        response = fhir_get(client, f"CarePlan/{version.pk}")
    plan = resource(response, "CarePlan")
    assert len(plan.goal) == size
    assert plan.replaces is not None


@pytest.mark.parametrize("size", SIZES)
def test_a_care_plan_search_costs_the_same_whatever_the_number_of_versions(
    cast: Cast, size: int, django_assert_num_queries
):
    _plan_history(cast, size)
    client = client_for(cast.member)
    with django_assert_num_queries(CARE_PLAN_SEARCH_QUERIES):
        response = fhir_get(client, f"CarePlan?patient={cast.team.patient.pk}")
    assert len(entries(response, "CarePlan")) == size


@pytest.mark.parametrize("size", SIZES)
def test_a_care_team_read_costs_the_same_whatever_the_number_of_members(
    cast: Cast, size: int, django_assert_num_queries
):
    for _ in range(size):
        MemberFactory(team=cast.team, user=StaffFactory(), role=Role.OTHER)
    client = client_for(cast.member)
    with django_assert_num_queries(CARE_TEAM_READ_QUERIES):
        response = fhir_get(client, f"CareTeam/{cast.team.pk}")
    assert len(resource(response, "CareTeam").participant) == size + 2


@pytest.mark.parametrize("size", SIZES)
def test_a_task_search_costs_the_same_whatever_the_number_of_tasks(
    cast: Cast, size: int, django_assert_num_queries
):
    goal = Goal.objects.create(patient=cast.team.patient, wish="Å sove godt", text="Sove")
    Task.objects.bulk_create(
        Task(
            team=cast.team,
            goal=goal,
            title=f"Tiltak {n}",
            owner=tor(cast),
            due_on=timezone.localdate(),
            created_by=cast.coordinator,
        )
        for n in range(size)
    )
    client = client_for(cast.member)
    with django_assert_num_queries(TASK_SEARCH_QUERIES):
        response = fhir_get(client, f"Task?patient={cast.team.patient.pk}")
    assert len(entries(response, "Task")) == size
