"""The demo's background teams for the leaders' reports: enough teams for the indicators to be
shown, the kinds of history they need, and a second ``seed_demo`` that changes nothing."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, connections
from django.db.models import Count
from django.utils import timezone

from actors.models import Organisation
from actors.validators import validate_national_id
from careplans.models import AnnualActivityDone, GoodDayRating
from coordination.models import Meeting, NightContact, SurveyRound
from coordination.reports.indicators import SUPPRESS_BELOW, Group, csv_rows, indicator_report
from lkt.demo import leaders as demo_leaders

pytestmark = pytest.mark.django_db

# Every table the background teams write to, and the ones seed_demo writes besides.
APPS = ("actors", "careplans", "coordination")


def seed() -> None:
    call_command("seed_demo", stdout=StringIO())


def counts() -> dict[str, int]:
    return {
        model.__name__: model._default_manager.count()
        for app in APPS
        for model in apps.get_app_config(app).get_models()
    }


def test_a_second_seed_changes_nothing():
    seed()
    first = counts()
    seed()
    assert counts() == first


def test_loading_the_background_teams_again_changes_nothing():
    seed()
    first = counts()
    users = {u.username: u for u in apps.get_model("actors", "User").objects.all()}
    demo_leaders.load(users, timezone.localdate())
    assert counts() == first


def test_fjordvik_shows_every_struktur_cell_of_the_last_month():
    seed()
    today = timezone.localdate()
    fjordvik = Organisation.objects.get(name=demo_leaders.DEMO_KOMMUNE)
    report = indicator_report(fjordvik, today - dt.timedelta(days=365), today)
    structure = [r for r in report.results if r.indicator.group == Group.STRUCTURE]
    assert structure
    for result in structure:
        for series in result.series:
            last = series.cells[-1]
            assert not last.suppressed, (result.indicator.key, series.organisation)
            assert last.count >= SUPPRESS_BELOW


def test_the_background_patients_are_synthetic_and_invented():
    seed()
    background = demo_leaders.background_patients()
    assert background.count() == demo_leaders.DEMO_TEAMS
    for patient in background:
        validate_national_id(patient.national_id)
        assert int(patient.national_id[2:4]) > 80  # month + 80: synthetic
        first, last = patient.name.split(" ")
        assert first in demo_leaders.FIRST_NAMES and last in demo_leaders.SURNAMES


def test_the_history_has_every_kind_the_indicators_read():
    seed()
    today = timezone.localdate()
    late = [d for d in AnnualActivityDone.objects.all() if d.due_on and d.done_on > d.due_on]
    assert late and AnnualActivityDone.objects.count() > len(late)
    held = Meeting.objects.filter(status=Meeting.Status.HELD)
    assert held.filter(minutes="").exists() and held.exclude(minutes="").exists()
    assert NightContact.objects.filter(outcome=NightContact.Outcome.ADMITTED).exists()
    assert GoodDayRating.objects.filter(rated_on__lt=today - dt.timedelta(days=300)).exists()
    rounds = (
        SurveyRound.objects.annotate(given=Count("answers"))
        .filter(given__gte=SUPPRESS_BELOW)
        .values("team")
        .annotate(rounds=Count("pk"))
        .filter(rounds__gte=2)
    )
    assert rounds.count() >= 3


def test_the_demos_database_gets_the_same_figures_as_postgresql(monkeypatch):
    """The facts are read raw on PostgreSQL and through the ORM's converters elsewhere (the
    demo's SQLite, coordination.reports.indicator_data._fetch): over the demo's 14 months of every kind
    of history, both ways give the same report, cell for cell."""
    seed()
    today = timezone.localdate()
    fjordvik = Organisation.objects.get(name=demo_leaders.DEMO_KOMMUNE)
    raw = csv_rows(indicator_report(fjordvik, today - dt.timedelta(days=420), today))
    monkeypatch.setattr(connection, "vendor", "sqlite")
    assert connections["default"].vendor == "sqlite"  # what _fetch asks
    converted = csv_rows(indicator_report(fjordvik, today - dt.timedelta(days=420), today))
    assert len(raw) > 100
    assert converted == raw
