"""The sweep reads what is due through indexes, and its query count does not grow with the
data that is not due.

The plans: with sequential scans switched off (for this transaction only), PostgreSQL still
serves each selection from the index named for it. Were a selection not expressible through
that index (a predicate that does not imply the partial index's condition, a function on the
column), the planner would fall back to another index scanned end to end, and the test fails.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.db.models import QuerySet

from actors.models import Role
from coordination import reminders
from coordination.referral import turning_16
from tests.conftest import Cast
from tests.coordination.test_reminders import TODAY, coordinator_member, due_everything
from tests.factories import MemberFactory, PatientFactory, TeamFactory

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2027, 3, 1, 6, 30, tzinfo=OSLO), tick=False):
        yield


def _deputy_index() -> str:
    """The name Django gave the foreign-key index on Mandate.deputy_id."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'coordination_mandate' "
            "AND indexdef LIKE '%%(deputy_id)%%'"
        )
        return str(cursor.fetchone()[0])


SELECTIONS: dict[str, tuple[Callable[[], QuerySet[Any]], str | None]] = {
    "annual due": (lambda: reminders.annual_due_query(TODAY), "annual_activities_by_due"),
    "annual passed": (
        lambda: reminders.AnnualActivity.objects.filter(
            next_due_on__isnull=False, next_due_on__lt=TODAY
        ),
        "annual_activities_by_due",
    ),
    "tasks due": (lambda: reminders.task_due_query(TODAY), "open_tasks_by_due"),
    "evaluation due": (
        lambda: reminders.evaluation_due_query(TODAY),
        "periods_awaiting_evaluation",
    ),
    "evaluation missing": (
        lambda: reminders.evaluation_missing_query(TODAY),
        "periods_awaiting_evaluation",
    ),
    "consent renewal": (
        lambda: reminders.consent_renewal_query(TODAY),
        "standing_consents_by_renewal",
    ),
    "member leaving": (lambda: reminders.member_leaving_query(TODAY), "members_leaving"),
    "no deputy": (reminders.no_deputy_query, None),
    "turned 16": (lambda: turning_16.turned_16_query(TODAY), "patients_by_birth_date"),
    "foreldreansvar after 16": (
        lambda: turning_16.outgrown_parental_responsibility_query(TODAY),
        "one_open_representation_per_basis",
    ),
}


@pytest.mark.parametrize("name", SELECTIONS)
def test_each_selection_is_served_by_its_index(cast: Cast, name: str) -> None:
    query, index = SELECTIONS[name]
    index = index or _deputy_index()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = query().explain()
    assert f"Index Scan using {index}" in plan or f"Bitmap Index Scan on {index}" in plan, plan


def _bulk_teams(count: int) -> None:
    """Teams with a coordinator and nothing due."""
    for _i in range(count):
        team = TeamFactory(patient=PatientFactory())
        MemberFactory(team=team, role=Role.COORDINATOR)


@pytest.mark.parametrize("extra_teams", [2, 20])
def test_a_sweep_with_nothing_due_costs_the_same_whatever_the_data(
    cast: Cast, extra_teams: int, django_assert_num_queries: Any
) -> None:
    _bulk_teams(extra_teams)
    # One query per selection (annual passed, annual due, tasks, evaluation due, evaluation
    # missing, turned 16 and foreldreansvar after 16, consent renewal, member leaving, no
    # deputy, and on Mondays deputies who left); nothing found means nothing more to read.
    with django_assert_num_queries(11):
        reminders.reminders_sweep(TODAY)


@pytest.mark.parametrize("extra_teams", [2, 20])
def test_a_sweep_with_the_same_things_due_costs_the_same_whatever_the_data(
    cast: Cast, extra_teams: int
) -> None:
    from django.test.utils import CaptureQueriesContext

    _bulk_teams(extra_teams)
    due_everything(cast.team, coordinator_member(cast.team))
    with CaptureQueriesContext(connection) as first:
        reminders.reminders_sweep(TODAY)
    with CaptureQueriesContext(connection) as second:
        reminders.reminders_sweep(TODAY)
    # Pinned so that a change shows: the first run writes 10 notifications with their
    # deliveries and proposes one meeting; the rerun reads the due rows, the people to tell,
    # and one "sent already?" query per kind, and writes nothing.
    assert (len(first.captured_queries), len(second.captured_queries)) == (FIRST, RERUN)


FIRST = 115
RERUN = 28
