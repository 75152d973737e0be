"""The plan under concurrency, in real transactions at once: the plan row lock makes one write
wait for the other, so an approval never lands on a version that a newer draft has replaced,
and two clicks on "Lag et nytt utkast" at the same moment leave one open draft."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse

from actors.models import User
from careplans.models import CarePlan, CarePlanVersion, PlanApproval
from careplans.plan.services import StalePlan, plan_approve, plan_draft_open
from tests.careplans.helpers import ready_draft
from tests.concurrency import posting, run_together
from tests.conftest import Cast, client_for

Status = CarePlanVersion.Status


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(5))
def test_an_approval_racing_a_new_draft_never_counts_for_a_replaced_version(cast, attempt):
    old = ready_draft(cast.coordinator, cast.team)
    base = old.plan.version

    def approve() -> str:
        try:
            plan_approve(actor=cast.leader, version=old, base_version=base)
        except StalePlan:
            return "stale"
        return "approved"

    def redraft() -> bool:
        return plan_draft_open(actor=cast.coordinator, team=cast.team)[1]

    approval, new = run_together(approve, redraft)
    # Either the click came first and opened the same draft, which the leader then approved;
    # or the approval came first and fixed the draft, so the click replaced it with a new one.
    assert approval == "approved"
    (draft,) = CarePlanVersion.objects.filter(plan=old.plan, status=Status.DRAFT)
    assert PlanApproval.objects.filter(version=old).count() == 1
    if new:
        assert draft.number == old.number + 1
        assert not draft.approvals.exists()
        old.refresh_from_db()
        assert old.status == Status.SUPERSEDED
    else:
        assert draft.pk == old.pk


@pytest.mark.django_db(transaction=True)
def test_two_approvers_at_once_both_count_on_the_same_draft(cast):
    draft = ready_draft(cast.coordinator, cast.team)
    base = draft.plan.version

    def approving(user: User) -> Callable[[], str]:
        def action() -> str:
            try:
                plan_approve(actor=user, version=draft, base_version=base)
            except StalePlan:
                return "stale"
            return "approved"

        return action

    results = run_together(approving(cast.coordinator), approving(cast.leader))
    assert results == ["approved", "approved"]
    assert set(PlanApproval.objects.filter(version=draft).values_list("capacity", flat=True)) == {
        "coordinator",
        "leader",
    }


@pytest.mark.django_db(transaction=True)
def test_two_new_drafts_at_once_open_one_draft(cast: Cast):
    ready_draft(cast.coordinator, cast.team)
    CarePlanVersion.objects.filter(plan__team=cast.team).update(status=Status.IN_FORCE)

    def open_draft() -> tuple[CarePlanVersion, bool]:
        return plan_draft_open(actor=cast.coordinator, team=cast.team)

    (first, first_new), (second, second_new) = run_together(open_draft, open_draft)

    assert first.pk == second.pk
    assert sorted([first_new, second_new]) == [False, True]
    assert CarePlanVersion.objects.filter(plan__team=cast.team, status=Status.DRAFT).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_clicks_on_the_first_draft_at_once_make_one_plan_with_one_draft(cast: Cast):
    """No plan yet: the two requests race to create the plan row itself, then the draft."""
    url = reverse("careplans:plan-draft-create", args=[cast.team.pk])
    edit = reverse("careplans:plan-draft-edit", args=[cast.team.pk])

    first, second = run_together(
        posting(client_for(cast.coordinator), url, {}),
        posting(client_for(cast.coordinator), url, {}),
    )

    assert [first.status_code, second.status_code] == [302, 302], (first, second)
    assert first["Location"] == second["Location"] == edit
    plan = CarePlan.objects.get(team=cast.team)
    assert list(plan.versions.values_list("number", "status")) == [(1, Status.DRAFT)]
