"""The months beat keeps for the leaders' reports: what is stored, when a report may use them,
and what drops them. That they give the same cells as the facts is ``test_indicators``'s
(every test there runs on both)."""

from __future__ import annotations

import datetime as dt

import pytest
from celery.schedules import crontab

from actors.models import Organisation
from coordination.models import IndicatorMonth
from coordination.reports.indicator_months import (
    MAX_MONTHS,
    indicator_months_refresh,
    window,
)
from coordination.reports.indicators import indicator_report
from coordination.reports.services import caseload_limit_set
from tests.coordination.reports.conftest import Kommune
from tests.coordination.reports.test_indicators import END, START, TODAY, make_teams
from tests.factories import OrganisationFactory, StaffFactory

pytestmark = pytest.mark.django_db


def test_every_organisation_has_a_row_for_each_month_of_the_window(fjordvik: Kommune):
    make_teams(fjordvik.home, 6)

    written = indicator_months_refresh(today=TODAY)

    months = window(TODAY)
    assert months.count == MAX_MONTHS and months.end == dt.date(2026, 4, 30)
    assert written == IndicatorMonth.objects.count() == Organisation.objects.count() * MAX_MONTHS
    march = IndicatorMonth.objects.get(organisation=fjordvik.home, month=dt.date(2026, 3, 1))
    assert march.sums["teams"] == 6 and march.computed_on == TODAY
    # The kommune counts the teams of the unit below it; the other unit has none.
    kommune = IndicatorMonth.objects.get(organisation=fjordvik.kommune, month=dt.date(2026, 3, 1))
    assert kommune.sums["teams"] == 6
    mental = IndicatorMonth.objects.get(organisation=fjordvik.mental, month=dt.date(2026, 3, 1))
    assert mental.sums["teams"] == 0


def test_a_second_refresh_replaces_the_rows(fjordvik: Kommune):
    make_teams(fjordvik.home, 6)
    indicator_months_refresh(today=TODAY - dt.timedelta(days=1))
    make_teams(fjordvik.home, 2)

    indicator_months_refresh(today=TODAY)

    assert IndicatorMonth.objects.count() == Organisation.objects.count() * MAX_MONTHS
    assert set(IndicatorMonth.objects.values_list("computed_on", flat=True)) == {TODAY}
    assert indicator_report(fjordvik.kommune, START, END, today=TODAY).as_of == TODAY


def test_months_read_yesterday_serve_and_older_ones_do_not(fjordvik: Kommune):
    make_teams(fjordvik.home, 6)
    indicator_months_refresh(today=TODAY - dt.timedelta(days=1))

    assert indicator_report(fjordvik.kommune, START, END, today=TODAY).as_of == (
        TODAY - dt.timedelta(days=1)
    )
    later = TODAY + dt.timedelta(days=1)
    assert indicator_report(fjordvik.kommune, START, END, today=later).as_of is None
    # Months read after the report's day are not its figures either.
    earlier = TODAY - dt.timedelta(days=2)
    assert indicator_report(fjordvik.kommune, START, END, today=earlier).as_of is None


def test_a_period_beyond_the_window_or_a_new_unit_is_computed_from_the_facts(fjordvik: Kommune):
    make_teams(fjordvik.home, 6)
    indicator_months_refresh(today=TODAY)

    old = indicator_report(fjordvik.kommune, dt.date(2023, 1, 1), dt.date(2023, 6, 1), today=TODAY)
    assert old.as_of is None
    OrganisationFactory.create(name="Barnevernet", parent=fjordvik.kommune)
    report = indicator_report(fjordvik.kommune, START, END, today=TODAY)
    assert report.as_of is None
    assert "Barnevernet" in {series.organisation for series in report.results[0].rows}


def test_a_new_caseload_limit_drops_the_stored_months_and_refreshes_them(
    fjordvik: Kommune, django_capture_on_commit_callbacks
):
    make_teams(fjordvik.home, 6)
    indicator_months_refresh(today=TODAY - dt.timedelta(days=1))
    leader = StaffFactory.create(organisation=fjordvik.kommune, is_leader=True)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        caseload_limit_set(actor=leader, organisation=fjordvik.kommune, limit=3)

    assert not IndicatorMonth.objects.exists()
    assert len(callbacks) == 1


def test_beat_refreshes_the_months_every_night_after_midnight(settings) -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["indicator-months-refresh"]
    assert entry["task"] == "coordination.tasks.indicator_months_refresh_task"
    assert entry["schedule"] == crontab(hour=0, minute=20)
    from coordination.tasks import indicator_months_refresh_task

    assert indicator_months_refresh_task.name == entry["task"]
