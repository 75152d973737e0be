"""Each team's revision, kept by PostgreSQL's triggers (lkt.workspace.team_revision): every change
to a row the team page shows gives the team, and only the team, a new number."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from actors.models import Consent, Team
from coordination.models import AgendaItem, Meeting
from lkt.workspace.team_revision import UNSHOWN, foreign_keys, revisions, uninstall
from tests.factories import MemberFactory, StaffFactory, TaskFactory

pytestmark = pytest.mark.django_db


def _revision(team: Team) -> int:
    return Team.objects.values_list("revision", flat=True).get(pk=team.pk)


def _meeting(cast) -> Meeting:
    return Meeting.objects.create(
        team=cast.team,
        kind=Meeting.Kind.RESPONSIBILITY_GROUP,
        starts_at=timezone.now() + dt.timedelta(days=2),
        created_by=cast.coordinator,
    )


def test_every_table_of_lkt_is_revised_or_named_as_not_shown():
    """A new model is covered by its foreign keys, or has to be named as not on the team page."""
    tables = foreign_keys()
    assert tables.keys() >= UNSHOWN
    unaccounted = {
        table
        for table in tables
        if table not in UNSHOWN and table != "actors_team" and not revisions(table, tables)
    }
    assert unaccounted == set()
    # PostgreSQL cuts names at 63 characters: a trigger's function must keep its table's.
    assert max(len(f"lkt_revise_update_{table}") for table in tables) <= 63


def _installed() -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgrelid::regclass::text, tgname FROM pg_trigger"
            " WHERE tgname LIKE 'lkt_revise%%' AND NOT tgisinternal"
        )
        return set(cursor.fetchall())


def test_the_triggers_are_installed_for_every_event_that_can_change_a_team():
    tables = foreign_keys()
    installed = _installed()
    expected = {
        (table, f"lkt_revise_{event.lower()}")
        for table in tables
        for event in revisions(table, tables)
    } | {("actors_team", "lkt_revise")}
    assert installed == expected


def test_a_migrate_takes_them_off_before_its_migrations_and_puts_them_all_back_after(cast):
    installed = _installed()
    uninstall(connection)
    assert _installed() == set()
    before = _revision(cast.team)
    TaskFactory(team=cast.team)
    assert _revision(cast.team) == before
    call_command("migrate", verbosity=0)
    assert _installed() == installed
    TaskFactory(team=cast.team)
    assert _revision(cast.team) > before


@pytest.mark.parametrize(
    "change",
    [
        # A row with the team's key: inserted, updated by a queryset, deleted.
        lambda cast: TaskFactory(team=cast.team, title="Ringe"),
        lambda cast: cast.team.members.filter(user=cast.member).update(external_phone="+4791"),
        lambda cast: cast.team.members.filter(user=cast.member).delete(),
        # The patient's row, and a row by the patient's key.
        lambda cast: (
            type(cast.team.patient).objects.filter(pk=cast.team.patient_id).update(name="Kari N.")
        ),
        lambda cast: Consent.objects.filter(patient=cast.team.patient).update(note="Muntlig"),
        # A row two keys away: an agenda item's meeting's team; a meeting's invited (many to
        # many, Django's own table).
        lambda cast: AgendaItem.objects.create(meeting=_meeting(cast), title="Bolig", position=1),
        lambda cast: _meeting(cast).invited.add(cast.team.members.first()),
        # Shared rows: a member's name, the organisation of a member's user.
        lambda cast: type(cast.member).objects.filter(pk=cast.member.pk).update(last_name="Li"),
        lambda cast: type(cast.kommune).objects.filter(pk=cast.kommune.pk).update(name="Fjordvik"),
    ],
    ids=[
        "insert",
        "update",
        "delete",
        "patient",
        "by-patient",
        "by-parent",
        "many-to-many",
        "user",
        "organisation",
    ],
)
def test_a_change_to_what_the_team_shows_revises_that_team_only(cast, change):
    before, other = _revision(cast.team), _revision(cast.other_team)
    change(cast)
    assert _revision(cast.team) != before
    assert _revision(cast.other_team) == other


def test_a_change_elsewhere_leaves_the_team_as_it_was(cast):
    before = _revision(cast.team)
    StaffFactory(organisation=cast.other_kommune)
    MemberFactory(team=cast.other_team)
    assert _revision(cast.team) == before


def test_a_stale_team_saved_cannot_take_its_revision_back(cast):
    """The number is the database's: each save gives a new one, whatever the instance held."""
    stale = Team.objects.get(pk=cast.team.pk)
    TaskFactory(team=cast.team, title="Ringe")
    changed = _revision(cast.team)
    stale.missing_roles_reason = "Fastlegen er ikke valgt"
    stale.save()
    assert _revision(cast.team) > changed > stale.revision
