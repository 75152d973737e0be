"""Reads for plan periods and the evaluation: the team page section "Planperiode og
evaluering" and the evaluation page of one period."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from actors.access import Action, Standing, allows, check, require_user
from actors.models import Patient
from actors.selectors import portal_patient
from careplans.models import CarePlanVersion, Goal
from coordination.evaluation.services import (
    MEETING_HOUR,
    corrections_open,
    proposed_meeting_day,
)
from coordination.meetings import cycle
from coordination.models import (
    Evaluation,
    EvaluationCorrection,
    GoalEvaluation,
    Meeting,
    PlanPeriod,
)
from lkt.core import audit
from lkt.core.compiled_query import CompiledQuery

if TYPE_CHECKING:
    from actors.access import AnyUser
    from actors.selectors import TeamPage

# Meetings that still count as the period's evaluation meeting.
_LIVE_MEETING = Q(status__in=[Meeting.Status.PROPOSED, Meeting.Status.PLANNED])
_SECTION_PERIODS = 5


def _evaluation(period: PlanPeriod) -> Evaluation | None:
    """The reverse one-to-one read through ``select_related``, without a query."""
    try:
        return period.evaluation
    except Evaluation.DoesNotExist:
        return None


@dataclass
class PlanDefaults:
    starts_on: dt.date | None
    ends_on: dt.date | None


def plan_period_defaults(team_pk: int) -> PlanDefaults:
    """The period of the plan version in force, offered as the new period's dates (one query)."""
    version = (
        CarePlanVersion.objects.filter(
            plan__team_id=team_pk, status=CarePlanVersion.Status.IN_FORCE
        )
        .only("period_start", "period_end")
        .first()
    )
    if version is None:
        return PlanDefaults(None, None)
    return PlanDefaults(version.period_start, version.period_end)


# ---------------------------------------------------------------------------------------------
# The team page section


def cycle_state(
    *,
    today: dt.date,
    plan_statuses: set[str],
    periods: list[PlanPeriod],
    meetings: list[Meeting],
) -> tuple[cycle.CycleState, PlanPeriod | None]:
    """The state the cycle stage is read from, and the team's open period (the earliest not
    evaluated yet), from rows already read."""
    open_periods = sorted(
        (p for p in periods if p.evaluated_on is None), key=lambda p: (p.starts_on, p.pk)
    )
    current = open_periods[0] if open_periods else None
    evaluation = _evaluation(current) if current else None
    return (
        cycle.CycleState(
            today=today,
            plan_in_force=CarePlanVersion.Status.IN_FORCE in plan_statuses,
            plan_draft=CarePlanVersion.Status.DRAFT in plan_statuses,
            period_starts_on=current.starts_on if current else None,
            period_ends_on=current.ends_on if current else None,
            evaluation_meeting=current is not None
            and any(m.plan_period_id == current.pk for m in meetings),
            evaluation_status=evaluation.status if evaluation else "",
            evaluated_period=any(p.evaluated_on is not None for p in periods),
        ),
        current,
    )


def evaluation_proposal_day(
    period: PlanPeriod | None, meeting: Meeting | None, today: dt.date
) -> dt.date | None:
    """The day LKT will propose for the period's evaluation meeting, while it has not yet: the
    one the reminder sweep picks a week before the end (``proposed_meeting_day``). None when a
    meeting is there, the proposal was made (and perhaps cancelled) or the period is done."""
    if (
        period is None
        or meeting is not None
        or period.evaluated_on is not None
        or period.evaluation_proposed_at is not None
    ):
        return None
    return proposed_meeting_day(period.ends_on, today)


def evaluation_section(page: TeamPage) -> dict[str, Any]:
    """The team page section "Planperiode og evaluering": the cycle stepper, the open period
    and the latest ones with their evaluation status. Three queries whatever the team's size:
    1 the newest periods with their evaluation (reverse one-to-one, joined), 2 the live
    evaluation meetings of those periods, 3 the statuses of the plan versions in force/draft.
    """
    team = page.team.pk
    periods = _SECTION_NEWEST_PERIODS.all(team=team)
    meetings = _SECTION_LIVE_MEETINGS.all(team=team)
    plan_statuses = {version.status for version in _SECTION_PLAN_VERSIONS.all(team=team)}
    state, current = cycle_state(
        today=timezone.localdate(), plan_statuses=plan_statuses, periods=periods, meetings=meetings
    )
    current_stage = cycle.stage(state)
    meeting = next((m for m in meetings if current and m.plan_period_id == current.pk), None)
    rows = [(p, _evaluation(p)) for p in periods]
    return {
        "proposal_day": evaluation_proposal_day(current, meeting, timezone.localdate()),
        "meeting_hour": MEETING_HOUR,
        "stage": current_stage,
        "steps": cycle.steps(current_stage),
        "next_step": cycle.NEXT_STEP[current_stage],
        "current": current,
        "current_evaluation": _evaluation(current) if current else None,
        "meeting": meeting,
        "rows": rows,
        "manages": allows(page.standing, Action.MANAGE_TEAM),
        "may_read": allows(page.standing, Action.VIEW_CLINICAL) and is_staff_in_team(page.standing),
    }


def _newest_first(team: int) -> QuerySet[PlanPeriod]:
    return PlanPeriod.objects.filter(team_id=team).order_by("-starts_on", "-pk")


# The section's reads, compiled once (issue 17, lkt.core.compiled_query): the newest periods
# with their evaluation, the live evaluation meetings of those periods, the plan versions in
# force or in draft (their statuses only).
_SECTION_NEWEST_PERIODS = CompiledQuery(
    lambda team: _newest_first(team).select_related("evaluation")[:_SECTION_PERIODS], "team"
)
_SECTION_LIVE_MEETINGS = CompiledQuery(
    lambda team: Meeting.objects.filter(
        _LIVE_MEETING,
        team_id=team,
        kind=Meeting.Kind.EVALUATION,
        plan_period__in=_newest_first(team).values("pk")[:_SECTION_PERIODS],
    ).order_by("starts_at", "pk"),
    "team",
)
_SECTION_PLAN_VERSIONS = CompiledQuery(
    lambda team: CarePlanVersion.objects.filter(
        plan__team_id=team,
        status__in=[CarePlanVersion.Status.IN_FORCE, CarePlanVersion.Status.DRAFT],
    ).only("status"),
    "team",
)


# ---------------------------------------------------------------------------------------------
# The evaluation page of one period


@dataclass
class GoalRow:
    goal: Goal
    result: GoalEvaluation | None


@dataclass
class EvaluationPage:
    period: PlanPeriod
    standing: Standing
    evaluation: Evaluation | None
    goals: list[GoalRow]
    corrections: list[EvaluationCorrection]
    meeting: Meeting | None
    now: dt.datetime = field(default_factory=timezone.now)

    @property
    def team(self) -> Any:
        return self.period.team

    @property
    def status(self) -> str:
        return self.evaluation.status if self.evaluation else Evaluation.Status.DRAFT

    @property
    def manages(self) -> bool:
        return allows(self.standing, Action.MANAGE_TEAM)

    @property
    def editable(self) -> bool:
        """The team records results and the summary until the summary is sent."""
        return self.manages and self.status == Evaluation.Status.DRAFT

    @property
    def base_version(self) -> int:
        return self.evaluation.version if self.evaluation else 0

    @property
    def corrections_open(self) -> bool:
        return self.evaluation is not None and corrections_open(self.evaluation, self.now)

    @property
    def may_correct(self) -> bool:
        return self.corrections_open and self.standing.is_member

    @property
    def may_close(self) -> bool:
        return self.manages and self.status == Evaluation.Status.SENT

    @property
    def missing(self) -> int:
        return sum(1 for row in self.goals if row.result is None)

    @property
    def proposal_day(self) -> dt.date | None:
        return evaluation_proposal_day(self.period, self.meeting, timezone.localdate(self.now))

    @property
    def meeting_hour(self) -> int:
        return MEETING_HOUR

    @property
    def may_send(self) -> bool:
        return (
            self.editable and not self.missing and bool(self.evaluation and self.evaluation.summary)
        )


def is_staff_in_team(standing: Standing) -> bool:
    return standing.is_member or standing.manages


def period_for(who: AnyUser, period_pk: int, action: Action) -> tuple[PlanPeriod, Standing]:
    """The period with its team and patient, when the user may do ``action`` (404/403), the
    access audited on the period."""
    period = PlanPeriod.objects.select_related("team__patient").filter(pk=period_pk).first()
    if period is None:
        raise Http404
    standing = check(who, action, period.team.patient)
    if not is_staff_in_team(standing):
        # The evaluation is the team's working document; the patient reads the sent summary
        # (see the report) but not the drafts.
        raise PermissionDenied
    audit.record(user=require_user(who), patient=period.team.patient, action=audit.VIEW, obj=period)
    return period, standing


def evaluation_get(who: AnyUser, period_pk: int) -> EvaluationPage:
    """The evaluation page for staff who see clinical content. Queries, whatever the number of
    goals: 1 the period with team and patient, 2 standing, 3 audit row, 4 the evaluation,
    5 the current goals with their main goal, 6 the recorded results, 7 the corrections with
    their authors, 8 the live evaluation meeting with its leader."""
    period, standing = period_for(who, period_pk, Action.VIEW_CLINICAL)
    evaluation = Evaluation.objects.filter(period=period).first()
    goals = list(
        Goal.objects.filter(patient_id=period.team.patient_id, retired_at__isnull=True)
        .select_related("parent")
        .order_by("position", "pk")
    )
    results: dict[int, GoalEvaluation] = {}
    corrections: list[EvaluationCorrection] = []
    if evaluation is not None:
        results = {r.goal_id: r for r in GoalEvaluation.objects.filter(evaluation=evaluation)}
        corrections = list(
            EvaluationCorrection.objects.filter(evaluation=evaluation).select_related("author")
        )
    meeting = (
        Meeting.objects.filter(_LIVE_MEETING, plan_period=period, kind=Meeting.Kind.EVALUATION)
        .select_related("leader__user")
        .order_by("-starts_at")
        .first()
    )
    return EvaluationPage(
        period=period,
        standing=standing,
        evaluation=evaluation,
        goals=[GoalRow(g, results.get(g.pk)) for g in goals],
        corrections=corrections,
        meeting=meeting,
    )


def goal_for(period: PlanPeriod, goal_pk: int) -> Goal:
    """One of the patient's current goals (404 otherwise)."""
    goal = Goal.objects.filter(
        pk=goal_pk, patient_id=period.team.patient_id, retired_at__isnull=True
    ).first()
    if goal is None:
        raise Http404
    return goal


def goal_result(period: PlanPeriod, goal: Goal) -> GoalEvaluation | None:
    return GoalEvaluation.objects.filter(evaluation__period=period, goal=goal).first()


# ---------------------------------------------------------------------------------------------
# The patient's own view (portal)


@dataclass
class PortalEvaluation:
    evaluation: Evaluation
    results: list[GoalEvaluation]


def portal_evaluations(who: AnyUser, patient_pk: int) -> tuple[Patient, list[PortalEvaluation]]:
    """The evaluations sent to the team (and so to the patient), newest first, each with the
    results per goal in the patient's own words. Only the patient herself: relatives and staff
    are refused (403), strangers get 404. Drafts are the team's working papers and are not
    shown. Queries: 1 patient, 2 standing, 3 audit row, 4 the evaluations with their periods,
    5 their results with the goals."""
    patient, standing = portal_patient(who, patient_pk)
    if not standing.is_self:
        raise PermissionDenied
    audit.record(user=require_user(who), patient=patient, action=audit.VIEW, obj=patient)
    evaluations = list(
        Evaluation.objects.filter(
            period__team__patient=patient,
            status__in=[Evaluation.Status.SENT, Evaluation.Status.CLOSED],
        )
        .select_related("period")
        .prefetch_related(
            Prefetch(
                "goal_results",
                queryset=GoalEvaluation.objects.select_related("goal").order_by(
                    "goal__position", "goal_id"
                ),
            )
        )
        .order_by("-period__starts_on", "-pk")
    )
    return patient, [PortalEvaluation(e, list(e.goal_results.all())) for e in evaluations]
