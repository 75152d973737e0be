"""The plan for cooperation and Min gode dag's goals as FHIR R4 resources (``fhir.resources``).

Mapping only: the FHIR selectors (lkt.fhir.selectors) read the rows through the access policy.

- CarePlan: each approved version of the plan for samarbeid (in force: active; replaced by a
  newer approved version: revoked), ``replaces`` the approved version before it; its period; the
  phase as a category, with the team's current phase on the version in force; the phase plan
  and crisis plan (green, yellow, red: signs, actions, who acts, whom to call day and night,
  the patient's wishes) as activities.
- Goal: a goal of Min gode dag (``expressedBy`` the patient: the goals are hers), with the
  challenge or wish it serves and its target date; a delmål is a milestone of its main goal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone
from fhir.resources.R4B.annotation import Annotation
from fhir.resources.R4B.careplan import CarePlan as FhirCarePlan
from fhir.resources.R4B.careplan import CarePlanActivity, CarePlanActivityDetail
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.extension import Extension
from fhir.resources.R4B.goal import Goal as FhirGoal
from fhir.resources.R4B.goal import GoalTarget
from fhir.resources.R4B.period import Period

from actors.fhir import day, label, lkt_code, member_reference, meta, ref
from careplans.models import CarePlanVersion, Goal, Phase, PhasePlanEntry

_CARE_PLAN_STATUS = {
    CarePlanVersion.Status.IN_FORCE: "active",
    CarePlanVersion.Status.SUPERSEDED: "revoked",
}
# The kind of plan: the plan for samarbeid of the LKT model (element D).
_PLAN_KIND = "samarbeidsplan"

# The plan's texts beyond the summary, each a note under its own heading.
_NOTES = (
    "roles_note",
    "communication",
    "information_sharing",
    "preparedness",
    "documentation",
    "evaluation_plan",
)


def _phase_code(phase: str) -> CodeableConcept:
    return lkt_code("phase", phase, Phase(phase).label)


def _activity(entry: PhasePlanEntry, *, current: str | None, in_force: bool) -> CarePlanActivity:
    """One phase of the phase plan or crisis plan. The phase the team is in is in progress."""
    if not in_force:
        status = "stopped"
    elif entry.phase == current:
        status = "in-progress"
    else:
        status = "not-started"
    calls = [
        (label(PhasePlanEntry, name), getattr(entry, name))
        for name in ("call_office_hours", "call_night", "patient_wishes")
    ]
    performers = [member_reference(m) for m in (entry.actor, entry.night_contact) if m is not None]
    return CarePlanActivity(
        detail=CarePlanActivityDetail(
            kind="CarePlan",
            code=_phase_code(entry.phase),
            status=status,
            reasonCode=[CodeableConcept(text=entry.signs)] if entry.signs else None,
            description=entry.actions or None,
            performer=performers or None,
        ),
        progress=[Annotation(text=f"{label}: {text}") for label, text in calls if text] or None,
    )


def care_plan_resource(
    version: CarePlanVersion,
    *,
    patient_id: int,
    team_id: int,
    replaces: int | None,
    current_phase: str | None,
    updated: dt.datetime | None,
) -> FhirCarePlan:
    in_force = version.status == CarePlanVersion.Status.IN_FORCE
    categories = [lkt_code("plan-kind", _PLAN_KIND, "Plan for samarbeid")]
    if in_force and current_phase:
        categories.append(_phase_code(current_phase))
    notes = [
        Annotation(text=f"{label(CarePlanVersion, name)}: {getattr(version, name)}")
        for name in _NOTES
        if getattr(version, name)
    ]
    entries = sorted(version.phase_entries.all(), key=lambda e: list(Phase).index(Phase(e.phase)))
    return FhirCarePlan(
        id=str(version.pk),
        meta=meta(updated),
        status=_CARE_PLAN_STATUS[CarePlanVersion.Status(version.status)],
        intent="plan",
        category=categories,
        title=f"Plan for samarbeid, versjon {version.number}",
        description=version.patient_summary or None,
        subject=ref("Patient", patient_id),
        period=Period(start=day(version.period_start), end=day(version.period_end))
        if version.period_start or version.period_end
        else None,
        created=version.created_at,
        replaces=[ref("CarePlan", replaces)] if replaces else None,
        careTeam=[ref("CareTeam", team_id)],
        goal=[ref("Goal", g["id"]) for g in version.goals if g.get("id")] or None,
        activity=[_activity(e, current=current_phase, in_force=in_force) for e in entries] or None,
        note=notes or None,
    )


# The core extension for how goals relate: a delmål is a "milestone" of its main goal.
GOAL_RELATIONSHIP = "http://hl7.org/fhir/StructureDefinition/goal-relationship"


def _milestone(subgoal_id: int) -> Extension:
    return Extension(
        url=GOAL_RELATIONSHIP,
        extension=[
            Extension(
                url="type",
                valueCodeableConcept=CodeableConcept.model_validate(
                    {
                        "coding": [
                            {
                                "system": "http://hl7.org/fhir/goal-relationship-type",
                                "code": "milestone",
                            }
                        ]
                    }
                ),
            ),
            Extension(url="target", valueReference=ref("Goal", subgoal_id)),
        ],
    )


def goal_resource(goal: Goal, *, subgoal_ids: Iterable[int] = ()) -> FhirGoal:
    serves = goal.challenge.text if goal.challenge_id and goal.challenge else goal.wish
    return FhirGoal(
        id=str(goal.pk),
        meta=meta(goal.updated_at),
        extension=[_milestone(pk) for pk in subgoal_ids] or None,
        lifecycleStatus="active" if goal.retired_at is None else "cancelled",
        category=[lkt_code("goal-kind", "min-gode-dag", "Min gode dag")],
        description=CodeableConcept(text=goal.text),
        subject=ref("Patient", goal.patient_id),
        expressedBy=ref("Patient", goal.patient_id),
        target=[GoalTarget(dueDate=goal.target_date)] if goal.target_date else None,
        note=[Annotation(text=serves)] if serves else None,
        startDate=timezone.localtime(goal.created_at).date(),
    )
