"""The migration that brings one open draft per plan to a database that has many (issue 13,
finding 11): run for real, back to the migration before it and forward again."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import Cast
from tests.migrating import migrate, migrated_back

BEFORE = [("careplans", "0006_annual_missed")]
AFTER = [("careplans", "0007_one_open_plan_draft")]


@pytest.fixture
def before(cast: Cast) -> Iterator[Any]:
    """The historical models as they were before the migration, with the database there; the
    database goes back to the newest migrations afterwards, whatever the test did."""
    with migrated_back(BEFORE) as apps:
        yield apps


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_the_newest_draft_open_and_supersedes_the_others(
    cast: Cast, before: Any
):
    plan_model = before.get_model("careplans", "CarePlan")
    version_model = before.get_model("careplans", "CarePlanVersion")
    approval_model = before.get_model("careplans", "PlanApproval")

    def versions(team_pk: int, *statuses: str) -> Any:
        plan = plan_model.objects.create(team_id=team_pk, version=len(statuses))
        return [
            version_model.objects.create(
                plan=plan, number=n, status=status, created_by_id=cast.coordinator.pk
            )
            for n, status in enumerate(statuses, start=1)
        ]

    # Kari's plan: in force, then three clicks on "Lag et nytt utkast"; Kari approved one.
    karis = versions(cast.team.pk, "in_force", "draft", "draft", "draft")
    approval_model.objects.create(version=karis[2], approver_id=cast.patient.pk, capacity="patient")
    # Ola's: a draft left behind when a newer one went in force.
    olas = versions(cast.other_team.pk, "draft", "in_force")

    after = migrate(AFTER).get_model("careplans", "CarePlanVersion")
    statuses = dict(after.objects.values_list("pk", "status"))
    assert [statuses[v.pk] for v in karis] == ["in_force", "superseded", "superseded", "draft"]
    assert [statuses[v.pk] for v in olas] == ["superseded", "in_force"]
    # Nothing is lost: every version and the approval of a superseded draft are still there.
    assert after.objects.count() == 6
    assert approval_model.objects.filter(version_id=karis[2].pk).exists()
