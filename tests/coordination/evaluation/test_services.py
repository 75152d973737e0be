"""Rules of plan periods and the evaluation, through the services: who may set a period and
when it overlaps, per-goal results in the patient's words, the summary's optimistic lock, the
send with its correction deadline, corrections and closing."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from careplans.models import Goal
from coordination.evaluation.services import (
    StaleSummary,
    add_working_days,
    evaluation_close,
    evaluation_correction_add,
    evaluation_send,
    evaluation_summary_save,
    goal_evaluation_save,
    plan_period_create,
)
from coordination.models import Evaluation, EvaluationCorrection, Notification, PlanPeriod
from lkt.models import AccessLog

OSLO = ZoneInfo("Europe/Oslo")
MONDAY_NOON = dt.datetime(2027, 3, 1, 12, 0, tzinfo=OSLO)


def make_goals(cast, n: int = 2) -> list[Goal]:
    return [
        Goal.objects.create(
            patient=cast.team.patient, text=f"Mål {i}", wish="Bo hjemme", position=i
        )
        for i in range(n)
    ]


def make_period(cast, **kw) -> PlanPeriod:
    fields = {"starts_on": dt.date(2026, 9, 1), "ends_on": dt.date(2027, 3, 12)}
    fields.update(kw)
    return PlanPeriod.objects.create(team=cast.team, created_by=cast.coordinator, **fields)


def ready_to_send(cast, goals: list[Goal] | None = None) -> PlanPeriod:
    period = make_period(cast)
    for goal in goals if goals is not None else make_goals(cast):
        goal_evaluation_save(
            actor=cast.coordinator,
            period=period,
            goal=goal,
            result="partly",
            patient_words="Det går bedre enn før.",
        )
    evaluation_summary_save(
        actor=cast.coordinator, period=period, summary="Vi fortsetter.", base_version=0
    )
    return period


# ---------------------------------------------------------------------------------------------
# Plan periods


def test_the_coordinator_sets_a_plan_period(cast):
    period = plan_period_create(
        actor=cast.coordinator,
        team=cast.team,
        starts_on=dt.date(2027, 1, 1),
        ends_on=dt.date(2027, 6, 30),
    )
    assert period.created_by == cast.coordinator
    assert AccessLog.objects.filter(user=cast.coordinator, action="change").exists()


def test_a_member_may_not_set_a_plan_period(cast):
    with pytest.raises(PermissionDenied):
        plan_period_create(
            actor=cast.member,
            team=cast.team,
            starts_on=dt.date(2027, 1, 1),
            ends_on=dt.date(2027, 6, 30),
        )


def test_an_outsider_does_not_learn_the_team_exists(cast):
    with pytest.raises(Http404):
        plan_period_create(
            actor=cast.outsider,
            team=cast.team,
            starts_on=dt.date(2027, 1, 1),
            ends_on=dt.date(2027, 6, 30),
        )


def test_a_period_must_end_after_it_starts(cast):
    with pytest.raises(ValidationError) as error:
        plan_period_create(
            actor=cast.coordinator,
            team=cast.team,
            starts_on=dt.date(2027, 6, 30),
            ends_on=dt.date(2027, 6, 30),
        )
    assert "ends_on" in error.value.message_dict


def test_a_period_may_not_overlap_one_that_is_not_evaluated(cast):
    make_period(cast, starts_on=dt.date(2027, 1, 1), ends_on=dt.date(2027, 6, 30))
    with pytest.raises(ValidationError) as error:
        plan_period_create(
            actor=cast.coordinator,
            team=cast.team,
            starts_on=dt.date(2027, 6, 1),
            ends_on=dt.date(2027, 12, 31),
        )
    assert "1.1.2027–30.6.2027" in error.value.message_dict["starts_on"][0]


def test_a_period_may_follow_straight_after_the_last_one(cast):
    make_period(cast, starts_on=dt.date(2027, 1, 1), ends_on=dt.date(2027, 6, 30))
    period = plan_period_create(
        actor=cast.coordinator,
        team=cast.team,
        starts_on=dt.date(2027, 6, 30),
        ends_on=dt.date(2027, 12, 31),
    )
    assert period.pk


def test_a_period_may_overlap_an_evaluated_one(cast):
    make_period(
        cast,
        starts_on=dt.date(2027, 1, 1),
        ends_on=dt.date(2027, 6, 30),
        evaluated_on=dt.date(2027, 6, 1),
    )
    period = plan_period_create(
        actor=cast.coordinator,
        team=cast.team,
        starts_on=dt.date(2027, 6, 1),
        ends_on=dt.date(2027, 12, 31),
    )
    assert period.pk


# ---------------------------------------------------------------------------------------------
# Results per goal


def test_a_goal_result_needs_the_patients_own_words(cast):
    period = make_period(cast)
    (goal,) = make_goals(cast, 1)
    with pytest.raises(ValidationError) as error:
        goal_evaluation_save(
            actor=cast.coordinator, period=period, goal=goal, result="reached", patient_words=" "
        )
    assert "patient_words" in error.value.message_dict


def test_a_goal_result_is_saved_once_per_goal_and_can_be_changed(cast):
    period = make_period(cast)
    (goal,) = make_goals(cast, 1)
    goal_evaluation_save(
        actor=cast.coordinator, period=period, goal=goal, result="reached", patient_words="Ja"
    )
    row = goal_evaluation_save(
        actor=cast.coordinator,
        period=period,
        goal=goal,
        result="partly",
        patient_words="Delvis",
        next_step="Nytt mål: gå tur to ganger i uka",
    )
    evaluation = Evaluation.objects.get(period=period)
    assert evaluation.goal_results.count() == 1
    assert row.result == "partly"
    assert row.next_step.startswith("Nytt mål")


def test_a_retired_goal_or_another_patients_goal_cannot_be_evaluated(cast):
    period = make_period(cast)
    (goal,) = make_goals(cast, 1)
    goal.retired_at = MONDAY_NOON
    goal.save()
    other = Goal.objects.create(patient=cast.other_team.patient, text="Ola sitt", wish="x")
    for target in (goal, other):
        with pytest.raises(ValidationError):
            goal_evaluation_save(
                actor=cast.coordinator,
                period=period,
                goal=target,
                result="reached",
                patient_words="Ja",
            )


def test_a_member_may_not_record_results(cast):
    period = make_period(cast)
    (goal,) = make_goals(cast, 1)
    with pytest.raises(PermissionDenied):
        goal_evaluation_save(
            actor=cast.member, period=period, goal=goal, result="reached", patient_words="Ja"
        )


# ---------------------------------------------------------------------------------------------
# The summary


def test_a_stale_summary_save_keeps_the_other_text_and_loses_nothing(cast):
    period = make_period(cast)
    evaluation_summary_save(
        actor=cast.coordinator, period=period, summary="Kari skrev dette.", base_version=0
    )
    with pytest.raises(StaleSummary) as error:
        evaluation_summary_save(
            actor=cast.coordinator, period=period, summary="Min tekst.", base_version=0
        )
    assert error.value.current.summary == "Kari skrev dette."
    evaluation = Evaluation.objects.get(period=period)
    assert evaluation.summary == "Kari skrev dette."
    assert evaluation.version == 1


# ---------------------------------------------------------------------------------------------
# Sending, corrections and closing


def test_sending_needs_every_current_goal_evaluated(cast):
    goals = make_goals(cast, 2)
    period = ready_to_send(cast, goals[:1])
    with pytest.raises(ValidationError) as error:
        evaluation_send(actor=cast.coordinator, period=period)
    assert "1 av pasientens mål" in error.value.messages[0]


def test_sending_needs_a_summary(cast):
    period = make_period(cast)
    (goal,) = make_goals(cast, 1)
    goal_evaluation_save(
        actor=cast.coordinator, period=period, goal=goal, result="reached", patient_words="Ja"
    )
    with pytest.raises(ValidationError) as error:
        evaluation_send(actor=cast.coordinator, period=period)
    assert "summary" in error.value.message_dict


@time_machine.travel(MONDAY_NOON, tick=False)
def test_sending_notifies_every_active_member_and_the_patient_with_a_deadline(cast):
    period = ready_to_send(cast)

    evaluation = evaluation_send(actor=cast.coordinator, period=period)

    assert evaluation.status == Evaluation.Status.SENT
    # Three working days from Monday noon is Thursday noon.
    assert evaluation.corrections_until == dt.datetime(2027, 3, 4, 12, 0, tzinfo=OSLO)
    recipients = set(
        Notification.objects.filter(kind=Notification.Kind.EVALUATION_SUMMARY).values_list(
            "recipient", flat=True
        )
    )
    assert recipients == {cast.coordinator.pk, cast.member.pk, cast.patient.pk}


def test_the_deadline_skips_the_weekend():
    friday = dt.datetime(2027, 3, 5, 15, 0, tzinfo=OSLO)
    assert add_working_days(friday, 3) == dt.datetime(2027, 3, 10, 15, 0, tzinfo=OSLO)


@time_machine.travel(MONDAY_NOON, tick=False)
def test_after_sending_goals_and_summary_can_no_longer_be_changed(cast):
    goals = make_goals(cast, 1)
    period = ready_to_send(cast, goals)
    evaluation_send(actor=cast.coordinator, period=period)

    with pytest.raises(ValidationError) as error:
        goal_evaluation_save(
            actor=cast.coordinator,
            period=period,
            goal=goals[0],
            result="reached",
            patient_words="Ja",
        )
    assert "sendt til teamet" in error.value.messages[0]
    with pytest.raises(ValidationError):
        evaluation_summary_save(actor=cast.coordinator, period=period, summary="x", base_version=1)
    with pytest.raises(ValidationError):
        evaluation_send(actor=cast.coordinator, period=period)


def test_members_correct_until_the_deadline_and_not_after(cast):
    period = ready_to_send(cast)
    with time_machine.travel(MONDAY_NOON, tick=False):
        evaluation = evaluation_send(actor=cast.coordinator, period=period)
    with time_machine.travel(dt.datetime(2027, 3, 4, 11, 59, tzinfo=OSLO), tick=False):
        evaluation_correction_add(actor=cast.member, evaluation=evaluation, text="Dato er feil.")
    with (
        time_machine.travel(dt.datetime(2027, 3, 4, 12, 1, tzinfo=OSLO), tick=False),
        pytest.raises(ValidationError, match="Fristen for rettelser er ute"),
    ):
        evaluation_correction_add(actor=cast.member, evaluation=evaluation, text="For sent.")
    assert EvaluationCorrection.objects.filter(evaluation=evaluation).count() == 1


def test_a_correction_before_sending_is_refused(cast):
    period = make_period(cast)
    evaluation_summary_save(actor=cast.coordinator, period=period, summary="x", base_version=0)
    evaluation = Evaluation.objects.get(period=period)
    with pytest.raises(ValidationError, match="ikke sendt"):
        evaluation_correction_add(actor=cast.member, evaluation=evaluation, text="Hm")


def test_the_patient_and_outsiders_cannot_post_corrections(cast):
    period = ready_to_send(cast)
    with time_machine.travel(MONDAY_NOON, tick=False):
        evaluation = evaluation_send(actor=cast.coordinator, period=period)
        with pytest.raises(PermissionDenied):
            evaluation_correction_add(actor=cast.patient, evaluation=evaluation, text="Hei")
        with pytest.raises(Http404):
            evaluation_correction_add(actor=cast.outsider, evaluation=evaluation, text="Hei")


def test_closing_waits_for_the_deadline_unless_the_coordinator_closes_early(cast):
    period = ready_to_send(cast)
    with time_machine.travel(MONDAY_NOON, tick=False):
        evaluation_send(actor=cast.coordinator, period=period)
        with pytest.raises(ValidationError, match="ikke ute ennå"):
            evaluation_close(actor=cast.coordinator, period=period, today=MONDAY_NOON.date())
        closed = evaluation_close(
            actor=cast.coordinator, period=period, today=MONDAY_NOON.date(), early=True
        )
    assert closed.status == Evaluation.Status.CLOSED
    period.refresh_from_db()
    assert period.evaluated_on == MONDAY_NOON.date()


def test_closing_after_the_deadline_evaluates_the_period(cast):
    period = ready_to_send(cast)
    with time_machine.travel(MONDAY_NOON, tick=False):
        evaluation_send(actor=cast.coordinator, period=period)
    later = dt.date(2027, 3, 5)
    with time_machine.travel(dt.datetime(2027, 3, 5, 9, 0, tzinfo=OSLO), tick=False):
        evaluation_close(actor=cast.coordinator, period=period, today=later)
        with pytest.raises(ValidationError, match="allerede avsluttet"):
            evaluation_close(actor=cast.coordinator, period=period, today=later)
    period.refresh_from_db()
    assert period.evaluated_on == later


def test_a_draft_cannot_be_closed(cast):
    period = make_period(cast)
    with pytest.raises(ValidationError, match="Send oppsummeringen"):
        evaluation_close(actor=cast.coordinator, period=period, today=MONDAY_NOON.date())
