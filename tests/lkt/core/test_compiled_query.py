"""``CompiledQuery``: a queryset compiled once gives, for any keys, what the queryset built for
those keys gives (the model's fields, ``select_related`` objects without a query, annotations),
and refuses a queryset whose keys it could not replace."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from actors.models import Member, Team, User
from lkt.core.compiled_query import CompiledInsert, CompiledQuery
from tests.factories import MemberFactory, StaffFactory, TeamFactory

pytestmark = pytest.mark.django_db


def _team_with_membership(pk: int, user: int):
    return (
        Team.objects.select_related("patient", "created_by")
        .filter(pk=pk)
        .annotate(
            is_member=Exists(Member.objects.filter(team=OuterRef("pk"), user_id=user)),
            active_members=Count("members", filter=Q(members__left_on__isnull=True)),
        )
    )


def test_every_run_answers_as_the_queryset_built_for_its_keys():
    read = CompiledQuery(_team_with_membership, "pk", "user")
    first, second = MemberFactory.create(), MemberFactory.create()
    MemberFactory.create(team=first.team)
    for team in (first.team, second.team):
        for user in (first.user_id, second.user_id):
            assert user is not None
            expected = _team_with_membership(team.pk, user).get()
            got = read.first(pk=team.pk, user=user)
            assert got is not None
            fields = [f.attname for f in Team._meta.concrete_fields]
            assert [getattr(got, f) for f in fields] == [getattr(expected, f) for f in fields]
            assert (got.is_member, got.active_members) == (
                expected.is_member,
                expected.active_members,
            )
            assert got.is_member == (user == (first if team == first.team else second).user_id)
            with CaptureQueriesContext(connection) as reads:
                assert got.patient == expected.patient
                assert got.patient.name == expected.patient.name
                assert got.created_by.username == expected.created_by.username
            assert len(reads) == 0


def test_no_row_is_none_and_the_keys_are_checked():
    read = CompiledQuery(_team_with_membership, "pk", "user")
    team = TeamFactory.create()
    assert read.first(pk=team.pk + 1000, user=team.created_by.pk) is None
    with pytest.raises(TypeError):
        read.first(pk=team.pk)


def test_a_key_the_queryset_does_not_pass_as_a_parameter_is_refused():
    ignores_user = CompiledQuery(lambda pk, user: Team.objects.filter(pk=pk), "pk", "user")
    with pytest.raises(ValueError, match="user"):
        ignores_user.first(pk=1, user=2)


def _members_since(team: int, since: dt.date):
    return (
        Member.objects.filter(team_id=team, joined_on__gte=since)
        .select_related("user")
        .order_by("joined_on", "pk")
    )


def test_all_gives_every_row_in_order_for_a_date_key():
    read = CompiledQuery(_members_since, "team", since=dt.date)
    team = TeamFactory.create()
    day = dt.date(2026, 3, 1)
    for offset in (-10, 0, 5, 20):
        MemberFactory.create(team=team, joined_on=day + dt.timedelta(days=offset))
    MemberFactory.create(joined_on=day)  # another team's
    for since in (day - dt.timedelta(days=30), day, day + dt.timedelta(days=6)):
        expected = list(_members_since(team.pk, since))
        got = read.all(team=team.pk, since=since)
        assert [m.pk for m in got] == [m.pk for m in expected]
        assert [m.joined_on for m in got] == [m.joined_on for m in expected]
    with CaptureQueriesContext(connection) as reads:
        assert [m.user.username for m in got] == [m.user.username for m in expected]
    assert len(reads) == 0
    assert read.all(team=team.pk, since=day + dt.timedelta(days=21)) == []


def test_a_datetime_key_and_the_queryset_s_own_slice():
    def updated_by(team: int, now: dt.datetime):
        return Team.objects.filter(pk=team, updated_at__lte=now).order_by("-pk")[:1]

    read = CompiledQuery(updated_by, "team", now=dt.datetime)
    team = TeamFactory.create()
    assert [t.pk for t in read.all(team=team.pk, now=team.updated_at)] == [team.pk]
    assert read.all(team=team.pk, now=team.updated_at - dt.timedelta(seconds=1)) == []


def _members_per_team(since: dt.date, **teams: int) -> QuerySet[Any]:
    return (
        Member.objects.filter(team_id__in=list(teams.values()))
        .values("team_id")
        .annotate(all=Count("pk"), since=Count("pk", filter=Q(joined_on__gte=since)))
        .values_list("team_id", "all", "since")
        .order_by("team_id")
    )


def test_rows_give_a_values_list_aggregate_as_the_queryset_does():
    read = CompiledQuery(_members_per_team, "a", "b", since=dt.date)
    first, second = MemberFactory.create(), MemberFactory.create()
    MemberFactory.create(team=first.team, joined_on=first.joined_on - dt.timedelta(days=30))
    for since in (first.joined_on, first.joined_on - dt.timedelta(days=60)):
        teams = {"a": first.team_id, "b": second.team_id}
        expected = list(_members_per_team(since, **teams))
        assert read.rows(since=since, **teams) == expected
        assert expected[0][1] == 2  # the first team's two members
    with pytest.raises(ValueError, match="rows"):
        read.all(since=first.joined_on, a=1, b=2)


def test_a_values_list_that_cannot_be_read_in_order_is_refused():
    dicts: CompiledQuery[Any] = CompiledQuery(
        lambda team: Member.objects.filter(team_id=team).values("pk"), "team"
    )
    with pytest.raises(ValueError, match="values_list"):
        dicts.rows(team=1)
    reordered: CompiledQuery[Any] = CompiledQuery(
        lambda team: (
            Member.objects.filter(team_id=team)
            .values("team_id")
            .annotate(n=Count("pk"))
            .values_list("n", "team_id")
        ),
        "team",
    )
    with pytest.raises(ValueError, match="values_list"):
        reordered.rows(team=1)
    instances = CompiledQuery(lambda team: Member.objects.filter(team_id=team), "team")
    with pytest.raises(ValueError, match="values_list"):
        instances.rows(team=1)


def test_what_cannot_be_one_compiled_statement_is_refused():
    prefetches = CompiledQuery(
        lambda pk: Team.objects.filter(pk=pk).prefetch_related("members"), "pk"
    )
    with pytest.raises(ValueError, match="prefetch"):
        prefetches.all(pk=1)
    computes = CompiledQuery(
        lambda team, now: Team.objects.filter(pk=team, updated_at__lte=now - dt.timedelta(hours=1)),
        "team",
        now=dt.datetime,
    )
    with pytest.raises(ValueError, match="now"):
        computes.all(team=1, now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    reads_the_clock = CompiledQuery(
        lambda team: Team.objects.filter(pk=team, updated_at__lte=timezone.now()), "team"
    )
    with pytest.raises(ValueError, match="clock"):
        reads_the_clock.all(team=1)
    with pytest.raises(TypeError):
        CompiledQuery(lambda share: Team.objects.all(), share=float)
    # A text key changed on its way to the parameter ("%name%") is not the parameter.
    contains = CompiledQuery(lambda name: User.objects.filter(username__contains=name), name=str)
    with pytest.raises(ValueError, match="name"):
        contains.all(name="kari")


def test_a_text_key_answers_as_the_queryset_built_for_it():
    read = CompiledQuery(
        lambda name, now: User.objects.filter(username=name, date_joined__lte=now),
        name=str,
        now=dt.datetime,
    )
    kari, ola = StaffFactory.create(), StaffFactory.create()
    now = timezone.now()
    for user in (kari, ola):
        got = read.first(name=user.username, now=now)
        assert got is not None and got.pk == user.pk
    assert read.first(name=kari.username + "x", now=now) is None
    assert read.first(name=kari.username, now=kari.date_joined - dt.timedelta(seconds=1)) is None


def test_a_compiled_insert_stores_the_row_create_would():
    from lkt.models import AccessLog

    insert = CompiledInsert(AccessLog)
    team = TeamFactory.create()
    at = dt.datetime(2026, 5, 4, 3, 2, 1, tzinfo=dt.UTC)
    for user in (team.created_by.pk, None):
        insert.insert(
            user=user,
            patient=team.patient.pk,
            action="view",
            object_type="actors.team",
            object_id=str(team.pk),
            at=at,
        )
    rows = AccessLog.objects.filter(patient=team.patient).order_by("pk")
    assert [(r.user_id, r.action, r.object_id, r.object_type, r.reason, r.at) for r in rows] == [
        (user, "view", str(team.pk), "actors.team", "", at) for user in (team.created_by.pk, None)
    ]
    with pytest.raises(TypeError, match="nowhere"):
        insert.insert(nowhere=1)
