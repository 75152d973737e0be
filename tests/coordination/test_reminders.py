"""The daily reminder sweep, kind by kind, with the clock frozen on Monday 1 March 2027 at
06:30 in Oslo: what is due is reminded, what is not due is not, and a second run sends nothing.

Kari's team (the cast): Cecilie coordinates, Tor is a nurse, Leif leads their kommune.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from actors.models import Consent, Member, Role, Team, User
from careplans.models import AnnualActivity, CarePlan, CarePlanVersion, Goal
from coordination.models import Delivery, Mandate, Meeting, Notification, PlanPeriod, Task
from coordination.reminders import reminders_sweep
from tests.conftest import Cast
from tests.factories import ConsentFactory, MemberFactory, PatientFactory, TeamFactory

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")
TODAY = dt.date(2027, 3, 1)  # a Monday
Kind = Notification.Kind


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2027, 3, 1, 6, 30, tzinfo=OSLO), tick=False):
        yield


# ---------------------------------------------------------------------------------------------
# Builders (also used by the concurrency, plan and query-count tests)


def coordinator_member(team: Team) -> Member:
    return Member.objects.get(team=team, role=Role.COORDINATOR, left_on__isnull=True)


def in_force(team: Team, author: User) -> CarePlanVersion:
    plan, _ = CarePlan.objects.get_or_create(team=team)
    return CarePlanVersion.objects.create(
        plan=plan,
        number=plan.versions.count() + 1,
        status=CarePlanVersion.Status.IN_FORCE,
        created_by=author,
        period_start=dt.date(2027, 1, 1),
    )


def annual(version: CarePlanVersion, due: dt.date | None, **fields: Any) -> AnnualActivity:
    fields.setdefault("kind", AnnualActivity.Kind.CONSENT_RENEWAL)
    fields.setdefault("title", "Fornyelse av samtykke")
    return AnnualActivity.objects.create(
        version=version,
        recurrence=AnnualActivity.Recurrence.YEARLY,
        month=due.month if due else 6,
        first_on=due,
        next_due_on=due,
        **fields,
    )


def task(team: Team, owner: Member, due: dt.date, **fields: Any) -> Task:
    goal = Goal.objects.filter(patient=team.patient).first() or Goal.objects.create(
        patient=team.patient, wish="Å sove bedre", text="Sove seks timer"
    )
    fields.setdefault("title", "Ringe fastlegen")
    assert owner.user or fields.get("created_by")
    fields.setdefault("created_by", owner.user)
    return Task.objects.create(team=team, goal=goal, owner=owner, due_on=due, **fields)


def period(team: Team, ends: dt.date, **fields: Any) -> PlanPeriod:
    return PlanPeriod.objects.create(
        team=team,
        starts_on=ends - dt.timedelta(days=180),
        ends_on=ends,
        created_by=team.created_by,
        **fields,
    )


def mandate(team: Team, deputy: Member | None) -> Mandate:
    return Mandate.objects.create(
        team=team,
        task_description="Lede aktørfellesskapet",
        authority="Kalle inn til møter",
        hours_per_month=4,
        deputy=deputy,
        updated_by=team.created_by,
    )


def sent(kind: str) -> list[tuple[str, str]]:
    return sorted(
        Notification.objects.filter(kind=kind).values_list("recipient__username", "occurrence")
    )


def sweep(day: dt.date = TODAY) -> dict[str, int]:
    return reminders_sweep(day)


# ---------------------------------------------------------------------------------------------
# Årshjulet


def test_an_activity_due_in_14_days_reminds_the_responsible_member_once(cast: Cast) -> None:
    version = in_force(cast.team, cast.coordinator)
    tor = Member.objects.get(team=cast.team, user=cast.member)
    activity = annual(version, days(14), responsible=tor)

    assert sweep()[Kind.ANNUAL_DUE] == 1
    assert sent(Kind.ANNUAL_DUE) == [("tor", f"annual:{activity.pk}:{days(14)}:14")]
    note = Notification.objects.get(kind=Kind.ANNUAL_DUE)
    assert f"aktørfellesskap nr. {cast.team.pk}" in note.message
    assert "15.3.2027" in note.message
    assert note.url == f"/samarbeidsplan/versjon/{version.pk}/arshjul/"
    assert Delivery.objects.filter(notification=note, channel="email").count() == 1

    assert sweep()[Kind.ANNUAL_DUE] == 0
    # The days between send nothing new; two days before, the last reminder.
    assert reminders_sweep(days(5))[Kind.ANNUAL_DUE] == 0
    assert reminders_sweep(days(12))[Kind.ANNUAL_DUE] == 1
    assert reminders_sweep(days(13))[Kind.ANNUAL_DUE] == 0
    assert [o for _u, o in sent(Kind.ANNUAL_DUE)] == [
        f"annual:{activity.pk}:{days(14)}:14",
        f"annual:{activity.pk}:{days(14)}:2",
    ]


def test_an_activity_due_later_or_in_a_version_not_in_force_reminds_nobody(cast: Cast) -> None:
    version = in_force(cast.team, cast.coordinator)
    annual(version, days(15))
    plan = version.plan
    draft = CarePlanVersion.objects.create(plan=plan, number=2, created_by=cast.coordinator)
    annual(draft, None)
    assert sweep()[Kind.ANNUAL_DUE] == 0
    assert not Notification.objects.exists()


def test_an_activity_without_an_active_responsible_reminds_the_coordinator(cast: Cast) -> None:
    version = in_force(cast.team, cast.coordinator)
    annual(version, days(2))
    sweep()
    assert [u for u, _o in sent(Kind.ANNUAL_DUE)] == ["cecilie"]


def test_a_passed_occurrence_rolls_on_to_the_next_year(cast: Cast) -> None:
    version = in_force(cast.team, cast.coordinator)
    activity = annual(version, days(-1))
    assert sweep()["annual_rolled"] == 1
    activity.refresh_from_db()
    assert activity.next_due_on == dt.date(2028, 2, 28)
    assert sweep()["annual_rolled"] == 0


# ---------------------------------------------------------------------------------------------
# Tasks


def test_a_task_due_today_reminds_its_owner_and_an_overdue_one_once(cast: Cast) -> None:
    tor = Member.objects.get(team=cast.team, user=cast.member)
    today = task(cast.team, tor, TODAY, title="Søke om støttekontakt")
    late = task(cast.team, tor, days(-3), status=Task.Status.IN_PROGRESS)

    counts = sweep()
    assert (counts[Kind.TASK_DUE], counts[Kind.TASK_OVERDUE]) == (1, 1)
    assert sent(Kind.TASK_DUE) == [("tor", f"task:{today.pk}:due:{TODAY}")]
    assert sent(Kind.TASK_OVERDUE) == [("tor", f"task:{late.pk}:overdue:{days(-3)}")]
    assert "har frist i dag" in Notification.objects.get(kind=Kind.TASK_DUE).message

    again = reminders_sweep(days(1))
    assert (again[Kind.TASK_DUE], again[Kind.TASK_OVERDUE]) == (0, 1)  # today's is overdue now
    assert reminders_sweep(days(2))[Kind.TASK_OVERDUE] == 0


def test_a_task_done_or_due_tomorrow_reminds_nobody(cast: Cast) -> None:
    tor = Member.objects.get(team=cast.team, user=cast.member)
    task(cast.team, tor, days(1))
    task(cast.team, tor, TODAY, status=Task.Status.DONE)
    task(cast.team, tor, days(-1), status=Task.Status.CANCELLED)
    counts = sweep()
    assert (counts[Kind.TASK_DUE], counts[Kind.TASK_OVERDUE]) == (0, 0)


def test_a_task_owned_by_a_contact_without_login_reminds_the_coordinator(cast: Cast) -> None:
    contact = MemberFactory(
        team=cast.team, user=None, external_name="Nils Nabo", role=Role.NEIGHBOUR
    )
    task(cast.team, contact, TODAY, created_by=cast.coordinator)
    sweep()
    assert [u for u, _o in sent(Kind.TASK_DUE)] == ["cecilie"]


# ---------------------------------------------------------------------------------------------
# Plan periods


def test_a_period_ending_within_a_week_proposes_the_meeting_and_reminds_once(cast: Cast) -> None:
    ending = period(cast.team, days(6))
    counts = sweep()
    assert counts[Kind.EVALUATION_DUE] == 1
    assert counts["evaluation_meeting_proposed"] == 1
    assert sent(Kind.EVALUATION_DUE) == [("cecilie", f"period:{ending.pk}:due")]
    assert Meeting.objects.filter(plan_period=ending, kind=Meeting.Kind.EVALUATION).count() == 1
    ending.refresh_from_db()
    assert ending.evaluation_proposed_at is not None

    again = sweep()
    assert (again[Kind.EVALUATION_DUE], again["evaluation_meeting_proposed"]) == (0, 0)
    assert Meeting.objects.filter(plan_period=ending).count() == 1


def test_a_period_ending_later_or_evaluated_reminds_nobody(cast: Cast) -> None:
    period(cast.team, days(8))
    period(cast.team, days(3), evaluated_on=days(-1))
    period(cast.team, days(-1), evaluated_on=days(-2))
    counts = sweep()
    assert counts[Kind.EVALUATION_DUE] == counts[Kind.EVALUATION_MISSING] == 0
    assert not Meeting.objects.exists()


def test_a_period_ended_without_evaluation_alerts_coordinator_and_leader(cast: Cast) -> None:
    ended = period(cast.team, days(-1))
    assert sweep()[Kind.EVALUATION_MISSING] == 2
    assert sent(Kind.EVALUATION_MISSING) == [
        ("cecilie", f"period:{ended.pk}:missing"),
        ("leif", f"period:{ended.pk}:missing"),
    ]
    assert "uten evaluering" in Notification.objects.filter(kind=Kind.EVALUATION_MISSING)[0].message
    assert sweep()[Kind.EVALUATION_MISSING] == 0


# ---------------------------------------------------------------------------------------------
# Consent


def test_a_consent_to_renew_within_30_days_reminds_the_coordinator_once(cast: Cast) -> None:
    consent = Consent.objects.get(patient=cast.team.patient, scope=Consent.Scope.TEAM_SHARING)
    consent.renew_on = days(30)
    consent.save()
    assert sweep()[Kind.CONSENT_RENEWAL] == 1
    assert sent(Kind.CONSENT_RENEWAL) == [("cecilie", f"consent:{consent.pk}:{days(30)}")]
    assert sweep()[Kind.CONSENT_RENEWAL] == 0


def test_a_consent_to_renew_later_or_withdrawn_reminds_nobody(cast: Cast) -> None:
    Consent.objects.filter(scope=Consent.Scope.TEAM_SHARING).update(renew_on=days(31))
    Consent.objects.filter(scope=Consent.Scope.RELATIVES).update(
        renew_on=days(3), withdrawn_at=timezone.now()
    )
    assert sweep()[Kind.CONSENT_RENEWAL] == 0


# ---------------------------------------------------------------------------------------------
# Members leaving and the deputy


def test_a_member_leaving_within_30_days_is_told_to_the_coordinator(cast: Cast) -> None:
    tor = Member.objects.get(team=cast.team, user=cast.member)
    Member.objects.filter(pk=tor.pk).update(expected_leave_on=days(20))
    assert sweep()[Kind.MEMBER_LEAVING] == 1
    assert sent(Kind.MEMBER_LEAVING) == [("cecilie", f"leaving:{tor.pk}:{days(20)}")]
    assert "slutter i aktørfellesskap" in Notification.objects.get().message
    assert sweep()[Kind.MEMBER_LEAVING] == 0


def test_a_member_leaving_later_is_not_told(cast: Cast) -> None:
    Member.objects.filter(user=cast.member).update(expected_leave_on=days(31))
    assert sweep()[Kind.MEMBER_LEAVING] == 0


def test_a_coordinator_leaving_is_told_to_the_deputy_and_leader_not_to_herself(
    cast: Cast,
) -> None:
    cecilie = coordinator_member(cast.team)
    mandate(cast.team, deputy=Member.objects.get(team=cast.team, user=cast.member))
    Member.objects.filter(pk=cecilie.pk).update(expected_leave_on=days(10))
    sweep()
    assert [u for u, _o in sent(Kind.MEMBER_LEAVING)] == ["leif", "tor"]


def test_a_team_without_deputy_reminds_the_coordinator_once_a_week(cast: Cast) -> None:
    mandate(cast.team, deputy=None)
    assert sweep()[Kind.NO_DEPUTY] == 1
    assert sent(Kind.NO_DEPUTY) == [("cecilie", "no-deputy:2027-W09")]
    assert reminders_sweep(days(4))[Kind.NO_DEPUTY] == 0
    assert reminders_sweep(days(7))[Kind.NO_DEPUTY] == 1


def test_a_deputy_who_has_left_counts_as_no_deputy_in_the_weekly_check(cast: Cast) -> None:
    tor = Member.objects.get(team=cast.team, user=cast.member)
    mandate(cast.team, deputy=tor)
    Member.objects.filter(pk=tor.pk).update(joined_on=days(-100), left_on=days(-2))
    assert reminders_sweep(days(1))[Kind.NO_DEPUTY] == 0  # a Tuesday: only missing deputies
    assert sweep()[Kind.NO_DEPUTY] == 1  # Monday: the weekly check
    assert sent(Kind.NO_DEPUTY) == [("cecilie", "no-deputy:2027-W09")]


def test_a_team_with_an_active_deputy_is_not_reminded(cast: Cast) -> None:
    mandate(cast.team, deputy=Member.objects.get(team=cast.team, user=cast.member))
    assert sweep()[Kind.NO_DEPUTY] == 0


# ---------------------------------------------------------------------------------------------
# All kinds together


def test_a_closed_team_gets_no_reminders(cast: Cast) -> None:
    patient = PatientFactory()
    team = TeamFactory(patient=patient, status=Team.Status.ACTIVE)
    coordinator = MemberFactory(team=team, role=Role.COORDINATOR)
    due_everything(team, coordinator)
    Team.objects.exclude(pk__in=[cast.team.pk, cast.other_team.pk]).update(
        status=Team.Status.CLOSED, closed_on=TODAY
    )
    counts = sweep()
    assert sum(v for k, v in counts.items() if k != "annual_rolled") == 0
    assert not Notification.objects.exists()


def due_everything(team: Team, coordinator: Member) -> None:
    """One thing due of every kind in ``team``, told to ``coordinator`` (and their leaders)."""
    version = in_force(team, team.created_by)
    annual(version, days(14))
    task(team, coordinator, TODAY)
    task(team, coordinator, days(-1))
    period(team, days(5))
    period(team, days(-2))
    ConsentFactory(
        patient=team.patient,
        recorded_by=team.created_by,
        scope=Consent.Scope.CRISIS_PLAN,
        renew_on=days(10),
    )
    leaving = MemberFactory(team=team, role=Role.NURSE, expected_leave_on=days(15))
    assert leaving.user
    mandate(team, deputy=None)


def test_one_of_every_kind_is_reminded_once_and_a_rerun_sends_nothing(cast: Cast) -> None:
    due_everything(cast.team, coordinator_member(cast.team))
    first = sweep()
    assert {k: v for k, v in first.items() if v} == {
        Kind.ANNUAL_DUE: 1,
        Kind.TASK_DUE: 1,
        Kind.TASK_OVERDUE: 1,
        Kind.EVALUATION_DUE: 1,
        "evaluation_meeting_proposed": 1,
        Kind.EVALUATION_MISSING: 2,
        Kind.CONSENT_RENEWAL: 1,
        Kind.MEMBER_LEAVING: 1,
        Kind.NO_DEPUTY: 1,
    }
    total = Notification.objects.count()
    assert not any(sweep().values())
    assert Notification.objects.count() == total


# ---------------------------------------------------------------------------------------------
# Celery


def test_the_beat_schedule_runs_the_sweep_daily_at_half_past_six_in_oslo(settings) -> None:
    from celery.schedules import crontab

    entry = settings.CELERY_BEAT_SCHEDULE["reminders-sweep"]
    assert entry["task"] == "coordination.tasks.reminders_sweep_task"
    assert entry["schedule"] == crontab(hour=6, minute=30)
    assert settings.CELERY_TIMEZONE == "Europe/Oslo"


def test_the_task_sweeps_for_today_in_oslo(cast: Cast) -> None:
    from coordination.tasks import reminders_sweep_task

    tor = Member.objects.get(team=cast.team, user=cast.member)
    task(cast.team, tor, TODAY)
    # 00:30 on 1 March in Oslo is still 28 February in UTC: the task must use Oslo's date.
    with time_machine.travel(dt.datetime(2027, 3, 1, 0, 30, tzinfo=OSLO), tick=False):
        reminders_sweep_task.delay()
    assert sent(Kind.TASK_DUE) == [("tor", f"task:{Task.objects.get().pk}:due:{TODAY}")]
