"""The patient search reads the user's own patients, not every patient in the country: the
national bench found it 6–8× slower at 500,000 patients than at 10,000 (a sequential scan of
actors_patient testing the name and the policy on each row). Rows read are pinned at two sizes
of the rest of the country (tests/query_plans.py)."""

from __future__ import annotations

import pytest

from actors.access import Action, identifies, patients_for, visible_patients
from actors.models import Consent, Patient, Role
from tests.factories import ConsentFactory, MemberFactory, StaffFactory, TeamFactory
from tests.query_plans import rows_read

pytestmark = pytest.mark.django_db

OWN = 5


def _country(others: int):
    """A coordinator with OWN teams, and ``others`` patients of the same surname in teams of
    someone else (with consent: only the membership keeps them from the coordinator)."""
    coordinator = StaffFactory.create()
    for n in range(OWN):
        team = TeamFactory.create(patient__name=f"Eget Brattvoll{n}", created_by=coordinator)
        MemberFactory.create(team=team, user=coordinator, role=Role.COORDINATOR)
        ConsentFactory.create(patient=team.patient, scope=Consent.Scope.TEAM_SHARING)
    elsewhere = StaffFactory.create()
    for n in range(others):
        team = TeamFactory.create(patient__name=f"Annen Brattvoll{n}", created_by=elsewhere)
        MemberFactory.create(team=team, user=elsewhere, role=Role.COORDINATOR)
        ConsentFactory.create(patient=team.patient, scope=Consent.Scope.TEAM_SHARING)
    return coordinator


# Not fewer: on ten rows a sequential scan is the cheaper plan, and PostgreSQL took it whenever
# autovacuum had analyzed the table by then (the flaky [5] of stops 26 and 27).
@pytest.mark.parametrize("others", [50, 150])
def test_the_search_reads_only_the_users_own_patients(others: int) -> None:
    coordinator = _country(others)
    search = (
        visible_patients(coordinator)
        .filter(name__icontains="brattvoll")
        .annotate(shows_personal_id=identifies(coordinator))
        .order_by("name")[:50]
    )
    assert [p.name for p in search] == [f"Eget Brattvoll{n}" for n in range(OWN)]
    # Before: every Brattvoll in the country (OWN + others) was read and tested.
    assert rows_read(search, Patient._meta.db_table) == OWN


@pytest.mark.parametrize("action", [Action.VIEW_IDENTITY, Action.VIEW_TEAM, Action.VIEW_CLINICAL])
def test_the_policy_lists_read_only_the_users_own_patients(action: Action) -> None:
    coordinator = _country(50)
    listed = patients_for(coordinator, action).filter(name__icontains="brattvoll")
    assert len(listed) == OWN
    assert rows_read(listed, Patient._meta.db_table) == OWN
