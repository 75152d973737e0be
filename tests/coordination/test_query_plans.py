"""Rows read, pinned at two data sizes (tests/query_plans.py). The leader's indicators read
the teams of the leader's organisations, not every team in the country: the national bench
found the page 2× slower at 500,000 patients than at 10,000 (each fact's query tested its
scope against all of actors_team, and scanned it). The KE worklist reads a page of reports."""

from __future__ import annotations

import pytest

from actors.models import Team, User
from careplans.models import CarePlan
from coordination.models import NeedReport
from coordination.referral.selectors import WORKLIST_PAGE_SIZE, need_report_worklist
from coordination.reports import indicator_data
from coordination.reports.indicator_data import (
    load_facts,
    months_between,
    organisation_tree,
    subtree,
)
from coordination.reports.indicators import csv_rows, indicator_report
from tests.conftest import Cast
from tests.coordination.referral.test_views import reports_to_kommune
from tests.coordination.reports.test_indicators import END, START, TODAY, make_teams, plan_in_force
from tests.factories import OrganisationFactory, StaffFactory
from tests.query_plans import Reads

pytestmark = pytest.mark.django_db

OWN = 4


@pytest.mark.parametrize("others", [5, 50])
def test_the_indicator_facts_read_only_the_leaders_teams(cast: Cast, others: int) -> None:
    author = StaffFactory.create(organisation=cast.kommune)
    own = make_teams(cast.kommune, OWN)
    elsewhere = OrganisationFactory.create()
    for team in [*own, *make_teams(elsewhere, others)]:
        plan_in_force(team, author, START, leaders=False)
    tree = organisation_tree()
    with Reads(Team._meta.db_table) as teams, Reads(CarePlan._meta.db_table) as plans:
        facts = load_facts(tree, subtree(tree, cast.kommune.pk), months_between(START, END), TODAY)
    assert set(facts.teams) == {t.pk for t in own}
    in_scope = len(facts.teams)
    # Before: every fact's query read all teams (OWN + others + the cast's) for its scope.
    assert teams.rows <= 3 * in_scope
    assert plans.rows <= 3 * in_scope


def test_a_scope_past_the_id_limit_gives_the_same_cells(cast: Cast, monkeypatch) -> None:
    """A region's scope goes to the database as subqueries, not ids: the same report."""
    author = StaffFactory.create(organisation=cast.kommune)
    for n, team in enumerate(make_teams(cast.kommune, 8)):
        plan_in_force(team, author, START, leaders=n % 2 == 0)
    by_ids = csv_rows(indicator_report(cast.kommune, START, END, today=TODAY))
    # Cells with figures (8 teams: none hidden below the suppression limit).
    assert sum(1 for row in by_ids if row[3] != "") > 10
    monkeypatch.setattr(indicator_data, "IDS_AT_MOST", 0)
    assert csv_rows(indicator_report(cast.kommune, START, END, today=TODAY)) == by_ids


@pytest.mark.parametrize("reports", [200, 400])
def test_the_worklist_reads_one_page_of_reports(cast: Cast, unit_staff: User, reports: int):
    """A page of the KE worklist is read in order from its index (need_report_worklist), not
    sorted from all of the kommune's reports."""
    reports_to_kommune(cast, reports, open_every=7)
    with Reads(NeedReport._meta.db_table) as read:
        page = need_report_worklist(unit_staff)
    assert len(page.reports) == WORKLIST_PAGE_SIZE and page.has_next
    # Before: every report of the kommune (200 or 400) was read for the sort. (At 60,
    # PostgreSQL rightly sorts them all: a page of the table costs less than the index.)
    assert read.rows == WORKLIST_PAGE_SIZE + 1
