"""The evaluation meeting LKT proposes one week before a plan period ends: once, whatever
retries or concurrent sweeps do, at a weekday 10:00, with the standing agenda, to the
coordinator."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from coordination.evaluation import services as evaluation_services
from coordination.evaluation.services import (
    EVALUATION_AGENDA_TITLE,
    evaluation_meeting_confirm,
    evaluation_meeting_propose,
    proposed_meeting_day,
)
from coordination.models import Meeting, Notification, PlanPeriod, StandingItem
from tests.concurrency import run_together

OSLO = ZoneInfo("Europe/Oslo")
TODAY = dt.date(2027, 3, 1)  # a Monday


def _period(cast, ends_on: dt.date = dt.date(2027, 3, 12)) -> PlanPeriod:
    return PlanPeriod.objects.create(
        team=cast.team, starts_on=dt.date(2026, 9, 1), ends_on=ends_on, created_by=cast.coordinator
    )


@time_machine.travel(dt.datetime(2027, 3, 1, 6, 0, tzinfo=OSLO), tick=False)
def test_propose_creates_a_proposed_evaluation_meeting_a_week_before_the_end(cast):
    period = _period(cast)  # ends Friday 12 March

    meeting = evaluation_meeting_propose(period=period, today=TODAY)

    assert meeting is not None
    assert meeting.kind == Meeting.Kind.EVALUATION
    assert meeting.status == Meeting.Status.PROPOSED
    assert meeting.plan_period == period
    assert meeting.starts_at == dt.datetime(2027, 3, 5, 10, 0, tzinfo=OSLO)
    assert meeting.created_by == cast.coordinator
    assert meeting.leader is not None and meeting.leader.user == cast.coordinator
    titles = list(meeting.agenda_items.values_list("title", flat=True))
    assert titles[0] == EVALUATION_AGENDA_TITLE
    standing = set(meeting.agenda_items.exclude(standing="").values_list("standing", flat=True))
    assert standing == set(StandingItem.values)
    period.refresh_from_db()
    assert period.evaluation_proposed_at is not None


@time_machine.travel(dt.datetime(2027, 3, 1, 6, 0, tzinfo=OSLO), tick=False)
def test_propose_notifies_the_coordinator_with_a_link_to_the_evaluation(cast):
    period = _period(cast)

    evaluation_meeting_propose(period=period, today=TODAY)

    note = Notification.objects.get(kind=Notification.Kind.MEETING_PROPOSED)
    assert note.recipient == cast.coordinator
    assert note.occurrence == f"period:{period.pk}:evaluation-meeting"
    assert note.url == reverse("coordination:evaluation-detail", args=[period.pk])
    assert not Notification.objects.filter(recipient=cast.member).exists()


def test_propose_twice_makes_one_meeting_and_one_notification(cast):
    period = _period(cast)

    first = evaluation_meeting_propose(period=period, today=TODAY)
    second = evaluation_meeting_propose(period=PlanPeriod.objects.get(pk=period.pk), today=TODAY)

    assert first is not None
    assert second is None
    assert Meeting.objects.filter(plan_period=period).count() == 1
    assert Notification.objects.filter(kind=Notification.Kind.MEETING_PROPOSED).count() == 1


def test_propose_does_nothing_for_an_evaluated_period(cast):
    period = _period(cast)
    period.evaluated_on = TODAY
    period.save()

    assert evaluation_meeting_propose(period=period, today=TODAY) is None
    assert not Meeting.objects.exists()


def test_propose_respects_an_evaluation_meeting_the_coordinator_planned_by_hand(cast):
    period = _period(cast)
    Meeting.objects.create(
        team=cast.team,
        kind=Meeting.Kind.EVALUATION,
        starts_at=dt.datetime(2027, 3, 8, 12, 0, tzinfo=OSLO),
        plan_period=period,
        created_by=cast.coordinator,
    )

    assert evaluation_meeting_propose(period=period, today=TODAY) is None
    assert Meeting.objects.filter(plan_period=period).count() == 1
    period.refresh_from_db()
    assert period.evaluation_proposed_at is not None


@pytest.mark.parametrize(
    ("ends_on", "today", "expected"),
    [
        # A week before a Friday end is the Friday before.
        (dt.date(2027, 3, 12), TODAY, dt.date(2027, 3, 5)),
        # A week before a Saturday end is a Saturday: the Friday before it.
        (dt.date(2027, 3, 13), TODAY, dt.date(2027, 3, 5)),
        # A week before a Sunday end is a Sunday: the Monday after it.
        (dt.date(2027, 3, 14), TODAY, dt.date(2027, 3, 8)),
        # Already past (the period ends in three days): the next weekday.
        (dt.date(2027, 3, 4), TODAY, dt.date(2027, 3, 2)),
        # Today is no good either (the sweep runs in the morning): tomorrow, skipping the weekend.
        (dt.date(2027, 3, 12), dt.date(2027, 3, 5), dt.date(2027, 3, 8)),
    ],
)
def test_the_proposed_day_is_a_weekday_about_a_week_before_the_end(ends_on, today, expected):
    day = proposed_meeting_day(ends_on, today)
    assert day == expected
    assert day.weekday() < 5


def test_the_coordinator_confirms_the_proposed_time(cast):
    period = _period(cast)
    meeting = evaluation_meeting_propose(period=period, today=TODAY)
    assert meeting is not None

    with time_machine.travel(dt.datetime(2027, 3, 1, 9, 0, tzinfo=OSLO), tick=False):
        confirmed = evaluation_meeting_confirm(
            actor=cast.coordinator, meeting=meeting, starts_at=meeting.starts_at
        )

    assert confirmed.status == Meeting.Status.PLANNED


def test_a_member_cannot_confirm_the_proposed_meeting(cast):
    from django.core.exceptions import PermissionDenied

    meeting = evaluation_meeting_propose(period=_period(cast), today=TODAY)
    assert meeting is not None
    with pytest.raises(PermissionDenied):
        evaluation_meeting_confirm(actor=cast.member, meeting=meeting)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_two_sweeps_at_once_propose_exactly_one_meeting(cast, attempt, monkeypatch):
    period = _period(cast)
    real = evaluation_services.active_coordinators

    def slow_coordinators(team):
        # Widen the window between the check and the insert, so that without the row lock
        # both sweeps would pass the check and propose a meeting each.
        time.sleep(0.3)
        return real(team)

    monkeypatch.setattr(evaluation_services, "active_coordinators", slow_coordinators)

    def sweep() -> object:
        # Each sweep reads the period itself, as the reminder sweep does.
        return evaluation_meeting_propose(period=PlanPeriod.objects.get(pk=period.pk), today=TODAY)

    results = run_together(sweep, sweep)

    assert sum(1 for r in results if r is not None) == 1
    assert Meeting.objects.filter(plan_period=period).count() == 1
    assert Notification.objects.filter(kind=Notification.Kind.MEETING_PROPOSED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_overlapping_periods_saved_at_once_leave_exactly_one(cast):
    from django.core.exceptions import ValidationError

    from coordination.evaluation.services import plan_period_create

    def save(start: dt.date) -> Callable[[], object]:
        def run() -> object:
            try:
                return plan_period_create(
                    actor=cast.coordinator,
                    team=cast.team,
                    starts_on=start,
                    ends_on=start + dt.timedelta(days=180),
                )
            except ValidationError:
                return "refused"

        return run

    results = run_together(save(dt.date(2027, 1, 1)), save(dt.date(2027, 2, 1)))

    assert results.count("refused") == 1
    assert PlanPeriod.objects.filter(team=cast.team).count() == 1
