"""Approvals racing a new draft, in two real transactions at once: the plan row lock makes one
wait for the other, so an approval never lands on a version that a newer draft has replaced."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from actors.models import User
from careplans.models import CarePlanVersion, PlanApproval
from careplans.plan_services import StalePlan, plan_approve, plan_draft_create
from tests.careplans.helpers import ready_draft
from tests.concurrency import run_together


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(5))
def test_an_approval_racing_a_new_draft_never_counts_for_the_replaced_version(cast, attempt):
    old = ready_draft(cast.coordinator, cast.team)
    base = old.plan.version

    def approve() -> str:
        try:
            plan_approve(actor=cast.leader, version=old, base_version=base)
        except StalePlan:
            return "stale"
        return "approved"

    def redraft() -> str:
        plan_draft_create(actor=cast.coordinator, team=cast.team)
        return "drafted"

    approval, drafted = run_together(approve, redraft)
    assert drafted == "drafted"
    new = CarePlanVersion.objects.get(plan=old.plan, number=old.number + 1)
    late = PlanApproval.objects.filter(version=old, approved_at__gt=new.created_at)
    assert not late.exists()
    on_old = PlanApproval.objects.filter(version=old).count()
    assert on_old == (1 if approval == "approved" else 0)
    assert not new.approvals.exists()


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
