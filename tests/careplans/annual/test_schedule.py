"""The årshjul's next due date: kept for the plan version in force only, moved on when an
occurrence passes or is done, and recomputed by the refresh command."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from actors.models import Member
from careplans.annual.schedule import (
    annual_activity_mark_done,
    annual_schedule_refresh,
    next_due,
    roll_forward,
    version_put_in_force,
)
from careplans.models import AnnualActivity, AnnualActivityMissed, CarePlan, CarePlanVersion
from careplans.plan.services import plan_approve
from tests.careplans.helpers import ready_draft
from tests.conftest import Cast

pytestmark = pytest.mark.django_db

D = dt.date
Kind = AnnualActivity.Kind
Recurrence = AnnualActivity.Recurrence
Status = CarePlanVersion.Status
TODAY = D(2027, 3, 1)


def version(cast: Cast, status: str = Status.IN_FORCE, **fields) -> CarePlanVersion:
    plan, _ = CarePlan.objects.get_or_create(team=cast.team)
    return CarePlanVersion.objects.create(
        plan=plan,
        number=plan.versions.count() + 1,
        status=status,
        created_by=cast.coordinator,
        period_start=fields.pop("period_start", D(2027, 1, 1)),
        **fields,
    )


def add(v: CarePlanVersion, **fields) -> AnnualActivity:
    fields.setdefault("kind", Kind.OTHER)
    fields.setdefault("title", "Aktivitet")
    fields.setdefault("recurrence", Recurrence.YEARLY)
    fields.setdefault("month", 4)
    return AnnualActivity.objects.create(version=v, **fields)


def test_the_next_due_date_counts_from_today_or_the_day_after_it_was_last_done():
    yearly = AnnualActivity(recurrence=Recurrence.YEARLY, month=3, first_on=D(2026, 3, 10))
    assert next_due(yearly, TODAY) == D(2027, 3, 10)
    assert next_due(yearly, D(2027, 3, 10)) == D(2027, 3, 10)  # the day itself is still due
    yearly.last_done_on = D(2027, 3, 10)
    assert next_due(yearly, D(2027, 3, 5)) == D(2028, 3, 10)


def test_an_occurrence_done_early_counts_as_done():
    yearly = AnnualActivity(recurrence=Recurrence.YEARLY, month=3, first_on=D(2026, 3, 20))
    yearly.last_done_on = D(2027, 3, 8)  # 12 days early: the team acted on the reminder
    assert next_due(yearly, TODAY) == D(2028, 3, 20)
    yearly.last_done_on = D(2027, 1, 2)  # far earlier: that was another occasion
    assert next_due(yearly, TODAY) == D(2027, 3, 20)


def test_putting_a_version_in_force_schedules_it_and_clears_the_superseded(cast):
    old = version(cast, status=Status.SUPERSEDED)
    old_activity = add(old, title="Samtykke", last_done_on=D(2027, 2, 20), next_due_on=TODAY)
    new = version(cast)
    carried = add(new, title="Samtykke", month=2, first_on=D(2027, 2, 25))
    other = add(new, title="Aktørkart", recurrence=Recurrence.EVERY_N_MONTHS, interval_months=6)

    version_put_in_force(new, [old.pk], today=TODAY)

    old_activity.refresh_from_db()
    carried.refresh_from_db()
    other.refresh_from_db()
    assert old_activity.next_due_on is None
    # Done 20 February under the old version: not due again before next year's 25th.
    assert carried.last_done_on == D(2027, 2, 20)
    assert carried.next_due_on == D(2028, 2, 25)
    # Every six months from the period start (1 January): 1 July.
    assert other.next_due_on == D(2027, 7, 1)


def test_the_last_approval_schedules_the_arshjul_of_the_version_in_force(cast):
    first = ready_draft(cast.coordinator, cast.team)
    assert first.annual_activities.exists()
    assert not first.annual_activities.filter(next_due_on__isnull=False).exists()
    for user in (cast.coordinator, cast.patient, cast.leader):
        plan_approve(
            actor=user, version=first, base_version=CarePlan.objects.get(team=cast.team).version
        )
    assert (
        not first.annual_activities.filter(next_due_on__isnull=True)
        .exclude(recurrence=Recurrence.ONCE)
        .exists()
    )

    second = ready_draft(cast.coordinator, cast.team)
    for user in (cast.coordinator, cast.patient, cast.leader):
        plan_approve(
            actor=user, version=second, base_version=CarePlan.objects.get(team=cast.team).version
        )
    assert not first.annual_activities.filter(next_due_on__isnull=False).exists()
    assert second.annual_activities.filter(next_due_on__isnull=False).exists()


def test_a_passed_occurrence_rolls_on_and_a_passed_once_activity_drops_out(cast):
    v = version(cast)
    yearly = add(v, month=2, next_due_on=D(2027, 2, 1))
    once = add(v, recurrence=Recurrence.ONCE, month=None, first_on=D(2027, 2, 27))
    once.next_due_on = D(2027, 2, 27)
    once.save()
    assert roll_forward([yearly, once], TODAY) == 2
    yearly.refresh_from_db()
    once.refresh_from_db()
    assert yearly.next_due_on == D(2028, 2, 1)
    assert once.next_due_on is None
    # Neither was marked done: both occurrences are kept as missed for the leaders' figures.
    assert sorted(AnnualActivityMissed.objects.values_list("activity", "due_on")) == [
        (yearly.pk, D(2027, 2, 1)),
        (once.pk, D(2027, 2, 27)),
    ]


def test_occurrences_passed_while_no_sweep_ran_are_all_missed_and_kept_once(cast):
    v = version(cast)
    monthly = add(
        v,
        recurrence=Recurrence.EVERY_N_MONTHS,
        interval_months=1,
        month=None,
        first_on=D(2026, 11, 15),
        next_due_on=D(2026, 12, 15),
    )
    passed = [D(2026, 12, 15), D(2027, 1, 15), D(2027, 2, 15)]
    assert roll_forward([monthly], TODAY) == 1
    assert list(monthly.missed.order_by("due_on").values_list("due_on", flat=True)) == passed
    # A second sweep that read the same rows (run at the same time) adds nothing.
    monthly.next_due_on = D(2026, 12, 15)
    roll_forward([monthly], TODAY)
    assert monthly.missed.count() == len(passed)


def test_the_refresh_command_sets_dates_for_versions_in_force_only(cast):
    draft = version(cast, status=Status.DRAFT)
    stale = add(draft, next_due_on=TODAY)
    v = version(cast)
    fresh = add(v, month=4)
    call_command("annual_schedule_refresh", "--today", TODAY.isoformat())
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert stale.next_due_on is None
    assert fresh.next_due_on == D(2027, 4, 1)
    assert annual_schedule_refresh(TODAY) == (0, 0)  # nothing left to change


@time_machine.travel(dt.datetime(2027, 3, 1, 9, tzinfo=dt.UTC), tick=False)
def test_the_responsible_member_marks_an_activity_done_and_it_moves_on(cast):
    v = version(cast)
    tor = Member.objects.get(team=cast.team, user=cast.member)
    activity = add(v, month=3, first_on=D(2026, 3, 10), responsible=tor, next_due_on=D(2027, 3, 10))
    done = annual_activity_mark_done(actor=cast.member, activity=activity)
    assert done.last_done_on == TODAY
    assert done.next_due_on == D(2028, 3, 10)
    # The occurrence is kept for the leaders' "done on time" indicator: due 10 March, done 1st.
    assert list(activity.done.values_list("due_on", "done_on", "done_by")) == [
        (D(2027, 3, 10), TODAY, cast.member.pk)
    ]


@time_machine.travel(dt.datetime(2027, 3, 1, 9, tzinfo=dt.UTC), tick=False)
def test_only_the_coordinator_or_the_responsible_may_mark_an_activity_done(cast):
    v = version(cast)
    activity = add(v, month=3, next_due_on=D(2028, 3, 1))
    with pytest.raises(PermissionDenied):
        annual_activity_mark_done(actor=cast.member, activity=activity)
    annual_activity_mark_done(actor=cast.coordinator, activity=activity)


@time_machine.travel(dt.datetime(2027, 3, 1, 9, tzinfo=dt.UTC), tick=False)
def test_an_activity_of_a_draft_cannot_be_marked_done(cast):
    activity = add(version(cast, status=Status.DRAFT))
    with pytest.raises(ValidationError):
        annual_activity_mark_done(actor=cast.coordinator, activity=activity)


def _done_url(activity: AnnualActivity) -> str:
    from django.urls import reverse

    return reverse("careplans:annual-activity-done", args=[activity.version_id, activity.pk])


@time_machine.travel(dt.datetime(2027, 3, 1, 9, tzinfo=dt.UTC), tick=False)
def test_merk_som_utfort_moves_the_activity_on_and_says_when_it_is_next(cast):
    from tests.conftest import client_for

    activity = add(version(cast), month=3, first_on=D(2026, 3, 10), next_due_on=D(2027, 3, 10))
    response = client_for(cast.coordinator).post(_done_url(activity), follow=True)
    assert (
        response.redirect_chain[-1][0] == f"/samarbeidsplan/versjon/{activity.version_id}/arshjul/"
    )
    assert "er merket som utført. Neste gang er 10.3.2028." in response.content.decode()
    activity.refresh_from_db()
    assert (activity.last_done_on, activity.next_due_on) == (TODAY, D(2028, 3, 10))


@time_machine.travel(dt.datetime(2027, 3, 1, 9, tzinfo=dt.UTC), tick=False)
def test_merk_som_utfort_with_htmx_tells_the_arshjul_to_reload(cast):
    from tests.conftest import client_for

    activity = add(version(cast), month=3, next_due_on=D(2027, 3, 1))
    response = client_for(cast.coordinator).post(
        _done_url(activity), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "arshjul-changed" in response["HX-Trigger"]


@time_machine.travel(dt.datetime(2027, 3, 1, 9, tzinfo=dt.UTC), tick=False)
def test_merk_som_utfort_on_a_draft_is_refused_with_a_message(cast):
    from tests.conftest import client_for

    activity = add(version(cast, status=Status.DRAFT))
    response = client_for(cast.coordinator).post(_done_url(activity), follow=True)
    assert "Bare aktiviteter i den gjeldende planen" in response.content.decode()
    activity.refresh_from_db()
    assert activity.last_done_on is None


@time_machine.travel(dt.datetime(2027, 3, 1, 9, tzinfo=dt.UTC), tick=False)
def test_the_arshjul_in_force_offers_merk_som_utfort_to_the_coordinator_and_the_responsible(cast):
    from django.urls import reverse

    from tests.conftest import client_for

    tor = Member.objects.get(team=cast.team, user=cast.member)
    v = version(cast)
    own = add(v, title="Tors oppfølging", month=3, responsible=tor, next_due_on=D(2027, 3, 10))
    add(v, title="Legemiddelgjennomgang", month=3, next_due_on=D(2027, 3, 12))
    page = reverse("careplans:annual", args=[v.pk])
    coordinator = client_for(cast.coordinator).get(page).content.decode()
    assert coordinator.count("Merk som utført<") == 2
    member = client_for(cast.member).get(page).content.decode()
    assert member.count("Merk som utført<") == 1
    assert _done_url(own) in member
