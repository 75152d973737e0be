"""Query budgets of the plan pages, pinned at two sizes: the number of versions, members and
teams must not cost queries."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from actors.models import Role
from careplans.models import (
    AnnualActivity,
    CarePlan,
    CarePlanVersion,
    PhasePlanEntry,
    PlanApproval,
    PlanCorrection,
)
from careplans.plan.services import plan_draft_open
from coordination.models import Document
from tests.conftest import KEYED_PLANS, client_for
from tests.factories import ConsentFactory, MemberFactory, StaffFactory, TeamFactory

pytestmark = pytest.mark.django_db

# The plan page, for the coordinator: 1 session, 2 user, 3 team with patient and portal user,
# 4 the viewer's standing, 5 the audit row, 6 the plan, 7 the versions (light columns, with
# their approval counts), 8 the version in force and the draft in full, 9 their phase entries,
# 10 their årshjul, 11 the members' corrections to the draft with their authors (new with the
# window for corrections), 12 their documents (issue 19); the draft's required approvals:
# 13 active members, 14 their organisations with parents, 15 the leaders, 16 the
# representations in effect (a guardian or fullmakt approves for an adult too), 17 the
# approvals.
PLAN_QUERIES = 17
# The leader's list: 1 session, 2 user, 3 the leader's organisations (actors.access.
# leader_organisations), 4 the newest drafts with their teams, 5 the core members in them,
# 6 the leader approvals already given.
LEADER_QUERIES = 6


def _history(cast, versions: int, members: int) -> None:
    """``versions`` superseded versions, one in force and a draft; ``members`` more members."""
    for _ in range(members):
        MemberFactory(team=cast.team, role=Role.NURSE, organisation=cast.kommune)
    plan = CarePlan.objects.create(team=cast.team, version=versions + 2)
    today = timezone.localdate()
    CarePlanVersion.objects.bulk_create(
        CarePlanVersion(
            plan=plan,
            number=n,
            status="superseded" if n < versions else "in_force",
            in_force_at=timezone.now(),
            preparedness=f"Versjon {n}",
            period_start=today,
            created_by=cast.coordinator,
        )
        for n in range(1, versions + 1)
    )
    draft, _new = plan_draft_open(actor=cast.coordinator, team=cast.team)
    for version in CarePlanVersion.objects.filter(plan=plan):
        PhasePlanEntry.objects.create(version=version, phase="green", signs="s", actions="a")
        AnnualActivity.objects.create(
            version=version, kind="other", title="Møte", recurrence="yearly", month=3
        )
    assert draft.number == versions + 1
    # As many documents as versions on the version in force and on the draft (issue 19).
    Document.objects.bulk_create(
        Document(
            team=cast.team,
            plan_version=version,
            key=f"plan-{version.pk}-{n}",
            file=f"team-{cast.team.pk}/plan-{version.pk}-{n}",
            name=f"Vedlegg {version.number}-{n}.pdf",
            content_type=Document.Kind.PDF,
            size=100,
            sha256="0" * 64,
            uploaded_by=cast.coordinator,
        )
        for version in CarePlanVersion.objects.filter(plan=plan, status__in=["in_force", "draft"])
        for n in range(versions)
    )
    # One correction per member (authors differ): they must not cost a query each.
    PlanCorrection.objects.bulk_create(
        PlanCorrection(version=draft, author=m.user, text=f"Innspill {n}")
        for n, m in enumerate(cast.team.members.exclude(user=None).select_related("user"))
    )


@pytest.mark.parametrize(("versions", "members"), [(3, 2), (30, 40)])
def test_the_plan_page_uses_the_same_queries_whatever_the_history(
    cast, versions, members, django_assert_num_queries
):
    _history(cast, versions, members)
    client = client_for(cast.coordinator)
    url = reverse("careplans:plan", args=[cast.team.pk])
    with django_assert_num_queries(PLAN_QUERIES):
        response = client.get(url)
    body = response.content.decode()
    assert f"Utkast {versions + 1} venter på godkjenning" in body
    assert body.count("Hva ble endret i versjon") == versions + 1
    assert body.count("Innspill ") >= members
    assert body.count("Vedlegg ") == 2 * versions


@pytest.mark.parametrize("teams", [5, 30])
def test_the_leaders_list_uses_the_same_queries_for_5_and_30_plans(
    cast, teams, django_assert_num_queries
):
    for _ in range(teams):
        coordinator = StaffFactory(organisation=cast.kommune)
        team = TeamFactory(created_by=coordinator)
        MemberFactory(team=team, user=coordinator, role=Role.COORDINATOR)
        ConsentFactory(patient=team.patient, recorded_by=coordinator)
        plan_draft_open(actor=coordinator, team=team)
    client = client_for(cast.leader)
    with django_assert_num_queries(LEADER_QUERIES):
        response = client.get(reverse("careplans:plan-approvals-for-leader"))
    assert response.content.decode().count("Les og godkjenn") == teams


# The team page section alone (htmx), for the coordinator: 1 session, 2 user, 3 team with
# patient and the viewer's standing, 4 the audit row (the page's own reads); then the section:
# 5 the version in force and the newest version, and for a draft its missing approvals:
# 6 the members with user and organisation, 7 the organisations with parents, 8 the leaders,
# 9 the representations in effect, 10 the patient's portal user, 11 the draft's approvals; and
# the transaction of keyed plans.
SECTION_QUERIES = 11 + KEYED_PLANS


@pytest.mark.parametrize(("versions", "members"), [(3, 2), (30, 40)])
def test_the_team_section_uses_the_same_queries_whatever_the_history(
    cast, versions, members, django_assert_num_queries
):
    _history(cast, versions, members)
    client = client_for(cast.coordinator)
    url = reverse("workspace:team-samarbeidsplan", args=[cast.team.pk])
    with django_assert_num_queries(SECTION_QUERIES):
        response = client.get(url, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert f"Versjon {versions} gjelder fra" in body
    assert f"Utkast {versions + 1} venter på 3 godkjenninger." in body


def test_the_team_section_counts_the_approvals_already_given(cast, django_assert_num_queries):
    """The section reads the draft's approvals through a compiled query (issue 17): one given
    is one fewer missing, and other teams' approvals do not count."""
    _history(cast, 3, 2)
    draft = CarePlanVersion.objects.get(plan__team=cast.team, status="draft")
    PlanApproval.objects.create(
        version=draft, approver=cast.coordinator, capacity=PlanApproval.Capacity.COORDINATOR
    )
    other = TeamFactory.create(created_by=cast.coordinator)
    other_plan = CarePlan.objects.create(team=other, version=1)
    other_draft = CarePlanVersion.objects.create(
        plan=other_plan, number=1, created_by=cast.coordinator
    )
    PlanApproval.objects.create(
        version=other_draft, approver=cast.coordinator, capacity=PlanApproval.Capacity.PATIENT
    )
    client = client_for(cast.coordinator)
    url = reverse("workspace:team-samarbeidsplan", args=[cast.team.pk])
    with django_assert_num_queries(SECTION_QUERIES):
        response = client.get(url, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "Utkast 4 venter på 2 godkjenninger." in body
    assert "Koordinator" not in body
