"""The team's stage in the improvement cycle, derived from its state without a database: one
test per rule in ``coordination.meetings.cycle.stage``."""

from __future__ import annotations

import datetime as dt

from coordination.meetings.cycle import CycleState, Stage, stage, steps

TODAY = dt.date(2027, 3, 1)
RUNNING = {"period_starts_on": dt.date(2026, 9, 1), "period_ends_on": dt.date(2027, 6, 30)}


def test_a_new_team_with_no_plan_and_no_period_is_preparing():
    assert stage(CycleState(today=TODAY)) == Stage.PREPARE


def test_a_team_writing_its_first_plan_is_planning():
    assert stage(CycleState(today=TODAY, plan_draft=True)) == Stage.PLAN


def test_a_plan_in_force_without_a_period_is_still_planning():
    assert stage(CycleState(today=TODAY, plan_in_force=True)) == Stage.PLAN


def test_a_period_that_has_not_started_is_planning():
    state = CycleState(
        today=TODAY,
        plan_in_force=True,
        period_starts_on=dt.date(2027, 4, 1),
        period_ends_on=dt.date(2027, 9, 30),
    )
    assert stage(state) == Stage.PLAN


def test_a_running_period_is_doing_even_with_a_new_draft_of_the_plan():
    state = CycleState(today=TODAY, plan_in_force=True, plan_draft=True, **RUNNING)
    assert stage(state) == Stage.DO


def test_within_seven_days_of_the_end_the_team_is_evaluating():
    state = CycleState(
        today=TODAY,
        plan_in_force=True,
        period_starts_on=dt.date(2026, 9, 1),
        period_ends_on=TODAY + dt.timedelta(days=7),
    )
    assert stage(state) == Stage.EVALUATE
    eight_days = CycleState(
        today=TODAY,
        plan_in_force=True,
        period_starts_on=dt.date(2026, 9, 1),
        period_ends_on=TODAY + dt.timedelta(days=8),
    )
    assert stage(eight_days) == Stage.DO


def test_a_period_that_ended_without_evaluation_is_still_evaluating():
    state = CycleState(
        today=TODAY, period_starts_on=dt.date(2026, 9, 1), period_ends_on=dt.date(2027, 2, 1)
    )
    assert stage(state) == Stage.EVALUATE


def test_a_proposed_or_planned_evaluation_meeting_means_evaluating():
    assert stage(CycleState(today=TODAY, evaluation_meeting=True, **RUNNING)) == Stage.EVALUATE


def test_an_evaluation_draft_means_evaluating():
    assert stage(CycleState(today=TODAY, evaluation_status="draft", **RUNNING)) == Stage.EVALUATE


def test_a_sent_evaluation_means_following_up():
    assert stage(CycleState(today=TODAY, evaluation_status="sent", **RUNNING)) == Stage.FOLLOW_UP


def test_after_the_evaluation_is_closed_and_before_a_new_period_the_team_follows_up():
    state = CycleState(today=TODAY, plan_in_force=True, evaluated_period=True)
    assert stage(state) == Stage.FOLLOW_UP


def test_a_new_draft_after_the_evaluation_starts_the_next_round_of_planning():
    state = CycleState(today=TODAY, plan_in_force=True, plan_draft=True, evaluated_period=True)
    assert stage(state) == Stage.PLAN


def test_a_new_period_after_an_evaluated_one_is_doing_again():
    state = CycleState(today=TODAY, plan_in_force=True, evaluated_period=True, **RUNNING)
    assert stage(state) == Stage.DO


def test_the_stepper_marks_earlier_steps_done_and_one_current():
    rows = steps(Stage.DO)
    assert [r.stage for r in rows] == list(Stage)
    assert [r.done for r in rows] == [True, True, False, False, False]
    assert [r.current for r in rows] == [False, False, True, False, False]
    assert [r.number for r in rows] == [1, 2, 3, 4, 5]
