"""Query budgets of the evaluation page and of the team page section "Planperiode og
evaluering", pinned at two data sizes to catch N+1 queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from actors.selectors import team_get
from careplans.models import Goal
from coordination.evaluation.selectors import evaluation_section
from coordination.evaluation.services import (
    evaluation_meeting_propose,
    evaluation_summary_save,
    goal_evaluation_save,
)
from coordination.models import Evaluation, EvaluationCorrection, PlanPeriod
from tests.conftest import Cast, client_for

pytestmark = pytest.mark.django_db

# The evaluation page: 1 session, 2 user, 3 the period with team and patient, 4 the viewer's
# standing, 5 the audit row, 6 the evaluation, 7 the current goals with their main goal, 8 the
# recorded results, 9 the corrections with their authors, 10 the live evaluation meeting with
# its leader. The menu's unread count is cached.
EVALUATION_PAGE_QUERIES = 10
# The team page section: 1 the newest periods with their evaluations, 2 their live evaluation
# meetings, 3 the statuses of the plan versions in force and in draft.
SECTION_QUERIES = 3


def _evaluation_with(cast: Cast, goals: int) -> PlanPeriod:
    period = PlanPeriod.objects.create(
        team=cast.team,
        starts_on=dt.date(2026, 9, 1),
        ends_on=dt.date(2027, 3, 12),
        created_by=cast.coordinator,
    )
    evaluation_meeting_propose(period=period, today=dt.date(2027, 3, 1))
    parent = Goal.objects.create(patient=cast.team.patient, text="Hovedmål", wish="Bo hjemme")
    rows = Goal.objects.bulk_create(
        Goal(patient=cast.team.patient, text=f"Delmål {n}", parent=parent, position=n)
        for n in range(goals - 1)
    )
    for goal in [parent, *rows][: goals // 2]:
        goal_evaluation_save(
            actor=cast.coordinator,
            period=period,
            goal=goal,
            result="partly",
            patient_words=f"Ord {goal.pk}",
        )
    evaluation_summary_save(
        actor=cast.coordinator, period=period, summary="Oppsummert", base_version=0
    )
    evaluation = Evaluation.objects.get(period=period)
    EvaluationCorrection.objects.bulk_create(
        EvaluationCorrection(evaluation=evaluation, author=cast.member, text=f"Rettelse {n}")
        for n in range(goals // 5)
    )
    return period


@pytest.mark.parametrize("goals", [5, 50])
def test_the_evaluation_page_uses_the_same_queries_for_5_and_50_goals(
    cast: Cast, goals: int, django_assert_num_queries
):
    period = _evaluation_with(cast, goals)
    client = client_for(cast.coordinator)
    client.get("/")  # the menu's unread count is cached from here on
    with django_assert_num_queries(EVALUATION_PAGE_QUERIES):
        response = client.get(reverse("coordination:evaluation-detail", args=[period.pk]))
    body = response.content.decode()
    assert body.count('class="lkt-evaluation-goal"') == goals
    assert body.count("Delmål ") >= goals - 1


@pytest.mark.parametrize("periods", [5, 50])
def test_the_section_builds_in_three_queries_for_5_and_50_periods(
    cast: Cast, periods: int, django_assert_num_queries
):
    start = dt.date(2000, 1, 1)
    for n in range(periods):
        period = PlanPeriod.objects.create(
            team=cast.team,
            starts_on=start + dt.timedelta(days=10 * n),
            ends_on=start + dt.timedelta(days=10 * n + 9),
            created_by=cast.coordinator,
            evaluated_on=start + dt.timedelta(days=10 * n + 9) if n < periods - 1 else None,
        )
        Evaluation.objects.create(period=period, created_by=cast.coordinator)
    evaluation_meeting_propose(period=period, today=dt.date(2000, 1, 1))
    page = team_get(cast.coordinator, cast.team.pk)
    with django_assert_num_queries(SECTION_QUERIES):
        data = evaluation_section(page)
    assert len(data["rows"]) == 5
    assert data["current"] == period
    assert data["meeting"] is not None
